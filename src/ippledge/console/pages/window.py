"""The centre's window officer (窗口受理员, the platform's operator): the intake queue across every bank, with the
tasks open on each application, who holds them and their working-day limits; an application's page shows the
registry's pre-check on the offered IP (what the firm must be told at once, 一次性告知).

The queue is a shared list (``pages.lists``): sortable by any column, filtered by status and submission date,
downloadable as CSV or Excel.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import render, router
from ippledge.console.pages.lists import Column, ListState, export, page_ctx, view
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.intake import api as intake_api
from ippledge.intake import queries as intake_queries
from ippledge.intake.schemas import ApplicationOut
from ippledge.kernel.errors import not_found
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
    if fmt not in ("csv", "xlsx"):
        raise not_found("页面", "page", path=request.url.path)
    _, rows, columns, _ = _queue(request, viewer, session)
    return export(fmt, "applications", columns, rows, viewer.lang)
