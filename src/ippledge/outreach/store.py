"""Event persistence (对接活动存取). Private to the capability."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ippledge.outreach.tables import OutreachEvent, OutreachInvite, OutreachSignup


def event_for_update(session: Session, event_id: int) -> OutreachEvent | None:
    """The event, locked: sign-ups against its capacity are counted one at a time."""
    return session.get(OutreachEvent, event_id, with_for_update=True)


def events(session: Session, limit: int) -> list[OutreachEvent]:
    stmt = select(OutreachEvent).order_by(OutreachEvent.held_on.desc(), OutreachEvent.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def invited(session: Session, event_ids: Sequence[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    stmt = (
        select(OutreachInvite.event_id, OutreachInvite.bank_id)
        .where(OutreachInvite.event_id.in_(sorted(set(event_ids))))
        .order_by(OutreachInvite.event_id, OutreachInvite.bank_id)
    )
    for e, b in session.execute(stmt):
        out.setdefault(int(e), []).append(int(b))
    return out


def counts(session: Session, event_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """``event -> (signed up, attended)``."""
    attended = func.sum(case((OutreachSignup.attended.is_(True), 1), else_=0))
    stmt = (
        select(OutreachSignup.event_id, func.count(), attended)
        .where(OutreachSignup.event_id.in_(sorted(set(event_ids))))
        .group_by(OutreachSignup.event_id)
    )
    return {int(e): (int(n), int(a or 0)) for e, n, a in session.execute(stmt)}


def signed_up(session: Session, event_id: int) -> dict[int, OutreachSignup]:
    stmt = select(OutreachSignup).where(OutreachSignup.event_id == event_id).order_by(OutreachSignup.id)
    return {s.enterprise_id: s for s in session.scalars(stmt)}
