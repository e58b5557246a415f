"""Outreach events in the console (对接活动): the organisers' (platform operator, regulator) list and announce form,
an event's page with its sign-ups, attendance marking (签到) and the banks' follow-up tasks; the firm's open events,
its own sign-ups and the sign-up button; the bank's events with a link to its follow-up tasks (worked as whitelist
pushes, ``/console/whitelist/pushes?event_id=``). Decision record 0036.

Through ``outreach.api`` (in-process, with the viewer's principal) so every rule of the API holds: only organisers
announce and mark attendance, a firm signs only itself up, a firm sees only its own sign-ups.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, Refused, back, render, router, submit_once
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.outreach import api as outreach_api
from ippledge.outreach import service as outreach_service
from ippledge.outreach.model import MAX_CAPACITY, EventKind
from ippledge.outreach.schemas import AttendanceIn, EventIn, FollowUpIn, SignupIn
from ippledge.web.deps import SessionDep, TodayDep

KINDS = [k.value for k in EventKind]
REGION = re.compile(r"^\d{6}$")


def is_organiser(p: Principal) -> bool:
    """The platform operator or the regulator's analyst runs events (the service checks it again)."""
    return (p.party_kind is PartyKind.PLATFORM and p.has(Role.OPERATOR)) or (
        p.party_kind is PartyKind.REGULATOR and p.has(Role.ANALYST)
    )


def is_firm(p: Principal) -> bool:
    return p.party_kind is PartyKind.ENTERPRISE and p.has(Role.ENTERPRISE_USER)


def _events_ctx(session: Session, viewer: Viewer, today: dt.date) -> dict[str, Any]:
    p = viewer.principal
    events = outreach_api.list_events(p, session, 200)
    mine = {s.event_id for s in outreach_api.list_signups(session, p, None, 5000)} if is_firm(p) else set()
    banks = access_queries.party_names(session, PartyKind.BANK) if is_organiser(p) else {}
    return {"events": events, "mine": mine, "banks": sorted(banks.items(), key=lambda b: b[1]), "today": today}


BLANK = {"kind": "", "title": "", "held_on": "", "capacity": "", "park": "", "region_code": "", "note": ""}


