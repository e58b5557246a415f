"""Overdue work across institutions (跨机构超时事项) for the regulator's analyst and the platform: intake tasks past
their working-day limit (who holds them), pushed whitelist firms a bank has not followed up in time, and
compensation claims past the fund's review limit; a count per institution first.

Read through the faces that already let these readers see every institution (``intake.api`` and
``intake.queries.active_tasks``, ``whitelist.api``, ``risk_sharing.api``); nothing new is exposed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console.pages.base import render, router
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.intake import api as intake_api
from ippledge.intake import queries as intake_queries
from ippledge.risk_sharing import api as risk_api
from ippledge.web.deps import SessionDep, TodayDep
from ippledge.whitelist import api as whitelist_api

LIVE = ("submitted", "in_review", "approved")


def _require_overseer(viewer: Viewer) -> None:
    p = viewer.principal
    p.require_kind(PartyKind.REGULATOR, PartyKind.PLATFORM)
    p.require(Role.ANALYST, Role.OPERATOR)


@router.get("/overdue")
def overdue(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """超时事项: every institution's overdue work today, counted by institution and listed by kind."""
    _require_overseer(viewer)
    p = viewer.principal
    apps = [a for a in intake_api.list_applications(p, session) if a.status in LIVE]
    by_app = intake_queries.active_tasks(session, p, [a.id for a in apps], today)
    tasks = sorted((t for ts in by_app.values() for t in ts if t.overdue), key=lambda t: (t.due_on, t.id))
    pushed: list[Any] = []
    for head in whitelist_api.list_pushes(session, p, today, None):
        push = whitelist_api.get_push(head.id, session, p, today)
        pushed += [(push.bank_id, i) for i in push.items if i.overdue]
    pushed.sort(key=lambda x: (x[1].due_on, x[1].id))
    claims = risk_api.list_claims(p, session, today, True)
    counts: Counter[tuple[int, str]] = Counter()
    for t in tasks:
        counts[(t.assignee_id, "tasks")] += 1
    for bank_id, _ in pushed:
        counts[(bank_id, "pushes")] += 1
    for c in claims:
        counts[(c.fund_id, "claims")] += 1
    ids = {k[0] for k in counts} | {c.bank_id for c in claims}
    names = access_queries.names_of(session, list(ids))
    table = sorted(
        (
            (names.get(i, str(i)), counts[(i, "tasks")], counts[(i, "pushes")], counts[(i, "claims")])
            for i in {k[0] for k in counts}
        ),
        key=lambda r: (-(r[1] + r[2] + r[3]), r[0]),
    )
    number = {a.id: a.application_no for a in apps}
    ctx = {"table": table, "tasks": tasks, "pushed": pushed, "claims": claims, "names": names, "number": number}
    return render(request, viewer, "overdue.html", ctx | {"today": today})
