"""Event routes (对接活动接口): ``POST/GET /outreach-events``, ``GET /outreach-events/{id}``, sign-ups
(``POST /outreach-events/{id}/signups``, a file: ``POST /outreach-events/{id}/signup-files``), attendance
(``POST /outreach-events/{id}/attendance``), the banks' follow-up tasks (``POST /outreach-events/{id}/follow-ups``)
and ``GET /outreach-signups`` (a firm: its own).

Events are announcements every party reads; the organisers (platform operator, regulator) write them. A bank works
its follow-up tasks as whitelist pushes (``/whitelist-pushes?event_id=``, ``/whitelist-push-items/{id}/feedback``).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses

from fastapi import APIRouter, Query

from ippledge.outreach import errors, queries, service
from ippledge.outreach.schemas import (
    AttendanceIn,
    EventIn,
    EventOut,
    FollowUpIn,
    FollowUpOut,
    SignupFileIn,
    SignupFileOut,
    SignupIn,
    SignupOut,
)
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath, IdQuery
from ippledge.whitelist.model import TimeLimits

router = APIRouter(tags=["outreach"])


@router.post("/outreach-events", response_model=EventOut, status_code=201)
def create(body: EventIn, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> queries.EventView:
    """Announce an event (培训、路演、入园惠企) with its date, capacity and the banks invited."""
    row = service.create_event(
        session,
        principal,
        kind=body.kind,
        title=body.title,
        held_on=body.held_on,
        capacity=body.capacity,
        bank_ids=body.bank_ids,
        today=today,
        park=body.park,
        region_code=body.region_code,
        note=body.note,
    )
    return queries.event(session, row.id)


@router.get("/outreach-events", response_model=list[EventOut])
def list_events(
    principal: PrincipalDep, session: SessionDep, limit: int = Query(200, ge=1, le=1000)
) -> list[queries.EventView]:
    """Every event, latest first, with the places left."""
    return queries.events(session, limit)


@router.get("/outreach-events/{event_id}", response_model=EventOut)
def get_event(event_id: IdPath, principal: PrincipalDep, session: SessionDep) -> queries.EventView:
    return queries.event(session, event_id)


@router.post("/outreach-events/{event_id}/signups", response_model=SignupOut, status_code=201)
def sign_up(
    event_id: IdPath, body: SignupIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> queries.SignupView:
    """A firm signs up (the operator may sign a firm up): 409 when full or after the event's day."""
    row = service.sign_up(session, principal, event_id, today, body.enterprise_id)
    return queries.signup_view(row)


@router.post("/outreach-events/{event_id}/signup-files", response_model=SignupFileOut, status_code=201)
def sign_up_file(
    event_id: IdPath, body: SignupFileIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> SignupFileOut:
    """Sign up the firms of a CSV or Excel file: each bad line listed with its number and reason; the good lines
    signed up, or none when ``all_or_nothing`` and any line is bad."""
    try:
        content = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise errors.FILE_FORMAT() from None
    result = service.import_signups(session, principal, event_id, content, today, all_or_nothing=body.all_or_nothing)
    return SignupFileOut.model_validate(dataclasses.asdict(result))


@router.post("/outreach-events/{event_id}/attendance", response_model=EventOut)
def attendance(
    event_id: IdPath, body: AttendanceIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> queries.EventView:
    """Record which signed-up firms came (签到), on or after the event's day."""
    service.record_attendance(session, principal, event_id, body.enterprise_ids, today, body.attended)
    return queries.event(session, event_id)


@router.post("/outreach-events/{event_id}/follow-ups", response_model=list[FollowUpOut], status_code=201)
def follow_ups(
    event_id: IdPath, body: FollowUpIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> list[FollowUpOut]:
    """Each invited bank gets a follow-up task per attending firm, worked as a whitelist push (once per event)."""
    limits = TimeLimits(body.first_contact_days, body.next_step_days)
    opened = service.open_follow_ups(session, principal, event_id, today, limits)
    return [FollowUpOut(push_id=p, bank_id=b, firms=n) for p, b, n in opened]


@router.get("/outreach-signups", response_model=list[SignupOut])
def list_signups(
    session: SessionDep,
    principal: PrincipalDep,
    event_id: IdQuery | None = None,
    limit: int = Query(500, ge=1, le=5000),
) -> list[queries.SignupView]:
    """The sign-ups the caller may see: a firm its own; the platform and the regulator all."""
    return queries.signups(session, principal, event_id, limit)
