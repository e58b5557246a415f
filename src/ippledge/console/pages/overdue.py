"""Overdue work across institutions (跨机构超时事项) for the regulator's analyst and the platform: intake tasks past
their working-day limit (who holds them), pushed whitelist firms a bank has not followed up in time, compensation
claims past the fund's review limit, post-loan actions past their act-by date (by bank) and pledge filings a
registry has not decided within its time limit (by registry); a count per institution first.

Read through faces under the scope rules that already let these readers see every institution
(``intake.queries.overdue_tasks``, ``whitelist.queries.overdue_items``, ``risk_sharing.api``,
``monitoring.queries.overdue_actions``, ``pledge.queries.overdue_filings``); nothing new is exposed, and each kind
is one read (the first version went through every application and push: 311 ms p50).
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
from ippledge.monitoring import queries as monitoring_queries
from ippledge.pledge import queries as pledge_queries
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
    actions = monitoring_queries.overdue_actions(session, p, today)
    filings = pledge_queries.overdue_filings(session, p, today)
    # who holds each overdue item, by kind (the columns of the count table, in this order)
    holders = {
        "tasks": [t.assignee_id for t in tasks],
        "pushes": [bank_id for bank_id, _ in pushed],
        "claims": [c.fund_id for c in claims],
        "actions": [a.bank_id for a in actions],
        "filings": [f.registry_id for f in filings],
    }
    counts: Counter[tuple[int, str]] = Counter((i, kind) for kind, ids in holders.items() for i in ids)
    held = {k[0] for k in counts}
    others = {c.bank_id for c in claims} | {x for f in filings for x in (f.pledgor_id, f.pledgee_id)}
    names = access_queries.names_of(session, list(held | others))
    rows = [(names.get(i, str(i)), [counts[(i, kind)] for kind in holders]) for i in held]
    table = [(name, *n) for name, n in sorted(rows, key=lambda r: (-sum(r[1]), r[0]))]
    ctx = {"table": table, "tasks": tasks, "pushed": pushed, "claims": claims, "names": names}
    ctx |= {"actions": actions, "filings": filings}
    return render(request, viewer, "overdue.html", ctx | {"today": today})
