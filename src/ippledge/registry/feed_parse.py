"""Reading a legal-status feed (法律状态数据解析): CSV or JSONL lines into checked rows, errors by line number.

Numbers and dates repeat a lot in feeds, so each distinct one is read once and cached.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from ippledge.kernel.errors import IppledgeError
from ippledge.registry import errors, event_codes
from ippledge.registry.numbers import Candidate, read

MAX_STORED_ERRORS = 10_000  # counts stay exact; the stored list is capped so one broken feed cannot bloat the row


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


@dataclass(frozen=True)
class Row:
    line: int
    number: str
    code: str  # as reported: one of the 110 known codes (``event_codes``), resolved per asset on loading
    date: dt.date
    details: str | None


class Collector:
    def __init__(self) -> None:
        self.errors: list[FeedError] = []
        self.count = 0

    def add(self, line: int, exc: IppledgeError, number: str | None = None) -> None:
        self.count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(FeedError(line, exc.code, exc.message_zh, exc.message_en, number))


def lines(
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


def _details_json(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            json.loads(value)
            return value
        except (ValueError, RecursionError):
            return json.dumps({"text": value}, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, default=str)


def _cells(text: str) -> list[str]:
    """One physical line as CSV cells. A quote never continues onto the next line: an unterminated quote used to
    swallow every following line into one field silently; now that line alone is an error (csv.Error)."""
    if '"' not in text:  # most lines: no quoting, and a plain split is what the csv module would return
        return text.rstrip("\r\n").split(",") if text.strip() else []
    return next(csv.reader((text,), strict=True), [])


def csv_records(lines: Iterator[str]) -> Iterator[tuple[int, dict[str, Any] | IppledgeError]]:
    numbered = enumerate(lines, start=1)
    header: list[str] | None = None
    for _n, text in numbered:
        try:
            header = _cells(text)
        except csv.Error:
            header = None
        break
    names = [h.strip().lower() for h in header] if header else []
    missing = [n for n in ("number", "code", "effective_date") if n not in names]
    if missing:
        raise errors.FEED_HEADER(missing=", ".join(missing))
    for n, text in numbered:
        try:
            cells = _cells(text)
        except csv.Error as exc:
            yield n, errors.FEED_CSV_QUOTE(why=str(exc))
            continue
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) > len(names):
            yield n, errors.FEED_COLUMNS(count=len(cells), expected=len(names))
            continue
        yield n, dict(zip(names, cells, strict=False))


def jsonl_records(lines: Iterator[str]) -> Iterator[tuple[int, dict[str, Any] | IppledgeError]]:
    for n, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError):  # a line nested thousands deep is one bad line, not a lost feed
            yield n, errors.FEED_JSON()
            continue
        if not isinstance(obj, dict):
            yield (
                n,
                errors.FEED_JSON.kind(
                    "每行应为一个 JSON 对象", "each line must be a JSON object", code=errors.FEED_JSON.code
                ),
            )
            continue
        yield n, obj


class Parser:
    """Validates fields row by row; numbers and dates are cached (feeds repeat both a lot)."""

    def __init__(self, as_of: dt.date, errors: Collector) -> None:
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
                    else errors.EVENT_IN_FUTURE.kind(
                        f"生效日{d}晚于今天{self.as_of}",
                        f"effective date {d} is in the future",
                        code=errors.EVENT_IN_FUTURE.code,
                    )
                )
            except ValueError:
                got = errors.EFFECTIVE_DATE(text=text)
            self.dates[text] = got
        return got

    def row(self, line: int, rec: dict[str, Any]) -> Row | None:
        number, code, when = rec.get("number"), rec.get("code"), rec.get("effective_date")
        for name, value in (("number", number), ("code", code), ("effective_date", when)):
            if not isinstance(value, str) or not value.strip():
                self.errors.add(line, errors.FEED_FIELD_MISSING(field=name))
                return None
        assert isinstance(number, str) and isinstance(code, str) and isinstance(when, str)
        event = code.strip().upper()
        if not event_codes.is_known(event):
            err = errors.EVENT_CODE(code=code)
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
        return Row(line, number.strip(), event, date, _details_json(rec.get("details")))
