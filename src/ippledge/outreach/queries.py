"""Published reads of events (对接活动查询): events are announcements every party may read (with places left);
sign-ups are the firm's own (the platform and the regulator read all). Banks read their follow-up tasks as whitelist
pushes (``whitelist.queries.pushes(event_id=...)``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.outreach import errors, model, store
from ippledge.outreach.tables import OutreachEvent, OutreachSignup


@dataclass(frozen=True)
class EventView:
    id: int
    kind: str
    kind_zh: str
    title: str
    park: str | None
    region_code: str | None
    held_on: dt.date
    capacity: int
    signed_up: int
    places_left: int
    attended: int
    bank_ids: list[int]
    organiser_id: int
    follow_ups_on: dt.date | None
    note: str


def _views(session: Session, rows: Sequence[OutreachEvent]) -> list[EventView]:
    ids = [r.id for r in rows]
    banks = store.invited(session, ids)
    counts = store.counts(session, ids)
    out = []
    for r in rows:
        n, came = counts.get(r.id, (0, 0))
        out.append(
            EventView(
                r.id,
                r.kind,
                model.KIND_ZH[model.EventKind(r.kind)],
                r.title,
                r.park,
                r.region_code,
                r.held_on,
                r.capacity,
                n,
                max(r.capacity - n, 0),
                came,
                banks.get(r.id, []),
                r.organiser_id,
                r.follow_ups_on,
                r.note,
            )
        )
    return out


def events(session: Session, limit: int = 200) -> list[EventView]:
    """Every event, latest date first (announcements: no scope)."""
    return _views(session, store.events(session, limit))


def event(session: Session, event_id: int) -> EventView:
    row = session.get(OutreachEvent, event_id)
    if row is None:
        raise errors.EVENT_NOT_FOUND(id=event_id)
    return _views(session, [row])[0]


def exists(session: Session, event_id: int) -> bool:
    return session.get(OutreachEvent, event_id) is not None


def titles(session: Session, event_ids: Sequence[int]) -> dict[int, str]:
    stmt = select(OutreachEvent.id, OutreachEvent.title).where(OutreachEvent.id.in_(sorted(set(event_ids))))
    return {int(i): str(t) for i, t in session.execute(stmt)}


@dataclass(frozen=True)
class SignupView:
    id: int
    event_id: int
    enterprise_id: int
    signed_on: dt.date
    source: str
    line_no: int | None
    attended: bool | None


def signups(session: Session, principal: Principal, event_id: int | None = None, limit: int = 500) -> list[SignupView]:
    """The sign-ups the caller may see (a firm: its own), by id."""
    stmt = scope.scoped(OutreachSignup, principal)
    if event_id is not None:
        stmt = stmt.where(OutreachSignup.event_id == event_id)
    rows = session.scalars(stmt.order_by(OutreachSignup.id).limit(limit))
    return [SignupView(r.id, r.event_id, r.enterprise_id, r.signed_on, r.source, r.line_no, r.attended) for r in rows]


def signup_view(row: OutreachSignup) -> SignupView:
    return SignupView(row.id, row.event_id, row.enterprise_id, row.signed_on, row.source, row.line_no, row.attended)