@router.get("/events")
def events(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """对接活动: every event with the places left; a firm's sign-up button and own sign-ups; the announce form."""
    ctx = _events_ctx(session, viewer, today) | {"typed": BLANK | {"bank_ids": []}, "errors": {}}
    return render(request, viewer, "outreach_events.html", ctx | _roles(viewer.principal))


def _roles(p: Principal) -> dict[str, bool]:
    return {"organiser": is_organiser(p), "firm": is_firm(p), "bank": p.party_kind is PartyKind.BANK}


@router.post("/events")
def announce(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    kind: str = Form("", max_length=20),
    title: str = Form("", max_length=300),
    held_on: str = Form("", max_length=20),
    capacity: str = Form("", max_length=20),
    park: str = Form("", max_length=200),
    region_code: str = Form("", max_length=20),
    note: str = Form("", max_length=2000),
    bank_ids: list[str] = Form([]),
) -> Response:
    """发布活动: every bad field is shown beside it with what was typed kept; nothing is written until all are good."""
    viewer.check_csrf(csrf)
    p = viewer.principal
    outreach_service.require_organiser(p)  # the service's own refusal (the 403 page), nothing written
    typed: dict[str, Any] = {"kind": kind, "title": title, "held_on": held_on, "capacity": capacity, "park": park}
    typed |= {"region_code": region_code, "note": note, "bank_ids": bank_ids}
    bad: dict[str, str] = {}
    if kind not in KINDS:
        bad["kind"] = "ev_kind"
    if not title.strip() or len(title.strip()) > 200:
        bad["title"] = "ev_title"
    day = _date(held_on)
    if day is None or day < today:
        bad["held_on"] = "ev_date"
    places = int(capacity) if capacity.strip().isdigit() else 0
    if not 1 <= places <= MAX_CAPACITY:
        bad["capacity"] = "ev_capacity"
    if region_code.strip() and not REGION.match(region_code.strip()):
        bad["region_code"] = "ev_region"
    banks = [int(b) for b in bank_ids if b.isdigit()]
    if not banks:
        bad["bank_ids"] = "ev_banks"
    errors = {f: i18n.both(i18n.FIELD_ERRORS[k], viewer.lang) for f, k in bad.items()}

    def again(status: int = 422) -> Response:
        ctx = _events_ctx(session, viewer, today) | {"typed": typed, "errors": errors} | _roles(p)
        return render(request, viewer, "outreach_events.html", ctx, status=status)

    def refused(r: Refused) -> Response:
        for prob in r.details.get("problems") or [{"path": "bank_ids"}]:
            errors[str(prob["path"])] = r.message
        return again(r.status)

    if errors or day is None:
        return again()
    body = EventIn(
        kind=EventKind(kind),
        title=title.strip(),
        held_on=day,
        capacity=places,
        bank_ids=banks,
        park=park.strip() or None,
        region_code=region_code.strip() or None,
        note=note.strip(),
    )
    return submit_once(
        session,
        viewer,
        lambda: outreach_api.create(body, session, p, today),
        lambda made: back(f"{PREFIX}/events/{made.id}"),
        refused=refused,
    )


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


@router.get("/events/{event_id}")
def event_page(
    request: Request, event_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep
) -> HTMLResponse:
    """One event: its facts, the sign-ups the viewer may see (with names), attendance and follow-up forms."""
    p = viewer.principal
    ev = outreach_api.get_event(event_id, p, session)  # the 404 page for an unknown event
    signups = outreach_api.list_signups(session, p, event_id, 5000)
    ids = {s.enterprise_id for s in signups} | set(ev.bank_ids)
    names = access_queries.names_of(session, ids)
    ctx = {"ev": ev, "signups": signups, "names": names, "today": today} | _roles(p)
    ctx |= {"signed": bool(signups) and is_firm(p), "open": today <= ev.held_on and ev.places_left > 0}
    ctx |= {"held": today >= ev.held_on, "operator": p.party_kind is PartyKind.PLATFORM and p.has(Role.OPERATOR)}
    return render(request, viewer, "outreach_event.html", ctx)


@router.post("/events/{event_id}/signup")
def sign_up(
    event_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
) -> Response:
    """报名: a firm signs itself up; a second press finds it already signed up and changes nothing."""
    viewer.check_csrf(csrf)
    p = viewer.principal
    outreach_api.get_event(event_id, p, session)  # 404 first
    if is_firm(p) and outreach_api.list_signups(session, p, event_id, 1):
        return back(f"{PREFIX}/events/{event_id}")
    outreach_api.sign_up(event_id, SignupIn(), session, p, today)  # a refusal (full, closed) is its error page
    return back(f"{PREFIX}/events/{event_id}")


@router.post("/events/{event_id}/attendance")
def attendance(
    event_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    came: list[str] = Form([]),
) -> Response:
    """签到: the ticked firms came, the others did not (one save marks every signed-up firm)."""
    viewer.check_csrf(csrf)
    p = viewer.principal
    outreach_service.require_organiser(p)
    outreach_api.get_event(event_id, p, session)
    ticked = {int(c) for c in came if c.isdigit()}
    everyone = {s.enterprise_id for s in outreach_api.list_signups(session, p, event_id, 5000)}
    for flag, ids in ((True, ticked & everyone), (False, everyone - ticked)):
        if ids:
            body = AttendanceIn(enterprise_ids=sorted(ids), attended=flag)
            outreach_api.attendance(event_id, body, session, p, today)
    return back(f"{PREFIX}/events/{event_id}")


@router.post("/events/{event_id}/follow-ups")
def follow_ups(
    event_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
) -> Response:
    """跟进任务: each invited bank gets a task per attending firm (once per event; the default working-day limits)."""
    viewer.check_csrf(csrf)
    outreach_api.follow_ups(event_id, FollowUpIn(), session, viewer.principal, today)
    return back(f"{PREFIX}/events/{event_id}")
