"""The home page and its inbox (工作台与待办事项): what this person must do next, overdue first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import CREDIT_DECISION, PLEDGEE_KINDS, PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, render, router
from ippledge.console.pages.desk_inbox import desk_items
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.intake import api as intake_api
from ippledge.monitoring import api as monitoring_api
from ippledge.pledge import api as pledge_api
from ippledge.risk_sharing import api as risk_api
from ippledge.web.deps import SessionDep, TodayDep

CONFIRMING_KINDS = frozenset({PartyKind.ENTERPRISE} | PLEDGEE_KINDS)
LIVE_WATCH = ("open", "acting", "escalated")  # entries still needing the bank's attention (not cured or closed)


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
    filings = []
    if p.party_kind in CONFIRMING_KINDS:  # only a pledgor or a pledgee confirms; a registry or overseer never does
        for status in ("draft", "awaiting_confirmations"):
            filings += pledge_api.list_filings(p, session, today, status_=status)
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
    items += _other_desks(session, viewer, today)
    items += desk_items(session, viewer, today)
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


def _item(title: str, href: str, due_on: dt.date | None = None, overdue: bool = False) -> dict[str, Any]:
    return {"title": title, "href": href, "due_on": due_on, "elapsed": None, "limit": None, "overdue": overdue}


def _other_desks(session: Session, viewer: Viewer, today: dt.date) -> list[dict[str, Any]]:
    """The inbox of the registry, the valuer, the fund, and the bank's watch list (关注名单)."""
    p, lang = viewer.principal, viewer.lang
    items: list[dict[str, Any]] = []
    if p.has(Role.REGISTRY_OFFICER):
        for f in pledge_api.officer_queue(p, session, today, False):
            title = f"{i18n.t('ui.registry_queue', lang)} · {f.filing_no}"
            items.append(_item(title, f"{PREFIX}/filings/{f.id}", f.due_on, bool(f.due_on and f.due_on < today)))
    if p.party_kind is PartyKind.VALUER and p.has(Role.VALUER):
        for task in intake_api.my_tasks(p, session, today, overdue=None, status_=None):
            if task.status in ("open", "accepted"):
                item = _task_item(viewer, task)
                item["href"] = f"{PREFIX}/valuer/tasks" if task.status == "open" else f"{PREFIX}/valuer/tasks/{task.id}"
                items.append(item)
    if p.party_kind is PartyKind.FUND:
        wanted = ({"filed"} if p.has(Role.FUND_REVIEWER) else set()) | ({"proposed"} if p.has(Role.APPROVER) else set())
        for c in risk_api.list_claims(p, session, today, False):
            if c.status in wanted:
                title = f"{i18n.t('ui.claims', lang)} #{c.id} · {i18n.t(f'claim.{c.status}', lang)}"
                items.append(_item(title, f"{PREFIX}/fund/claims/{c.id}", c.review_due, c.overdue))
    if p.party_kind is PartyKind.BANK and p.roles & {Role.CREDIT_OFFICER, Role.APPROVER}:
        for w in monitoring_api.watch_list(session, p, state=None, loan_id=None):
            if w.state in LIVE_WATCH:
                title = f"{i18n.t('ui.watch_list', lang)} · {i18n.t(f'watch.{w.state}', lang)} · {w.reason}"
                items.append(_item(title, f"{PREFIX}/watch-list/{w.id}", w.act_by, bool(w.act_by and w.act_by < today)))
    return items
