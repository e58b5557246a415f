"""Set-based queries behind the bulk feed (批量导入): chunked lookups, COPY / executemany, bulk status updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, any_, bindparam, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from ippledge.db import is_postgres, utcnow
from ippledge.registry import errors
from ippledge.registry.model import IpKind, RegisterState
from ippledge.registry.numbers import Candidate
from ippledge.registry.tables import IpAsset, LegalStatusEvent

CHUNK = 5_000  # numbers per IN query: well under the bind-parameter limits of SQLite and PostgreSQL
WRITE_CHUNK = 20_000
_ASSETS = cast(Table, IpAsset.__table__)
_EVENTS = cast(Table, LegalStatusEvent.__table__)


@dataclass(frozen=True)
class AssetRow:
    id: int
    status: str
    preserved: bool
    invalidation_pending: bool
    status_date: dt.date | None
    open_licence: bool = False
    expiry_date: dt.date | None = None
    subtype: str = ""


@dataclass(frozen=True)
class Change:
    before: AssetRow
    after: RegisterState
    status_date: dt.date | None


def in_values(session: Session, column: Any, values: Sequence[Any]) -> Any:
    """``column IN values``; on PostgreSQL ``= ANY(array)``, one parameter instead of thousands to parse."""
    if is_postgres(session):
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def resolve(session: Session, candidates: Iterable[Candidate]) -> dict[Candidate, AssetRow]:
    """Asset rows for every (kind, number) candidate on the register."""
    numbers = sorted({n for _, n in candidates})
    t = _ASSETS
    cols = (t.c.id, t.c.kind, t.c.number, t.c.status, t.c.preserved, t.c.invalidation_pending, t.c.status_date)
    more = (t.c.open_licence, t.c.expiry_date, t.c.subtype)
    out: dict[Candidate, AssetRow] = {}
    conn = session.connection()
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        for aid, kind, number, status, preserved, pending, status_date, licence, expiry, subtype in conn.execute(
            select(*cols, *more).where(in_values(session, t.c.number, chunk))
        ):
            row = AssetRow(aid, status, bool(preserved), bool(pending), status_date, bool(licence), expiry, subtype)
            out[(IpKind(kind), number)] = row
    return out


def existing_events(session: Session, asset_ids: Sequence[int], since: dt.date) -> set[tuple[int, str, dt.date]]:
    """(asset, code, date) of events already recorded on or after ``since`` for these assets."""
    t = _EVENTS
    out: set[tuple[int, str, dt.date]] = set()
    conn = session.connection()
    for start in range(0, len(asset_ids), CHUNK):
        chunk = list(asset_ids[start : start + CHUNK])
        stmt = select(t.c.ip_asset_id, t.c.code, t.c.effective_date).where(
            in_values(session, t.c.ip_asset_id, chunk), t.c.effective_date >= since
        )
        out.update((a, c, d) for a, c, d in conn.execute(stmt))
    return out


def insert_events(session: Session, batch_id: int, rows: Sequence[tuple[int, str, dt.date, str | None]]) -> None:
    if not rows:
        return
    now = utcnow()
    if is_postgres(session):
        raw: Any = session.connection().connection.driver_connection
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY legal_status_event (ip_asset_id, code, effective_date, details, source, batch_id, recorded_at) "
                "FROM STDIN"
            ) as copy,
        ):
            for aid, code, date, details in rows:
                copy.write_row((aid, code, date, details, "feed", batch_id, now))
        return
    # Elsewhere (SQLite, qmark parameters): DB-API executemany with values converted once per distinct date by the
    # columns' own bind processors, skipping SQLAlchemy's per-row parameter processing.
    conn = session.connection()
    date_proc = _processor(_EVENTS.c.effective_date, conn.dialect)
    at = _processor(_EVENTS.c.recorded_at, conn.dialect)(now)
    dates: dict[dt.date, Any] = {}
    sql = (
        "INSERT INTO legal_status_event (ip_asset_id, code, effective_date, details, source, batch_id, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    dbapi: Any = conn.connection.driver_connection
    cur = dbapi.cursor()
    try:
        for start in range(0, len(rows), WRITE_CHUNK):
            params = []
            for aid, code, date, details in rows[start : start + WRITE_CHUNK]:
                d = dates.get(date)
                if d is None:
                    d = dates[date] = date_proc(date)
                params.append((aid, code, d, details, "feed", batch_id, at))
            cur.executemany(sql, params)
    finally:
        cur.close()


def _processor(column: Any, dialect: Any) -> Callable[[Any], Any]:
    proc = column.type.bind_processor(dialect)
    return cast(Callable[[Any], Any], proc) if proc is not None else (lambda v: v)


def apply_changes(session: Session, changes: Sequence[Change]) -> None:
    """Write the new states, only where each asset still has the state the feed read (optimistic check)."""
    if not changes:
        return
    now = utcnow()
    if is_postgres(session):
        matched = _apply_changes_pg(session, changes, now)
    else:
        matched = _apply_changes_many(session, changes, now)
    if matched != len(changes):
        raise errors.FEED_CONCURRENT_CHANGE(expected=len(changes), updated=matched)


def _apply_changes_pg(session: Session, changes: Sequence[Change], now: dt.datetime) -> int:
    """COPY the new states into a temporary table and update from it in one statement."""
    raw: Any = session.connection().connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE feed_change (id bigint PRIMARY KEY, b_status varchar(16), b_preserved boolean, "
            "b_pending boolean, b_open boolean, n_status varchar(16), n_preserved boolean, n_pending boolean, "
            "n_open boolean, n_date date)"
        )
        with cur.copy("COPY feed_change FROM STDIN") as copy:
            for c in changes:
                b, a = c.before, c.after
                before = (b.id, b.status, b.preserved, b.invalidation_pending, b.open_licence)
                after = (a.status.value, a.preserved, a.invalidation_pending, a.open_licence)
                copy.write_row((*before, *after, c.status_date))
        cur.execute(
            "UPDATE ip_asset AS a SET status = c.n_status, preserved = c.n_preserved, "
            "invalidation_pending = c.n_pending, open_licence = c.n_open, status_date = c.n_date, updated_at = %s "
            "FROM feed_change AS c WHERE a.id = c.id AND a.status = c.b_status AND a.preserved = c.b_preserved "
            "AND a.invalidation_pending = c.b_pending AND a.open_licence = c.b_open",
            (now,),
        )
        matched = int(cur.rowcount)
        cur.execute("DROP TABLE feed_change")
    return matched


def _apply_changes_many(session: Session, changes: Sequence[Change], now: dt.datetime) -> int:
    t = _ASSETS
    stmt = (
        update(t)
        .where(
            and_(
                t.c.id == bindparam("b_id"),
                t.c.status == bindparam("b_status"),
                t.c.preserved == bindparam("b_preserved"),
                t.c.invalidation_pending == bindparam("b_pending"),
                t.c.open_licence == bindparam("b_open"),
            )
        )
        .values(
            status=bindparam("n_status"),
            preserved=bindparam("n_preserved"),
            invalidation_pending=bindparam("n_pending"),
            open_licence=bindparam("n_open"),
            status_date=bindparam("n_date"),
            updated_at=bindparam("n_at"),
        )
    )
    conn = session.connection()
    matched = 0
    for start in range(0, len(changes), WRITE_CHUNK):
        params = [
            {
                "b_id": c.before.id,
                "b_status": c.before.status,
                "b_preserved": c.before.preserved,
                "b_pending": c.before.invalidation_pending,
                "b_open": c.before.open_licence,
                "n_open": c.after.open_licence,
                "n_status": c.after.status.value,
                "n_preserved": c.after.preserved,
                "n_pending": c.after.invalidation_pending,
                "n_date": c.status_date,
                "n_at": now,
            }
            for c in changes[start : start + WRITE_CHUNK]
        ]
        matched += conn.execute(stmt, params).rowcount
    return matched


def apply_attributes(session: Session, changes: dict[int, dict[str, Any]]) -> None:
    """Register columns a feed's term or holder events rewrote (expiry, holder line): few rows, one update each."""
    t = _ASSETS
    now = utcnow()
    for asset_id, values in sorted(changes.items()):
        session.execute(update(t).where(t.c.id == asset_id).values(**values, updated_at=now))
