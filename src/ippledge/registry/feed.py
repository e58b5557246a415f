"""Bulk legal-status feed (法律状态批量导入): CSV or JSONL, streamed, one bad line never stops the rest.

CSV header ``number,code,effective_date[,details]`` (any column order); JSONL objects with the same keys. A number
may be a patent application number, a patent number (``ZL…``), a trademark or a copyright registration number.

How a million rows stay fast: numbers are normalised once each (cached), resolved to asset ids with one ``IN``
query per 5,000 numbers, existing events of those assets are read in the same chunks to skip duplicates, state
transitions run in Python per asset in effective-date order (a later row for an asset chains on the earlier ones,
same rules as ``record_event``), events are inserted with ``COPY`` on PostgreSQL or Core ``executemany`` elsewhere,
and changed assets are updated in one statement per chunk. The update only applies where the asset still has the
state the feed read (optimistic check): if another transaction changed one meanwhile, the whole batch is refused
with ``registry.feed_concurrent_change`` and can simply be loaded again.

Side effects per batch: one ``FeedBatch`` row (counts, per-line errors, SHA-256 of the input), one audit record and
one ``ip.status_changed`` outbox event carrying the counts, not one per row: subscribers that need the rows read the
batch's events by ``batch_id``. Feeds come from the registry itself, so no pledgee-consent check applies to TR01 or
EE01 rows, and a TR01 row records the event without changing owners (owners change through ``transfer``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.orm import Session

from ippledge import events
from ippledge.access import audit
from ippledge.access.model import Principal
from ippledge.kernel.errors import IppledgeError, ValidationError
from ippledge.registry import feed_store
from ippledge.registry.events_service import backdated
from ippledge.registry.model import EventCode, LegalState, RegisterState, apply_event
from ippledge.registry.numbers import Candidate, read
from ippledge.registry.service import require_registry_writer
from ippledge.registry.tables import FeedBatch

FORMATS = ("csv", "jsonl")
MAX_STORED_ERRORS = 10_000  # counts stay exact; the stored list is capped so one broken feed cannot bloat the row
_CODES = {c.value: c for c in EventCode}


@dataclass(frozen=True)
class FeedError:
    line: int
    code: str
    message_zh: str
    message_en: str
    number: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "number": self.number,
        }


@dataclass
class FeedReport:
    batch_id: int
    total: int
    loaded: int
    duplicates: int
    rejected: int
    status_changes: int
    sha256: str
    errors: list[FeedError] = field(default_factory=list)
    errors_truncated: bool = False


@dataclass(frozen=True)
class _Row:
    line: int
    number: str
    code: EventCode
    date: dt.date
    details: str | None


class _Collector:
    def __init__(self) -> None:
        self.errors: list[FeedError] = []
        self.count = 0

    def add(self, line: int, exc: IppledgeError, number: str | None = None) -> None:
        self.count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(FeedError(line, exc.code, exc.message_zh, exc.message_en, number))


def _lines(
    data: bytes | IO[bytes] | Iterable[bytes], digest: Any, on_bytes: Callable[[int], None] | None
) -> Iterator[str]:
    chunks: Iterable[bytes] = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    first = True
    for raw in chunks:
        digest.update(raw)
        if on_bytes is not None:
            on_bytes(len(raw))
        text = raw.decode("utf-8", errors="replace")
        if first:
            text, first = text.removeprefix("\ufeff"), False
        yield text


def _bad(zh: str, en: str, code: str) -> ValidationError:
    return ValidationError(zh, en, code=code)


def _details_json(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            json.loads(value)
            return value
        except ValueError:
            return json.dumps({"text": value}, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, default=str)


def _csv_records(lines: Iterator[str]) -> Iterator[tuple[int, dict[str, Any] | IppledgeError]]:
    reader = csv.reader(lines)
    header = next(reader, None)
    names = [h.strip().lower() for h in header] if header else []
    missing = [n for n in ("number", "code", "effective_date") if n not in names]
    if missing:
        raise _bad(
            f"CSV 表头缺少列：{', '.join(missing)}（应为 number,code,effective_date[,details]）",
            f"CSV header lacks column(s): {', '.join(missing)} (expected number,code,effective_date[,details])",
            "registry.feed_header",
        )
    for cells in reader:
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) > len(names):
            yield (
                reader.line_num,
                _bad(
                    f"列数过多：{len(cells)} > {len(names)}",
                    f"too many columns: {len(cells)} > {len(names)}",
                    "registry.feed_columns",
                ),
            )
            continue
        yield reader.line_num, dict(zip(names, cells, strict=False))


def _jsonl_records(lines: Iterator[str]) -> Iterator[tuple[int, dict[str, Any] | IppledgeError]]:
    for n, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except ValueError:
            yield n, _bad("不是有效的 JSON", "not valid JSON", "registry.feed_json")
            continue
        if not isinstance(obj, dict):
            yield n, _bad("每行应为一个 JSON 对象", "each line must be a JSON object", "registry.feed_json")
            continue
        yield n, obj


class _Parser:
    """Validates fields row by row; numbers and dates are cached (feeds repeat both a lot)."""

    def __init__(self, as_of: dt.date, errors: _Collector) -> None:
        self.as_of = as_of
        self.errors = errors
        self.readings: dict[str, tuple[Candidate, ...] | IppledgeError] = {}
        self.dates: dict[str, dt.date | IppledgeError] = {}

    def reading(self, number: str) -> tuple[Candidate, ...] | IppledgeError:
        got = self.readings.get(number)
        if got is None:
            r = read(number)
            got = r.error if r.error is not None else r.candidates
            self.readings[number] = got
        return got

    def date(self, text: str) -> dt.date | IppledgeError:
        got = self.dates.get(text)
        if got is None:
            try:
                d = dt.date.fromisoformat(text.strip())
                got = (
                    d
                    if d <= self.as_of
                    else _bad(
                        f"生效日{d}晚于今天{self.as_of}",
                        f"effective date {d} is in the future",
                        "registry.event_in_future",
                    )
                )
            except ValueError:
                got = _bad(
                    f"生效日应为 YYYY-MM-DD：{text}",
                    f"effective_date must be YYYY-MM-DD: {text}",
                    "registry.effective_date",
                )
            self.dates[text] = got
        return got

    def row(self, line: int, rec: dict[str, Any]) -> _Row | None:
        number, code, when = rec.get("number"), rec.get("code"), rec.get("effective_date")
        for name, value in (("number", number), ("code", code), ("effective_date", when)):
            if not isinstance(value, str) or not value.strip():
                self.errors.add(line, _bad(f"缺少字段 {name}", f"missing field {name}", "registry.feed_field_missing"))
                return None
        assert isinstance(number, str) and isinstance(code, str) and isinstance(when, str)
        event = _CODES.get(code.strip().upper())
        if event is None:
            err = _bad(
                f"未知的法律状态事件代码：{code}", f"unknown legal-status event code: {code}", "registry.event_code"
            )
            self.errors.add(line, err, number)
            return None
        date = self.date(when)
        if isinstance(date, IppledgeError):
            self.errors.add(line, date, number)
            return None
        candidates = self.reading(number)
        if isinstance(candidates, IppledgeError):
            self.errors.add(line, candidates, number)
            return None
        return _Row(line, number.strip(), event, date, _details_json(rec.get("details")))


def ingest_feed(
    session: Session,
    principal: Principal,
    data: bytes | IO[bytes] | Iterable[bytes],
    fmt: str,
    source_name: str,
    as_of: dt.date,
    on_bytes: Callable[[int], None] | None = None,
) -> FeedReport:
    """Load a feed; per-line errors are reported with their line numbers while the good rows load."""
    require_registry_writer(principal)
    if fmt not in FORMATS:
        raise _bad(f"格式应为 csv 或 jsonl：{fmt}", f"format must be csv or jsonl: {fmt}", "registry.feed_format")
    digest = hashlib.sha256()
    errors = _Collector()
    parser = _Parser(as_of, errors)
    records = (_csv_records if fmt == "csv" else _jsonl_records)(_lines(data, digest, on_bytes))
    rows: list[_Row] = []
    total = 0
    for line, rec in records:
        total += 1
        if isinstance(rec, IppledgeError):
            errors.add(line, rec)
            continue
        row = parser.row(line, rec)
        if row is not None:
            rows.append(row)

    wanted = {c for r in rows for c in parser.readings[r.number]}  # type: ignore[union-attr]
    assets = feed_store.resolve(session, wanted)
    by_asset: dict[int, list[_Row]] = defaultdict(list)
    not_found = ValidationError("登记簿中没有该编号", "number not on the register", code="registry.asset_not_found")
    for r in rows:
        hit = next((assets[c] for c in parser.readings[r.number] if c in assets), None)  # type: ignore[union-attr]
        if hit is None:
            errors.add(r.line, not_found, r.number)
        else:
            by_asset[hit.id].append(r)
    first_date = min((r.date for r in rows), default=as_of)
    existing = feed_store.existing_events(session, list(by_asset), first_date)

    batch = FeedBatch(source_name=source_name[:200], fmt=fmt, submitted_by=principal.actor, sha256="")
    session.add(batch)
    session.flush()
    inserts: list[tuple[int, str, dt.date, str | None]] = []
    changes: list[feed_store.Change] = []
    duplicates = 0
    asset_index = {a.id: a for a in assets.values()}
    for asset_id, asset_rows in by_asset.items():
        a = asset_index[asset_id]
        start = RegisterState(LegalState(a.status), a.preserved, a.invalidation_pending)
        state, status_date = start, a.status_date
        for r in sorted(asset_rows, key=lambda x: (x.date, x.line)):
            key = (asset_id, r.code.value, r.date)
            if key in existing:
                duplicates += 1
                continue
            try:
                late = backdated(r.code, r.date, status_date)
                if late is not None:
                    raise late
                after = apply_event(state, r.code)
            except IppledgeError as exc:
                errors.add(r.line, exc, r.number)
                continue
            existing.add(key)
            inserts.append((asset_id, r.code.value, r.date, r.details))
            if after != state:
                state, status_date = after, max(r.date, status_date or r.date)
        if state != start:
            changes.append(feed_store.Change(a, state, status_date))

    feed_store.insert_events(session, batch.id, inserts)
    feed_store.apply_changes(session, changes)
    batch.total, batch.loaded, batch.duplicates, batch.rejected = total, len(inserts), duplicates, errors.count
    batch.errors = json.dumps([e.to_dict() for e in errors.errors], ensure_ascii=False)
    batch.sha256 = sha = digest.hexdigest()
    session.flush()
    batch_id = batch.id
    counts = {
        "batch_id": batch.id,
        "total": total,
        "loaded": len(inserts),
        "duplicates": duplicates,
        "rejected": errors.count,
        "status_changes": len(changes),
        "sha256": batch.sha256,
    }
    audit.record(session, principal, "legal_status.feed_loaded", "feed_batch", batch.id, counts)
    events.publish(session, "ip.status_changed", {"feed": True, "source_name": batch.source_name, **counts})
    session.expire_all()  # asset rows were changed behind the identity map
    return FeedReport(
        batch_id=batch_id,
        total=total,
        loaded=len(inserts),
        duplicates=duplicates,
        rejected=errors.count,
        status_changes=len(changes),
        sha256=sha,
        errors=errors.errors,
        errors_truncated=errors.count > len(errors.errors),
    )
