"""The insurer's and guarantor's desk (保险/担保机构): the claims on loans it covers with their evidence and its own
share under the scheme, the loans and pools it covers (its policies, premiums received), and its balances.

Read through ``risk_sharing.queries`` (``covers_provided``, ``covered_claims``): only the covers this party wrote
and the claims on them; another insurer's claim is the 404 page. The fund decides a claim and pays the shares (the
insurer's share is set by the scheme's rules), so this desk reviews and reads; it writes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console.pages.base import render, router
from ippledge.console.pages.lists import paginate, search
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.lending import queries as lending_queries
from ippledge.risk_sharing import queries as risk_queries
from ippledge.web.deps import SessionDep, TodayDep

OPEN = ("filed", "proposed", "advanced", "settling")


def _require_insurer(viewer: Viewer) -> None:
    viewer.principal.require_kind(PartyKind.INSURER, PartyKind.GUARANTOR)
    viewer.principal.require(Role.UNDERWRITER, Role.APPROVER)


def _contracts(session: Session, loan_ids: list[int]) -> dict[int, str]:
    return {i: s.contract_no for i, s in lending_queries.loan_summaries(session, loan_ids).items()}


@router.get("/insurer/claims")
def claims(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    done: int = 0,
    q: str = "",
    page: int = 1,
) -> HTMLResponse:
    """保险理赔审核: claims on covered loans, open first (decided ones with ``done=1``), and the balances above."""
    _require_insurer(viewer)
    p = viewer.principal
    every = risk_queries.covered_claims(session, p)
    covers = risk_queries.covers_provided(session, p)
    balances = {
        "premiums": sum((c.paid for c in covers), Decimal(0)),
        "shares": sum((c.share or Decimal(0) for c in every), Decimal(0)),
        "clawed_back": sum((c.share_clawed_back for c in every), Decimal(0)),
    }
    balances["net"] = balances["premiums"] - balances["shares"] + balances["clawed_back"]
    rows = every if done else [c for c in every if c.status in OPEN]
    rows.sort(key=lambda c: (c.status not in OPEN, c.review_due, c.id))
    names = access_queries.names_of(session, [c.bank_id for c in rows])
    contracts = _contracts(session, [c.loan_id for c in rows])
    rows = search(rows, q, lambda c: [c.id, contracts.get(c.loan_id), names.get(c.bank_id), c.scheme_code])
    ctx: dict[str, Any] = {"names": names, "contracts": contracts, "balances": balances, "show_done": bool(done)}
    ctx |= paginate(rows, page, q) | {"pager_extra": f"&done={int(bool(done))}", "today": today}
    return render(request, viewer, "insurer_claims.html", ctx)


@router.get("/insurer/claims/{claim_id}")
def claim(request: Request, claim_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """One claim: the bank's evidence, the loss and recoveries, and this party's share under the scheme."""
    _require_insurer(viewer)
    (c,) = risk_queries.covered_claims(session, viewer.principal, claim_id)  # the 404 page when not on its cover
    ctx = {
        "c": c,
        "names": access_queries.names_of(session, [c.bank_id]),
        "contracts": _contracts(session, [c.loan_id]),
        "today": today,
    }
    return render(request, viewer, "insurer_claim.html", ctx)


@router.get("/insurer/loans")
def covered(request: Request, viewer: ViewerDep, session: SessionDep, q: str = "", page: int = 1) -> HTMLResponse:
    """承保贷款: the policies this party wrote, on one loan or a scheme's pool, with premium due and received."""
    _require_insurer(viewer)
    rows = risk_queries.covers_provided(session, viewer.principal)
    contracts = _contracts(session, [c.loan_id for c in rows if c.loan_id])
    names = access_queries.names_of(session, [c.payer_id for c in rows])
    rows = search(rows, q, lambda c: [c.id, contracts.get(c.loan_id or 0), c.scheme_code, names.get(c.payer_id)])
    ctx = {"contracts": contracts, "names": names} | paginate(rows, page, q)
    return render(request, viewer, "insurer_loans.html", ctx)
