"""Published read face (查询接口) of monitoring: alerts, the watch list and overdue post-loan actions (超时贷后措施),
scoped by ``monitoring.scope_rules``."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.lending import queries as lending_queries
from ippledge.monitoring import errors, store
from ippledge.monitoring.actions import ActionView as ActionView  # the post-loan actions' read face
from ippledge.monitoring.actions import actions as actions
from ippledge.monitoring.actions import view as action_view
from ippledge.monitoring.model import OPEN_ACTION_STATES
from ippledge.monitoring.tables import MonitoringAction, MonitoringAlert, WatchEntry


@dataclass(frozen=True)
class Step:
    from_state: str | None
    to_state: str
    on: dt.date
    actor: str
    note: str


@dataclass(frozen=True)
class WatchView:
    """A watch-list entry (关注名单条目) with its history."""

    id: int
    loan_id: int
    bank_id: int
    rule: str
    state: str
    owner: str | None
    reason: str
    alert_id: int | None
    opened_on: dt.date
    opened_by: str
    act_by: dt.date | None
    updated_on: dt.date
    history: tuple[Step, ...]


@dataclass(frozen=True)
class AlertView:
    id: int
    business_date: dt.date
    loan_id: int
    finding: str
    subject: str
    act_by: dt.date
    payload: dict[str, Any]


def view(session: Session, entry: WatchEntry) -> WatchView:
    steps = tuple(Step(h.from_state, h.to_state, h.on, h.actor, h.note) for h in store.history(session, entry.id))
    return WatchView(
        entry.id,
        entry.loan_id,
        entry.bank_id,
        entry.rule,
        entry.state,
        entry.owner,
        entry.reason,
        entry.alert_id,
        entry.opened_on,
        entry.opened_by,
        entry.act_by,
        entry.updated_on,
        steps,
    )


def watch_list(
    session: Session, principal: Principal, state: str | None = None, loan_id: int | None = None
) -> list[WatchView]:
    return [view(session, e) for e in store.entries(session, scope.scoped(WatchEntry, principal), state, loan_id)]


def watch_entry(session: Session, principal: Principal, entry_id: int) -> WatchView:
    entry = session.scalars(scope.scoped(WatchEntry, principal).where(WatchEntry.id == entry_id)).first()
    if entry is None:
        raise errors.WATCH_NOT_FOUND(entry_id=entry_id)
    return view(session, entry)


def _alert(a: MonitoringAlert) -> AlertView:
    return AlertView(a.id, a.business_date, a.loan_id, a.finding, a.subject, a.act_by, json.loads(a.payload))


def alerts(session: Session, principal: Principal, loan_id: int | None = None, limit: int = 200) -> list[AlertView]:
    return [_alert(a) for a in store.alerts(session, scope.scoped(MonitoringAlert, principal), loan_id, limit)]


@dataclass(frozen=True)
class MonitoringSummary:
    """The platform's monitoring in numbers: alerts by finding, watch-list entries by (rule, state)."""

    alerts: dict[str, int]
    watch: dict[tuple[str, str], int]
    days: int


def summary(session: Session) -> MonitoringSummary:
    alerts, watch, days = store.summary(session)
    return MonitoringSummary(alerts, watch, days)


def overdue_actions(session: Session, principal: Principal, today: dt.date) -> list[ActionView]:
    """Post-loan actions the caller may see (the action's scope rule: the bank's own, overseers all) still open past
    their ``act_by`` on loans still active (as the pass escalates them), by deadline: one read of the actions and one
    of their loans, not a loop."""
    stmt = (
        scope.scoped(MonitoringAction, principal)
        .where(
            MonitoringAction.state.in_([s.value for s in OPEN_ACTION_STATES]),
            MonitoringAction.act_by < today,
        )
        .order_by(MonitoringAction.act_by, MonitoringAction.id)
    )
    rows = list(session.scalars(stmt))
    loans = lending_queries.loan_summaries(session, {a.loan_id for a in rows})
    return [action_view(a) for a in rows if (loan := loans.get(a.loan_id)) is not None and loan.status == "active"]
