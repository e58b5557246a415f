"""The watch list (关注名单): entries opened by the pass or by an officer, moved open → acting → cured/escalated →
closed with a history step and a ``monitoring.watch_changed`` event each. Flushes only.

The pass (``monitoring.alerts``) opens its entries in bulk through ``insert_ids`` and ``opened_history_rows``; an
officer opens one with ``open_entry``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from ippledge import db
from ippledge.access import audit, scope
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.lending import queries as lending_queries
from ippledge.monitoring import errors, model, store
from ippledge.monitoring.model import WatchState
from ippledge.monitoring.tables import MonitoringAlert, WatchEntry, WatchHistory
from ippledge.outbox import events


def new_entry(
    loan_id: int,
    bank_id: int,
    rule: str,
    reason: str,
    day: dt.date,
    actor: str,
    alert_id: int | None,
    act_by: dt.date | None,
    owner: str | None = None,
) -> WatchEntry:
    return WatchEntry(
        loan_id=loan_id,
        bank_id=bank_id,
        rule=rule,
        state=WatchState.OPEN.value,
        owner=owner,
        reason=reason,
        alert_id=alert_id,
        opened_on=day,
        opened_by=actor[:64],
        act_by=act_by,
        updated_on=day,
    )


ENTRY_COLUMNS: Final = (
    "loan_id", "bank_id", "rule", "state", "owner", "reason", "alert_id", "opened_on", "opened_by", "act_by",
    "updated_on",
)  # fmt: skip


def insert_ids(
    session: Session, entity: type[MonitoringAlert] | type[WatchEntry], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` in one statement per batch and return their ids in the rows' order."""
    return db.insert_ids(session, cast(Table, entity.__table__), rows)


def _opened_history(session: Session, entries: list[WatchEntry], day: dt.date, actor: str) -> None:
    """The first history step and the ``monitoring.watch_changed`` event of entries just inserted (ids known)."""
    opened_history_rows(session, [(e.id, {c: getattr(e, c) for c in ENTRY_COLUMNS}) for e in entries], day, actor)


def opened_history_rows(session: Session, entries: list[tuple[int, dict[str, Any]]], day: dt.date, actor: str) -> None:
    session.execute(
        insert(WatchHistory),
        [
            {
                "entry_id": i,
                "from_state": None,
                "to_state": e["state"],
                "on": day,
                "actor": actor[:64],
                "note": e["reason"],
            }
            for i, e in entries
        ],
    )
    items: list[tuple[str, dict[str, Any], int | None, list[int]]] = [
        (
            "monitoring.watch_changed",
            {
                "entry_id": i,
                "loan_id": e["loan_id"],
                "rule": e["rule"],
                "from": None,
                "to": e["state"],
                "on": day.isoformat(),
            },
            e["bank_id"],
            [],
        )
        for i, e in entries
    ]
    events.publish_many(session, items)


def _open(
    session: Session,
    loan_id: int,
    bank_id: int,
    rule: str,
    reason: str,
    day: dt.date,
    actor: str,
    alert_id: int | None,
    act_by: dt.date | None,
    owner: str | None = None,
) -> WatchEntry:
    entry = new_entry(loan_id, bank_id, rule, reason, day, actor, alert_id, act_by, owner)
    session.add(entry)
    session.flush()
    _opened_history(session, [entry], day, actor)
    return entry


def _require_bank(principal: Principal) -> None:
    if principal.party_kind is not PartyKind.BANK:
        raise errors.NOT_THE_BANK()
    principal.require(Role.CREDIT_OFFICER, Role.APPROVER)


def open_entry(
    session: Session, principal: Principal, loan_id: int, reason: str, day: dt.date, owner: str | None = None
) -> WatchEntry:
    """An officer lists a loan of its own bank (rule ``officer``); another bank's loan is a 404."""
    _require_bank(principal)
    loan = lending_queries.loan_summary(session, loan_id)
    if loan is None or loan.bank_id != principal.party_id:
        raise errors.LOAN_NOT_FOUND(loan_id=loan_id)
    if not reason or not reason.strip():
        raise errors.NOTE_REQUIRED()
    existing = store.active_entries(session, [loan_id]).get((loan_id, "officer"))
    if existing is not None:
        raise errors.WATCH_OPEN(entry_id=existing.id)
    entry = _open(session, loan_id, loan.bank_id, "officer", reason.strip(), day, principal.actor, None, None, owner)
    audit.record(session, principal, "monitoring.watch_opened", "watch_entry", entry.id, {"loan_id": loan_id})
    return entry


def visible_entry(session: Session, principal: Principal, entry_id: int) -> WatchEntry:
    entry = session.scalars(scope.scoped(WatchEntry, principal).where(WatchEntry.id == entry_id)).first()
    if entry is None or principal.party_kind is PartyKind.REGULATOR:  # the regulator reads the list, never acts on it
        raise errors.WATCH_NOT_FOUND(entry_id=entry_id)
    return entry


def move_entry(
    session: Session,
    principal: Principal,
    entry_id: int,
    to: WatchState,
    note: str,
    day: dt.date,
    owner: str | None = None,
) -> WatchEntry:
    """Move an entry along open → acting → cured/escalated → closed, with what was done; out of order is a 409."""
    entry = visible_entry(session, principal, entry_id)
    _require_bank(principal)
    if not note or not note.strip():
        raise errors.NOTE_REQUIRED()
    state = WatchState(entry.state)
    if not model.can_move(state, to):
        raise errors.WATCH_MOVE(state=state.value, to=to.value)
    entry.state = to.value
    entry.updated_on = day
    if owner is not None:
        entry.owner = owner[:64]
    session.add(
        WatchHistory(
            entry_id=entry.id,
            from_state=state.value,
            to_state=to.value,
            on=day,
            actor=principal.actor[:64],
            note=note.strip(),
        )
    )
    events.publish(
        session,
        "monitoring.watch_changed",
        {
            "entry_id": entry.id,
            "loan_id": entry.loan_id,
            "rule": entry.rule,
            "from": state.value,
            "to": to.value,
            "on": day.isoformat(),
        },
        entry.bank_id,
    )
    audit.record(
        session, principal, "monitoring.watch_moved", "watch_entry", entry.id, {"from": state.value, "to": to.value}
    )
    session.flush()
    return entry
