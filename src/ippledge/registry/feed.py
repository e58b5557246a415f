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
batch's events by ``batch_id``; and one ``pledge.collateral_status_changed`` per *pledged* asset whose status changed,
to its pledgee and owners (:mod:`ippledge.registry.collateral_alerts`). Feeds come from the registry itself, so
no pledgee-consent check applies to TR01, EE01 or OL01 rows, and a TR01 row records the event without changing
owners (owners change through ``transfer``).

Any of the 110 Chinese codes loads (``event_codes``, decision 0031): a legacy code as the register's equivalent with
``reported_code`` in its details, an informational one as reported with no change; so a historical feed loads. A
term change (TG01/TP01) moves the expiry date (and schedules the annuities of the years it adds) and a holder change
(CP01-CP03) the holder line, from the row's details.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal
from ippledge.kernel.errors import IppledgeError
from ippledge.outbox import events
from ippledge.registry import annuities, collateral_alerts, event_codes, feed_store
from ippledge.registry.errors import ASSET_NOT_FOUND, FEED_FORMAT, FEED_RENEWAL, NOT_A_MARK
from ippledge.registry.feed_parse import Collector, FeedError, Parser, Row, csv_records, jsonl_records, lines
from ippledge.registry.guards import require_registry_writer
from ippledge.registry.legal_status import backdated, register_changes
from ippledge.registry.model import TRADEMARK_EVENTS, EventCode, IpKind, LegalState, RegisterState, apply_event
from ippledge.registry.tables import FeedBatch

FORMATS = ("csv", "jsonl")
_REPORTED: dict[str, str] = {}  # reported code -> the details JSON of an aliased line that had none


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


def _details(text: str | None) -> dict[str, Any] | None:
    """A row's details as a mapping (a feed's details are JSON; anything but an object is kept under ``value``)."""
    if not text:
        return None
    try:
        got = json.loads(text)
    except ValueError:
        return None
    return got if isinstance(got, dict) else {"value": got}


def ingest_feed(
    session: Session,
    principal: Principal,
    data: bytes | IO[bytes] | Iterable[bytes],
    fmt: str,
    source_name: str,
    as_of: dt.date,
    on_bytes: Callable[[int], None] | None = None,
) -> FeedReport:
    """Load a feed; per-line errors are reported with their line numbers while the good rows load.

    ``data``: the whole feed as bytes, a binary file, or any iterable of byte *lines*. ``as_of``: business date;
    events dated after it are rejected. ``on_bytes`` is told how many bytes were read (for a progress bar).
    Raises only for a wrong format or CSV header (nothing is written); everything else is a per-line error.
    """
    require_registry_writer(principal)
    if fmt not in FORMATS:
        raise FEED_FORMAT(fmt=fmt)
    digest = hashlib.sha256()
    errors = Collector()
    parser = Parser(as_of, errors)
    records = (csv_records if fmt == "csv" else jsonl_records)(lines(data, digest, on_bytes))
    rows: list[Row] = []
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
    by_asset: dict[int, list[Row]] = defaultdict(list)
    not_found = ASSET_NOT_FOUND()
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
    attributes: dict[int, dict[str, Any]] = {}
    duplicates = 0
    last_code: dict[int, str] = {}
    asset_index = {a.id: a for a in assets.values()}
    kind_of = {a.id: kind for (kind, _), a in assets.items()}
    for asset_id, asset_rows in by_asset.items():
        a = asset_index[asset_id]
        start = RegisterState(LegalState(a.status), a.preserved, a.invalidation_pending, a.open_licence)
        state, status_date, expiry = start, a.status_date, a.expiry_date
        for r in sorted(asset_rows, key=lambda x: (x.date, x.line)):
            try:
                resolved = event_codes.resolve(r.code, r.date, expiry, state.preserved)
            except IppledgeError as exc:
                errors.add(r.line, exc, r.number)
                continue
            key = (asset_id, resolved.code, r.date)
            if any((asset_id, c, r.date) in existing for c in event_codes.stored_codes(r.code)):
                duplicates += 1
                continue
            code = resolved.event
            aliased = resolved.reported != resolved.code
            changing = code in event_codes.TERM_EVENTS or code in event_codes.HOLDER_EVENTS
            details = _details(r.details) if aliased or changing else None  # most rows: never parsed
            shifted: dict[str, Any] = {}
            try:
                if code is not None:
                    late = backdated(code, r.date, status_date)
                    if late is not None:
                        raise late
                    if code in TRADEMARK_EVENTS and kind_of[asset_id] is not IpKind.TRADEMARK:
                        raise NOT_A_MARK(kind=kind_of[asset_id].value, asset_id=asset_id)
                    if code is EventCode.TM01:
                        raise FEED_RENEWAL()
                    after = apply_event(state, code)
                    if changing:
                        shifted = register_changes(code, a.subtype, expiry, details)
            except IppledgeError as exc:
                errors.add(r.line, exc, r.number)
                continue
            existing.add(key)
            stored = r.details
            if shifted:
                attributes.setdefault(asset_id, {}).update(shifted)
                if "expiry_date" in shifted and expiry is not None:
                    details = {**(details or {}), "expiry_before": expiry.isoformat()}
                    details["expiry_after"] = shifted["expiry_date"].isoformat()
                    expiry = shifted["expiry_date"]
                    stored = json.dumps(details, ensure_ascii=False, default=str)
            if aliased and details is None:  # the usual legacy line: no details of its own
                stored = _REPORTED.get(resolved.reported) or _REPORTED.setdefault(
                    resolved.reported, json.dumps({"reported_code": resolved.reported})
                )
            elif aliased:
                stored = json.dumps(event_codes.with_reported(resolved, details), ensure_ascii=False, default=str)
            inserts.append((asset_id, resolved.code, r.date, stored))
            if code is None:
                continue  # informational: recorded, the register unchanged
            last_code[asset_id] = resolved.code
            if after != state:
                state, status_date = after, max(r.date, status_date or r.date)
        if state != start or status_date != a.status_date:
            changes.append(feed_store.Change(a, state, status_date))

    feed_store.insert_events(session, batch.id, inserts)
    feed_store.apply_changes(session, changes)
    feed_store.apply_attributes(session, attributes)
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
    moved = [c for c in changes if c.after.status.value != c.before.status or c.after.preserved != c.before.preserved]
    alerts = [
        collateral_alerts.StatusChange(
            c.before.id,
            last_code.get(c.before.id, ""),
            c.status_date,
            c.before.status,
            c.after.status.value,
            c.after.preserved,
        )
        for c in moved
    ]
    collateral_alerts.publish_collateral_alerts(session, alerts, batch.id)
    session.expire_all()  # asset rows were changed behind the identity map
    moved_term = [aid for aid, new in attributes.items() if "expiry_date" in new and kind_of[aid] is IpKind.PATENT]
    annuities.extend_for_term(session, moved_term, as_of)  # TG01/TP01: the years past the 20th (补偿期)
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
