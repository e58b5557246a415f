"""Monitoring persistence (贷后监测存取): runs, alerts and the watch list. Private to the capability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ippledge.monitoring.model import ACTIVE_STATES
from ippledge.monitoring.tables import MonitoringAlert, MonitoringRun, WatchEntry, WatchHistory

_CHUNK = 5_000


def run_of(session: Session, day: dt.date) -> MonitoringRun | None:
    return session.get(MonitoringRun, day)


def last_run(session: Session) -> MonitoringRun | None:
    return session.scalars(select(MonitoringRun).order_by(MonitoringRun.business_date.desc()).limit(1)).first()


def watermark(session: Session) -> int:
    return int(session.scalar(select(func.max(MonitoringRun.event_watermark))) or 0)


def raised(session: Session, loan_ids: Iterable[int]) -> set[tuple[int, str, str]]:
    """``(loan, finding, subject)`` of the alerts already raised on these loans (one alert per subject, ever)."""
    ids = sorted(set(loan_ids))
    out: set[tuple[int, str, str]] = set()
    for start in range(0, len(ids), _CHUNK):
        stmt = select(MonitoringAlert.loan_id, MonitoringAlert.finding, MonitoringAlert.subject).where(
            MonitoringAlert.loan_id.in_(ids[start : start + _CHUNK])
        )
        out.update((int(a), str(b), str(c)) for a, b, c in session.execute(stmt))
    return out


def active_entries(session: Session, loan_ids: Sequence[int]) -> dict[tuple[int, str], WatchEntry]:
    ids = sorted(set(loan_ids))
    out: dict[tuple[int, str], WatchEntry] = {}
    states = [s.value for s in ACTIVE_STATES]
    for start in range(0, len(ids), _CHUNK):
        stmt = select(WatchEntry).where(
            WatchEntry.loan_id.in_(ids[start : start + _CHUNK]), WatchEntry.state.in_(states)
        )
        for e in session.scalars(stmt):
            out[(e.loan_id, e.rule)] = e
    return out


def history(session: Session, entry_id: int) -> list[WatchHistory]:
    stmt = select(WatchHistory).where(WatchHistory.entry_id == entry_id).order_by(WatchHistory.id)
    return list(session.scalars(stmt))


def entries(session: Session, visible: Select[WatchEntry], state: str | None, loan_id: int | None) -> list[WatchEntry]:
    """The entries of ``visible`` (the caller's scoped select), optionally of one state or loan, oldest first."""
    stmt = visible.order_by(WatchEntry.id)
    if state is not None:
        stmt = stmt.where(WatchEntry.state == state)
    if loan_id is not None:
        stmt = stmt.where(WatchEntry.loan_id == loan_id)
    return list(session.scalars(stmt))


def alerts(
    session: Session, visible: Select[MonitoringAlert], loan_id: int | None, limit: int
) -> list[MonitoringAlert]:
    """The newest ``limit`` alerts of ``visible`` (the caller's scoped select), optionally of one loan."""
    stmt = visible.order_by(MonitoringAlert.id.desc()).limit(limit)
    if loan_id is not None:
        stmt = stmt.where(MonitoringAlert.loan_id == loan_id)
    return list(session.scalars(stmt))


def summary(session: Session) -> tuple[dict[str, int], dict[tuple[str, str], int], int]:
    by_finding = select(MonitoringAlert.finding, func.count()).group_by(MonitoringAlert.finding)
    by_rule = select(WatchEntry.rule, WatchEntry.state, func.count()).group_by(WatchEntry.rule, WatchEntry.state)
    days = int(session.scalar(select(func.count()).select_from(MonitoringRun)) or 0)
    alerts = {str(f): int(n) for f, n in session.execute(by_finding)}
    watch = {(str(r), str(s)): int(n) for r, s, n in session.execute(by_rule)}
    return dict(sorted(alerts.items())), dict(sorted(watch.items())), days
