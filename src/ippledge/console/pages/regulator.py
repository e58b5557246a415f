"""The regulator's analyst (监管统计员) and the platform: supervision statistics across banks with a chart, the bank
ranking under a chosen rule, and the Excel workbook of the same figures, all through ``supervision.api`` (which
refuses anyone but the regulator's and the platform's readers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from ippledge.console import charts, i18n
from ippledge.console.pages.base import render, router
from ippledge.console.sessions import ViewerDep
from ippledge.kernel.errors import DATE_INVALID
from ippledge.supervision import api as supervision_api
from ippledge.supervision import trends as supervision_trends
from ippledge.web.deps import SessionDep, TodayDep


def _period(start: str, end: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period asked for; the year to date when none is given. A malformed date is the catalogued 400."""
    days = []
    for value, default in ((start, today.replace(month=1, day=1)), (end, today)):
        try:
            days.append(dt.date.fromisoformat(value) if value else default)
        except ValueError:
            raise DATE_INVALID(value=value[:40]) from None
    return days[0], days[1]


@router.get("/supervision")
def supervision(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    start: str = "",
    end: str = "",
    rule: str = "growth_within_tolerance",
) -> HTMLResponse:
    """监管统计: totals, each bank's line, the pools, a bar chart of 累放 and 余额 by bank (万元), the last 12 months'
    trends (月度趋势, ``/supervision/trends``) and the ranking under the chosen rule (``/supervision/ranking``) follow
    as partials."""
    p = viewer.principal
    s, e = _period(start, end, today)
    stats = supervision_api.statistics(p, session, today, s, e, [], None)
    rules = supervision_api.ranking_rules(p)
    if rule not in {r.code for r in rules}:
        rule = rules[0].code
    chart = {
        "banks": [b.name for b in stats.banks],
        "disbursed": [float(Decimal(b.loans.disbursed) / 10000) for b in stats.banks],
        "balance": [float(Decimal(b.loans.balance or 0) / 10000) for b in stats.banks],
        "labels": [i18n.t("ui.disbursed", viewer.lang), i18n.t("ui.outstanding", viewer.lang)],
    }
    ctx = {"stats": stats, "rules": rules, "rule": rule, "start": s, "end": e, "chart": chart}
    return render(request, viewer, "supervision.html", ctx)


def trends_view(lines: list[supervision_trends.MonthLine], lang: str) -> dict[str, Any]:
    """The monthly trends as the chart's option and the table's rows."""
    labels = {
        "new_amount": i18n.t("ui.new_amount", lang),
        "outstanding": i18n.t("ui.outstanding", lang),
        "new_count": i18n.t("ui.new_loans", lang),
        "npl": i18n.t("ui.npl_ratio", lang),
    }
    option = charts.trends(
        [x.month for x in lines],
        [x.new_count for x in lines],
        [x.new_amount for x in lines],
        [x.outstanding for x in lines],
        [x.npl_ratio for x in lines],
        labels,
    )
    return {"option": option, "lines": lines}


@router.get("/supervision/trends")
def supervision_trends_part(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """The last 12 months' trends alone: the statistics page loads them after itself (HTMX)."""
    lines = supervision_trends.monthly_trends(session, viewer.principal, today)
    return render(request, viewer, "_trends.html", {"trends": trends_view(lines, viewer.lang)})


@router.get("/supervision/ranking")
def supervision_ranking(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    start: str = "",
    end: str = "",
    rule: str = "growth_within_tolerance",
) -> HTMLResponse:
    """The ranking table alone: the statistics page loads it after itself (HTMX), so each answer stays quick."""
    s, e = _period(start, end, today)
    ranking = supervision_api.rankings(viewer.principal, session, today, s, e, rule, None)
    return render(request, viewer, "_ranking.html", {"ranking": ranking})


@router.get("/supervision/statistics.xlsx")
def supervision_workbook(
    viewer: ViewerDep, session: SessionDep, today: TodayDep, start: str = "", end: str = ""
) -> Response:
    """The same figures as an Excel workbook (the API's workbook, units in the headers)."""
    s, e = _period(start, end, today)
    return supervision_api.statistics_workbook(viewer.principal, session, today, s, e, [], None)
