"""Whitelist push (白名单推送): a bank's pushed firms with why each is on the list, the follow-up form (contacted,
visited, applied, approved, or declined with a reason code) and what is past its working-day limit; for the
platform, the lists to review and publish (双人复核: the builder cannot publish its own list).

Through ``whitelist.api`` and ``whitelist.queries`` only: a push and its firms are the receiving bank's (another
bank's is the 404 page); lists are the platform's and the regulator's to read (403 for others).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, Refused, back, render, router, submit_once
from ippledge.console.pages.lists import paginate, search
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.web.deps import SessionDep, TodayDep
from ippledge.whitelist import api as whitelist_api
from ippledge.whitelist import queries as whitelist_queries
from ippledge.whitelist.model import ORDER, TERMINAL, DeclineReason, FeedbackState, can_move
from ippledge.whitelist.schemas import FeedbackIn, ReviewIn

STEPS = [s.value for s in (*ORDER[1:], FeedbackState.DECLINED)]
REASONS = [r.value for r in DeclineReason]


def _require_bank(viewer: Viewer) -> None:
    viewer.principal.require_kind(PartyKind.BANK)
    viewer.principal.require(Role.CREDIT_OFFICER, Role.APPROVER)


@router.get("/whitelist/pushes")
def pushes(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    done: int = 0,
    overdue: int = 0,
    q: str = "",
    page: int = 1,
    event_id: int | None = None,
) -> HTMLResponse:
    """白名单推送: every firm pushed to this bank, overdue first; finished ones (approved, declined) with ``done=1``;
    ``event_id`` narrows to one event's follow-up tasks (对接活动跟进)."""
    _require_bank(viewer)
    p = viewer.principal
    rows: list[tuple[Any, Any]] = []
    for head in whitelist_api.list_pushes(session, p, today, None, event_id):
        full = whitelist_api.get_push(head.id, session, p, today)
        rows += [(full, i) for i in full.items]
    if not done:
        rows = [r for r in rows if FeedbackState(r[1].state) not in TERMINAL]
    if overdue:
        rows = [r for r in rows if r[1].overdue]
    rows.sort(key=lambda r: (not r[1].overdue, r[1].due_on or dt.date.max, r[0].id, r[1].rank))
    rows = search(rows, q, lambda r: [r[1].name, r[1].uscc, r[1].branch, r[1].state])
    ctx = {"show_done": bool(done), "overdue_only": bool(overdue), "today": today}
    extra = f"&done={int(bool(done))}&overdue={int(bool(overdue))}" + (f"&event_id={event_id}" if event_id else "")
    ctx |= paginate(rows, page, q) | {"pager_extra": extra, "event_id": event_id}
    return render(request, viewer, "wl_pushes.html", ctx)


def _item_ctx(session: Session, viewer: Viewer, item_id: int, today: dt.date) -> dict[str, Any]:
    p = viewer.principal
    item = whitelist_api.get_item(item_id, session, p, today)  # the 404 page when not this bank's
    member = whitelist_queries.item_reasons(session, p, item_id)
    steps = [s for s in STEPS if can_move(FeedbackState(item.state), FeedbackState(s))]
    return {"item": item, "member": member, "steps": steps, "reasons": REASONS, "today": today}


@router.get("/whitelist/items/{item_id}")
def item_page(request: Request, item_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """One pushed firm: why it is on the list, its follow-up history, the deadline, and the next step's form."""
    _require_bank(viewer)
    typed = {"state": "", "reason_code": "", "note": "", "branch": ""}
    ctx = _item_ctx(session, viewer, item_id, today) | {"typed": typed, "errors": {}}
    return render(request, viewer, "wl_item.html", ctx)


@router.post("/whitelist/items/{item_id}/feedback")
def feedback(
    request: Request,
    item_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    state: str = Form("", max_length=20),
    reason_code: str = Form("", max_length=30),
    note: str = Form("", max_length=2000),
    branch: str = Form("", max_length=100),
) -> Response:
    """跟进反馈: forward only; a decline needs a reason code (and 其他 a note). A repeat of the step the firm is
    already at changes nothing, so a double submit is harmless."""
    viewer.check_csrf(csrf)
    _require_bank(viewer)
    p = viewer.principal
    current = whitelist_api.get_item(item_id, session, p, today)  # 404 before anything else
    typed = {"state": state, "reason_code": reason_code, "note": note, "branch": branch}
    bad: dict[str, str] = {}
    if state not in STEPS:
        bad["state"] = "wl_state"
    if state == "declined" and reason_code not in REASONS:
        bad["reason_code"] = "wl_reason"
    if state == "declined" and reason_code == "other" and not note.strip():
        bad["note"] = "wl_note"
    errors = {f: i18n.both(i18n.FIELD_ERRORS[k], viewer.lang) for f, k in bad.items()}

    def again(status: int = 422) -> Response:
        ctx = _item_ctx(session, viewer, item_id, today) | {"typed": typed, "errors": errors}
        return render(request, viewer, "wl_item.html", ctx, status=status)

    def refused(r: Refused) -> Response:
        errors["reason_code" if r.code == "whitelist.decline_reason" else "state"] = r.message
        return again(r.status)

    if errors:
        return again()
    if current.state == state:
        return back(f"{PREFIX}/whitelist/items/{item_id}")
    body = FeedbackIn(
        state=state,
        reason_code=DeclineReason(reason_code) if state == "declined" else None,
        note=note.strip(),
        branch=branch.strip() or None,
    )
    return submit_once(
        session,
        viewer,
        lambda: whitelist_api.feedback(item_id, body, session, p, today),
        lambda _: back(f"{PREFIX}/whitelist/items/{item_id}"),
        refused=refused,
    )


@router.get("/whitelists")
def whitelists(request: Request, viewer: ViewerDep, session: SessionDep, status: str = "") -> HTMLResponse:
    """白名单审核: the lists, drafts first (to review by an operator other than the builder)."""
    rows = whitelist_api.list_lists(session, viewer.principal, status or None)  # 403 page for non-readers
    rows.sort(key=lambda x: (x.status != "draft", -x.id))
    return render(request, viewer, "wl_lists.html", {"rows": rows, "status": status})


@router.get("/whitelists/{list_id}")
def whitelist_page(request: Request, list_id: int, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    """One list: its members with every criterion's verdict; the review form while it is a draft."""
    lst = whitelist_api.get_list(list_id, session, viewer.principal)
    p = viewer.principal
    can_review = lst.status == "draft" and p.party_kind is PartyKind.PLATFORM and p.has(Role.OPERATOR)
    ctx = {"lst": lst, "can_review": can_review, "own": lst.built_by == p.actor}
    return render(request, viewer, "wl_list.html", ctx)


@router.post("/whitelists/{list_id}/review")
def review_list(
    list_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    decision: str = Form("", max_length=10),
    note: str = Form("", max_length=2000),
) -> Response:
    """复核: a second operator publishes or rejects; the builder is refused (the 403 page, nothing written)."""
    viewer.check_csrf(csrf)
    if decision not in ("approve", "reject"):
        return back(f"{PREFIX}/whitelists/{list_id}")  # no button pressed: the page again, nothing written
    whitelist_api.review(list_id, ReviewIn(decision=decision, note=note), session, viewer.principal, today)
    return back(f"{PREFIX}/whitelists/{list_id}")
