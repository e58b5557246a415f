"""The centre's window officer (窗口受理员, the platform's operator): the intake queue across every bank, with the
tasks open on each application, who holds them and their working-day limits; an application's page shows the
registry's pre-check on the offered IP (what the firm must be told at once, 一次性告知).

Accepting or returning a filing at the window with a reason, and the document checklist itself, need the one-stop
window capability of issue 13; this page reads what intake already publishes (``intake.api``), nothing more.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import render, router
from ippledge.console.pages.lists import csv_response, paginate, search
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.intake import api as intake_api
from ippledge.intake import queries as intake_queries
from ippledge.web.deps import SessionDep, TodayDep

LIVE = ("submitted", "in_review", "approved")


def _require_window(viewer: Viewer) -> None:
    viewer.principal.require_kind(PartyKind.PLATFORM)
    viewer.principal.require(Role.OPERATOR)


@router.get("/window/queue")
def window_queue(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    done: int = 0,
    q: str = "",
    page: int = 1,
) -> HTMLResponse:
    """受理队列: live applications (every one with ``done=1``), searchable; the open tasks of the page's rows."""
    _require_window(viewer)
    p = viewer.principal
    apps = [a for a in intake_api.list_applications(p, session) if done or a.status in LIVE]
    names = access_queries.names_of(session, [a.applicant_id for a in apps])
    apps = search(apps, q, lambda a: [a.application_no, names.get(a.applicant_id, ""), a.purpose])
    ctx = paginate(apps, page, q)
    tasks = intake_queries.active_tasks(session, p, [a.id for a in ctx["rows"]], today)
    ctx |= {"names": names, "tasks": tasks, "show_done": bool(done), "pager_extra": f"&done={int(bool(done))}"}
    return render(request, viewer, "window_queue.html", ctx)


@router.get("/window/queue.csv")
def window_queue_csv(viewer: ViewerDep, session: SessionDep, done: int = 1, q: str = "") -> Response:
    _require_window(viewer)
    apps = [a for a in intake_api.list_applications(viewer.principal, session) if done or a.status in LIVE]
    names = access_queries.names_of(session, [a.applicant_id for a in apps])
    apps = search(apps, q, lambda a: [a.application_no, names.get(a.applicant_id, ""), a.purpose])
    keys = ("ui.number", "ui.applicant", "ui.amount", "ui.term", "ui.status", "ui.submitted_on")
    header = [i18n.t(k, viewer.lang) for k in keys]
    lang = viewer.lang
    rows = [
        (a.application_no, names.get(a.applicant_id, ""), a.amount, a.term_months, i18n.t(f"app.{a.status}", lang), day)
        for a in apps
        for day in [a.submitted_on]
    ]
    return csv_response("applications.csv", header, rows)
