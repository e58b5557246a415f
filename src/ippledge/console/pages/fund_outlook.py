"""The pool's outlook on the fund's page (资金池前景): next year's loss distribution and the balance year by year,
from ``risk_sharing.simulation.outlook`` (a seeded Monte Carlo of the enrolled book), as two charts, a table and the
assumptions in words.

A run takes up to a second or two on a book of a thousand loans, so the pools page loads each pool's outlook after
itself (HTMX, ``/fund/pools/{code}/outlook``) and the figures are kept per fingerprint of the run's inputs: the seed and
scenario count are fixed, so every look at an unchanged book shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Role
from ippledge.console import charts, i18n
from ippledge.console.pages.base import render, router
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.risk_sharing.simulation.outlook import pool_outlook
from ippledge.web.deps import SessionDep, TodayDep


def outlook_view(session: Session, viewer: Viewer, code: str, today: dt.date) -> dict[str, Any]:
    """Chart options, table rows and the assumptions sentence of one pool's outlook (``None`` parts: no live loan)."""
    o = pool_outlook(session, viewer.principal, code, today)
    if o is None:
        return {"code": code, "outlook": None}
    lang = viewer.lang

    def t(key: str) -> str:
        return i18n.t(key, lang)

    years = [i18n.fmt("ui.year_n", lang, n=y + 1) for y in range(len(o.balance_mean))]
    histogram = charts.loss_histogram(
        o.loss_edges, o.loss_counts, {"title": t("ui.loss_distribution"), "share": t("ui.scenarios_share")}
    )
    labels = {"title": t("ui.pool_outlook"), "mean": t("ui.expected_balance"), "band": t("ui.balance_band")}
    balance = charts.pool_outlook(
        years, o.balance_mean, o.balance_p5, o.balance_p95, o.p_dry, labels | {"p_dry": t("ui.p_dry")}
    )

    def money(x: float) -> Decimal:
        return Decimal(str(round(x, 2)))

    assumptions = i18n.fmt(
        "ui.outlook_assumptions",
        lang,
        loans=o.loans,
        exposure=i18n.wan(money(o.exposure)),
        lgd=o.lgd,
        rho=o.rho,
        scenarios=f"{o.scenarios:,}",
        seed=o.seed,
        start=i18n.wan(money(o.fund_initial)),
        as_of=o.as_of.isoformat(),
    )
    rows = [
        (years[i], money(o.balance_mean[i]), money(o.balance_p5[i]), money(o.balance_p95[i]), o.p_dry[i])
        for i in range(len(years))
    ]
    return {
        "code": code,
        "outlook": o,
        "histogram": histogram,
        "balance": balance,
        "rows": rows,
        "loss": [money(o.expected_loss), money(o.loss_q95), money(o.loss_q99)],
        "assumptions": assumptions,
    }


@router.get("/fund/pools/{code}/outlook")
def pool_outlook_part(
    request: Request, code: str, viewer: ViewerDep, session: SessionDep, today: TodayDep
) -> HTMLResponse:
    """One pool's outlook alone, loaded by the pools page after itself; another fund's pool is the 404 page."""
    viewer.principal.require_kind(PartyKind.FUND)
    viewer.principal.require(Role.FUND_REVIEWER, Role.APPROVER)
    ctx = {"v": outlook_view(session, viewer, code[:100], today), "n": request.query_params.get("n", "1")[:4]}
    return render(request, viewer, "_pool_outlook.html", ctx)
