"""Supervision routes (监管统计接口), for the regulator and the platform only (anyone else: 403).

``GET /supervision/statistics?start=&end=&by=bank&by=month&as_of=`` the cube, the bank lines and the pools;
``GET /supervision/statistics.xlsx?...`` the same as an Excel workbook (one sheet per table);
``GET /supervision/rankings?start=&end=&rule=&as_of=`` the banks ranked by a rule, with their inputs;
``GET /supervision/ranking-rules`` the rules (data); ``POST /supervision/overall-npl`` a bank's overall NPL ratio
for a period (the regulator's admin or analyst); ``POST /supervision/corrections`` a back-dated correction of a
loan's reported grade (bitemporal); ``GET /supervision/kpi?start=&end=&code=&by=branch|team&as_of=`` branch KPIs;
``GET /supervision/market?start=&end=&as_of=&bank_id=`` a bank's own line and the anonymised market (banks too).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response

from ippledge.supervision import errors, model, queries, service, store
from ippledge.supervision.schemas import (
    CorrectionIn,
    CorrectionOut,
    KpiOut,
    MarketOut,
    OverallNplIn,
    OverallNplOut,
    RankingOut,
    RuleOut,
    StatisticsOut,
    kpi_out,
    market_out,
    ranking_out,
    rule_out,
    statistics_out,
)
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import MAX_ID

router = APIRouter(tags=["supervision"])


def _as_of(as_of: dt.date | None, today: dt.date) -> dt.date | None:
    if as_of is not None and as_of > today:
        raise errors.AS_OF_FUTURE(as_of=as_of.isoformat(), today=today.isoformat())
    return as_of


@router.get("/supervision/statistics")
def statistics(
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    start: dt.date,
    end: dt.date,
    by: Annotated[list[str], Query()] = [],  # noqa: B006 -- FastAPI's way of a repeated query parameter
    as_of: dt.date | None = None,
) -> StatisticsOut:
    """监管统计: 累放, balance, 首贷户, inclusive share, rate spread, NPL against the +3 pp tolerance, growth against
    the 20% target, subsidies, pools; loans and pledge registrations as two series."""
    queries.require_reader(principal)
    period = model.Period(start, end)
    stats = queries.statistics(session, principal, period, model.dimensions(by), _as_of(as_of, today))
    return statistics_out(stats)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/supervision/statistics.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}},
)
def statistics_workbook(
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    start: dt.date,
    end: dt.date,
    by: Annotated[list[str], Query()] = [],  # noqa: B006 -- FastAPI's way of a repeated query parameter
    as_of: dt.date | None = None,
) -> Response:
    """The statistics as an Excel workbook: the same figures as ``/supervision/statistics``, units in the headers."""
    from ippledge.supervision.workbook import xlsx_bytes

    body = statistics(principal, session, today, start, end, by, as_of)
    name = f"supervision-{start}-{end}.xlsx"
    return Response(
        xlsx_bytes(body), media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/supervision/rankings")
def rankings(
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    start: dt.date,
    end: dt.date,
    rule: str = "growth_within_tolerance",
    as_of: dt.date | None = None,
) -> RankingOut:
    """银行排名: the banks ranked by the rule, equal values sharing a rank, each with the inputs it was ranked on."""
    queries.require_reader(principal)
    period = model.Period(start, end)
    known = _as_of(as_of, today)
    chosen, rows, names = queries.ranking(session, principal, period, rule, known)
    return ranking_out(period, known, chosen, rows, names)


@router.get("/supervision/ranking-rules")
def ranking_rules(principal: PrincipalDep) -> list[RuleOut]:
    """The ranking rules and their reward tiers (data)."""
    queries.require_reader(principal)
    return [rule_out(r) for r in model.RANKING_RULES.values()]


@router.post("/supervision/overall-npl", status_code=201)
def record_overall_npl(
    body: OverallNplIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> OverallNplOut:
    """全行不良率: a bank's overall NPL ratio for the period ending ``period_end``; a correction is a new record."""
    row = service.record_overall_npl(session, principal, body.bank_id, body.period_end, body.ratio, today)
    return OverallNplOut(
        id=row.id,
        bank_id=row.bank_id,
        period_end=row.period_end,
        ratio=store.from_ppm(row.ratio_ppm),
        recorded_on=row.recorded_on,
    )


@router.post("/supervision/corrections", status_code=201)
def record_correction(
    body: CorrectionIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> CorrectionOut:
    """报送更正: a loan's reported grade corrected from a past date; reports of periods ending earlier do not change,
    and reports as of a date before today are reproduced as they stood."""
    row = service.record_correction(session, principal, body.loan_id, body.grade, body.effective_on, body.reason, today)
    return CorrectionOut(
        id=row.id, loan_id=row.loan_id, grade=row.grade, effective_on=row.effective_on, recorded_on=row.recorded_on
    )


@router.get("/supervision/kpi")
def kpi(
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    start: dt.date,
    end: dt.date,
    code: str = "ip_financing",
    by: str = "branch",
    as_of: dt.date | None = None,
) -> KpiOut:
    """网点考核: every bank unit (or team) scored on IP financing as a separate item, under the version of the scheme
    in force on the period's first day, each item with its actual, target and points."""
    queries.require_reader(principal)
    if by not in ("branch", "team"):
        raise errors.UNKNOWN_DIMENSION(name=by, known="branch, team")
    period = model.Period(start, end)
    report = queries.kpi_report(session, principal, period, code, by == "team", _as_of(as_of, today))
    return kpi_out(report)


@router.get("/supervision/market")
def market_view(
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    start: dt.date,
    end: dt.date,
    as_of: dt.date | None = None,
    bank_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    rule: str = "growth_within_tolerance",
) -> MarketOut:
    """同业匿名对标: the bank's own line, named, and the market as aggregates (totals, quartiles, its place and rank
    out of N), each suppressed under three other banks. A bank asking for another bank gets its own view, marked
    ``substituted``; the regulator and the platform name the bank (``bank_id``) whose view they want."""
    period = model.Period(start, end)
    view = queries.market_view(session, principal, period, _as_of(as_of, today), bank_id, rule)
    return market_out(view)
