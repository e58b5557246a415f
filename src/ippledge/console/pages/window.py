"""The centre's window officer (窗口受理员, the platform's operator): the intake queue across every bank, with the
tasks open on each application, who holds them and their working-day limits; an application's page shows the
registry's pre-check on the offered IP (what the firm must be told at once, 一次性告知). The window's desk for one
application (``/window/applications/{id}``) ticks the documents of intake's checklist and accepts the application or
returns it with the reason and the whole list of what is missing (``intake.service.window_decide``).

The queue is a shared list (``pages.lists``): sortable by any column, filtered by status and submission date,
downloadable as CSV or Excel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, Refused, back, render, router, submit_once
from ippledge.console.pages.lists import Column, ListState, check_format, export, page_ctx, view
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.intake import api as intake_api
from ippledge.intake import queries as intake_queries
from ippledge.intake import service as intake_service
from ippledge.intake.schemas import ApplicationOut
from ippledge.registry import queries as registry_queries
from ippledge.web.deps import SessionDep, TodayDep

LIVE = ("submitted", "in_review", "approved")
STATUSES = [(s, f"app.{s}") for s in ("submitted", "in_review", "approved", "declined", "withdrawn")]


def _require_window(viewer: Viewer) -> None:
    viewer.principal.require_kind(PartyKind.PLATFORM)
    viewer.principal.require(Role.OPERATOR)


def _columns(names: dict[int, str]) -> list[Column[ApplicationOut]]:
    return [
        Column("no", "ui.number", lambda a: a.application_no),
        Column("applicant", "ui.applicant", lambda a: names.get(a.applicant_id, "")),
        Column("amount", "ui.amount", lambda a: a.amount, money=True),
        Column("term", "ui.term", lambda a: a.term_months),
        Column("status", "ui.status", lambda a: a.status, text=lambda a, lang: i18n.t(f"app.{a.status}", lang)),
        Column("submitted", "ui.submitted_on", lambda a: a.submitted_on),
    ]


def _queue(
    request: Request, viewer: Viewer, session: Session
) -> tuple[ListState, list[ApplicationOut], list[Column[ApplicationOut]], dict[int, str]]:
    _require_window(viewer)
    state = ListState.of(request, viewer.lang, extra=("done",))
    done = state.extra.get("done") == "1" or bool(state.status)  # a chosen status may be a finished one
    apps = [a for a in intake_api.list_applications(viewer.principal, session) if done or a.status in LIVE]
    names = access_queries.names_of(session, [a.applicant_id for a in apps])
    columns = _columns(names)
    fields = lambda a: [a.application_no, names.get(a.applicant_id, ""), a.purpose]  # noqa: E731
    rows = view(apps, state, columns, fields, status=lambda a: a.status, day=lambda a: a.submitted_on)
    return state, rows, columns, names


@router.get("/window/queue")
def window_queue(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """受理队列: live applications (every one with ``done=1``), searchable, filtered, sorted; the open tasks of the
    page's rows."""
    state, rows, columns, names = _queue(request, viewer, session)
    ctx: dict[str, Any] = page_ctx(rows, state, columns, "/console/window/queue")
    tasks = intake_queries.active_tasks(session, viewer.principal, [a.id for a in ctx["rows"]], today)
    ctx |= {"names": names, "tasks": tasks, "show_done": state.extra.get("done") == "1", "statuses": STATUSES}
    return render(request, viewer, "window_queue.html", ctx)


@router.get("/window/queue.{fmt}")
def window_queue_file(request: Request, fmt: str, viewer: ViewerDep, session: SessionDep) -> Response:
    """The queue as shown (every page) as ``csv`` or ``xlsx``."""
    check_format(request, fmt)
    _, rows, columns, _ = _queue(request, viewer, session)
    return export(fmt, "applications", columns, rows, viewer.lang)


def _desk_ctx(viewer: Viewer, session: Session, application_id: int, today: dt.date) -> dict[str, Any]:
    p = viewer.principal
    tl = intake_api.timeline(application_id, p, session, today)  # the hand-offs: each party's task and its holder
    app = tl.application
    return {
        "app": app,
        "names": access_queries.names_of(session, [app.applicant_id]),
        "assets": registry_queries.asset_summaries(session, app.ip_asset_ids),
        "documents": intake_service.window_checklist(session, p, application_id),
        "receipt": intake_service.window_receipt(session, p, application_id),
        "precheck": intake_api.precheck(application_id, p, session, today),
        "tasks": tl.tasks,
        "today": today,
        "typed": {"presented": [], "reason": ""},
        "errors": {},
        "form_error": None,
    }


@router.get("/window/applications/{application_id}")
def window_desk(
    request: Request, application_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep
) -> HTMLResponse:
    """窗口受理: the checklist to tick, the registry's pre-check, the hand-offs so far, accept or return."""
    _require_window(viewer)
    return render(request, viewer, "window_desk.html", _desk_ctx(viewer, session, application_id, today))


@router.post("/window/applications/{application_id}/decision")
def window_decision(
    request: Request,
    application_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    outcome: str = Form("", max_length=10),
    presented: list[str] = Form(default_factory=list, max_length=200),
    reason: str = Form("", max_length=4000),
) -> Response:
    """Accept (every document ticked) or return with the reason and the whole list of what is missing."""
    viewer.check_csrf(csrf)
    _require_window(viewer)
    accept = outcome == "accept"
    bad: dict[str, str] = {}

    def again(form_error: str | None = None) -> Response:
        ctx = _desk_ctx(viewer, session, application_id, today)
        ctx |= {
            "typed": {"presented": presented, "reason": reason},
            "errors": {f: i18n.both(i18n.FIELD_ERRORS[f], viewer.lang) for f in bad},
            "form_error": form_error,
        }
        return render(request, viewer, "window_desk.html", ctx, status=422)

    def refused(r: Refused) -> Response:
        if r.code != "intake.documents_missing":
            return again(r.message)
        bad["documents"] = "documents"  # the whole list of what is missing, beside the checklist
        return again()

    if not accept and (not reason.strip() or len(reason) > 2000):
        bad["reason"] = "reason"
        return again()
    p = viewer.principal
    return submit_once(  # a refused decision writes nothing
        session,
        viewer,
        lambda: intake_service.window_decide(session, p, application_id, accept, presented, reason, today),
        lambda _: back(f"{PREFIX}/window/applications/{application_id}"),
        refused=refused,
    )
