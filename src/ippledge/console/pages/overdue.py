"""Overdue work across institutions (跨机构超时事项) for the regulator's analyst and the platform: intake tasks past
their working-day limit (who holds them), pushed whitelist firms a bank has not followed up in time, and
compensation claims past the fund's review limit; a count per institution first.

Read through faces under the scope rules that already let these readers see every institution
(``intake.queries.overdue_tasks``, ``whitelist.queries.overdue_items``, ``risk_sharing.api``); nothing new is
exposed, and each kind is one read (the first version went through every application and push: 311 ms p50).
"""

from __future__ import annotations

from collections import Counter

from fastapi import Request
from fastapi.responses import HTMLResponse

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console.pages.base import render, router
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.intake import queries as intake_queries
from ippledge.risk_sharing import api as risk_api
from ippledge.web.deps import SessionDep, TodayDep
from ippledge.whitelist import queries as whitelist_queries


def _require_overseer(viewer: Viewer) -> None:
    p = viewer.principal
    p.require_kind(PartyKind.REGULATOR, PartyKind.PLATFORM)
    p.require(Role.ANALYST, Role.OPERATOR)


@router.get("/overdue")
def overdue(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """超时事项: every institution's overdue work today, counted by institution and listed by kind."""
    _require_overseer(viewer)
    p = viewer.principal
    tasks = intake_queries.overdue_tasks(session, p, today)
    pushed = whitelist_queries.overdue_items(session, p, today)
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
    ctx = {"table": table, "tasks": tasks, "pushed": pushed, "claims": claims, "names": names}
    return render(request, viewer, "overdue.html", ctx | {"today": today})
