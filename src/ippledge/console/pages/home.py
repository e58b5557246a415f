"""The home page and its inbox (工作台与待办事项): what this person must do next, overdue first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import CREDIT_DECISION, PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, render, router
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.intake import api as intake_api
from ippledge.pledge import api as pledge_api
from ippledge.web.deps import SessionDep, TodayDep


def _task_item(viewer: Viewer, task: Any, title_prefix: str = "") -> dict[str, Any]:
    kind = i18n.t(f"task.{task.kind}", viewer.lang)
    return {
        "title": f"{title_prefix}{kind} · {i18n.t(f'tstatus.{task.status}', viewer.lang)} · {task.assignee_name}",
        "href": f"{PREFIX}/applications/{task.application_id}",
        "due_on": task.due_on,
        "elapsed": task.working_days_elapsed,
        "limit": task.limit_days,
        "overdue": task.overdue,
    }


def inbox(session: Session, viewer: Viewer, today: dt.date) -> list[dict[str, Any]]:
    """What this person must do next: overdue first, then by deadline; items without a deadline last."""
    p = viewer.principal
    items: list[dict[str, Any]] = []
    filings = pledge_api.list_filings(p, session, today, status_=None)
    for f in filings:
        mine = f.pledgor_id == p.party_id and not f.pledgor_confirmed
        mine = mine or (f.pledgee_id == p.party_id and not f.pledgee_confirmed)
        if f.status in ("draft", "awaiting_confirmations") and mine:
            items.append(
                {
                    "title": f"{i18n.t('ui.confirm', viewer.lang)} {i18n.t('ui.filings', viewer.lang)} {f.filing_no}",
                    "href": f"{PREFIX}/filings/{f.id}",
                    "due_on": None,
                    "elapsed": None,
                    "limit": None,
                    "overdue": False,
                }
            )
    if p.has(Role.ENTERPRISE_USER):
        for a in intake_api.list_applications(p, session):
            if a.status in ("submitted", "in_review", "approved"):
                tl = intake_api.timeline(a.id, p, session, today)
                for task in tl.tasks:
                    if task.status in ("open", "accepted"):
                        items.append(_task_item(viewer, task, f"{a.application_no} · "))
    if p.party_kind is PartyKind.BANK and p.has(Role.CREDIT_OFFICER):
        for task in intake_api.my_tasks(p, session, today, overdue=None, status_=None):
            if task.status in ("open", "accepted"):
                items.append(_task_item(viewer, task))
    if p.has(Role.APPROVER):
        for ap in access_queries.approvals_of(session, p.party_id, "pending"):
            if ap.subject_type == CREDIT_DECISION and ap.proposed_by != p.user_id:  # never one's own proposal
                items.append(
                    {
                        "title": f"{i18n.t('ui.approvals', viewer.lang)} · {i18n.t('ui.decisions', viewer.lang)} "
                        f"#{ap.subject_id}",
                        "href": f"{PREFIX}/decisions/{ap.subject_id}",
                        "due_on": None,
                        "elapsed": None,
                        "limit": None,
                        "overdue": False,
                    }
                )
    items.sort(key=lambda i: (not i["overdue"], i["due_on"] is None, i["due_on"] or dt.date.max))
    return items


@router.get("/")
def home(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    items = inbox(session, viewer, today)
    overdue = sum(1 for i in items if i["overdue"])
    ctx = {
        "items": items,
        "overdue": overdue,
        "today": today,
        "party": access_queries.party_name(session, viewer.principal.party_id),
    }
    return render(request, viewer, "home.html", ctx)
