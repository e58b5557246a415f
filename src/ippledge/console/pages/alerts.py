"""A bank's alerts and watch list (风险预警与关注名单): the monitoring's alerts on its loans (what was found, by when
to act), the watch list, and an entry's page with its history and the move form (open → acting → cured/escalated →
closed, with what was done).

Through ``monitoring.api`` only: the caller's bank's alerts and entries (another bank's entry is the 404 page); an
out-of-order move is refused with the service's reason beside the field and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, back, render, router, submit_once
from ippledge.console.pages.lists import paginate, search
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.monitoring import api as monitoring_api
from ippledge.monitoring.model import ACTIVE_STATES, Finding, WatchState, can_move
from ippledge.monitoring.schemas import WatchMoveIn
from ippledge.web.deps import SessionDep, TodayDep

FINDINGS = [f.value for f in Finding]


def _require_bank(viewer: Viewer) -> None:
    viewer.principal.require_kind(PartyKind.BANK)
    viewer.principal.require(Role.CREDIT_OFFICER, Role.APPROVER)


@router.get("/alerts")
def alerts(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    finding: str = "",
    q: str = "",
    page: int = 1,
) -> HTMLResponse:
    """风险预警: the alerts on this bank's loans, newest first, with the date to act by (past it: overdue)."""
    _require_bank(viewer)
    rows = monitoring_api.list_alerts(session, viewer.principal, None, 1000)
    if finding in FINDINGS:
        rows = [a for a in rows if a.finding == finding]
    rows = search(rows, q, lambda a: [a.subject, a.finding, a.loan_id, i18n.t(f"finding.{a.finding}", viewer.lang)])
    ctx = {"finding": finding, "findings": FINDINGS, "today": today}
    ctx |= paginate(rows, page, q) | {"pager_extra": f"&finding={finding}"}
    return render(request, viewer, "alerts.html", ctx)


@router.get("/watch-list")
def watch_list(
    request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep, done: int = 0, q: str = "", page: int = 1
) -> HTMLResponse:
    """关注名单: entries still needing attention (open, acting, escalated), act-by first; all with ``done=1``."""
    _require_bank(viewer)
    rows = monitoring_api.watch_list(session, viewer.principal, None, None)
    if not done:
        rows = [w for w in rows if WatchState(w.state) in ACTIVE_STATES]
    rows.sort(key=lambda w: (w.act_by or dt.date.max, w.id))
    rows = search(rows, q, lambda w: [w.reason, w.owner, w.rule, w.loan_id])
    ctx = {"show_done": bool(done), "today": today} | paginate(rows, page, q) | {"pager_extra": f"&done={done}"}
    return render(request, viewer, "watch_list.html", ctx)


def _entry_ctx(session: Session, viewer: Viewer, entry_id: int, today: dt.date) -> dict[str, Any]:
    w = monitoring_api.get_entry(entry_id, session, viewer.principal)  # the 404 page when not this bank's
    moves = [s.value for s in WatchState if can_move(WatchState(w.state), s)]
    return {"w": w, "moves": moves, "today": today}


@router.get("/watch-list/{entry_id}")
def entry_page(
    request: Request, entry_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep
) -> HTMLResponse:
    """One entry: why it was listed, by when to act, its history, and the moves it may make next."""
    _require_bank(viewer)
    ctx = _entry_ctx(session, viewer, entry_id, today) | {"typed": {"to": "", "note": "", "owner": ""}, "errors": {}}
    return render(request, viewer, "watch_entry.html", ctx)


@router.post("/watch-list/{entry_id}/moves")
def move(
    request: Request,
    entry_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    to: str = Form("", max_length=20),
    note: str = Form("", max_length=2000),
    owner: str = Form("", max_length=64),
) -> Response:
    """处置: move the entry with what was done; a move it may not make is refused beside the field, nothing written."""
    viewer.check_csrf(csrf)
    _require_bank(viewer)
    current = monitoring_api.get_entry(entry_id, session, viewer.principal)  # 404 first
    typed = {"to": to, "note": note, "owner": owner}
    bad = {}
    if to not in {s.value for s in WatchState}:
        bad["to"] = "watch_to"
    if not note.strip():
        bad["note"] = "watch_note"
    errors = {f: i18n.both(i18n.FIELD_ERRORS[k], viewer.lang) for f, k in bad.items()}

    def again(msgs: dict[str, str], status: int) -> Response:
        ctx = _entry_ctx(session, viewer, entry_id, today) | {"typed": typed, "errors": msgs}
        return render(request, viewer, "watch_entry.html", ctx, status=status)

    if errors:
        return again(errors, 422)
    if current.state == to and current.history and current.history[-1].note == note.strip():
        return back(f"{PREFIX}/watch-list/{entry_id}")  # the same move submitted twice: done once
    body = WatchMoveIn(to=WatchState(to), note=note.strip(), owner=owner.strip() or None)
    return submit_once(
        session,
        viewer,
        lambda: monitoring_api.move(entry_id, body, session, viewer.principal, today),
        lambda _: back(f"{PREFIX}/watch-list/{entry_id}"),
        refused=lambda r: again({"to": r.message}, r.status),
    )
