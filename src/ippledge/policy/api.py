"""Policy-matching routes (政策匹配接口): ``GET /loans/{loan_id}/policy-matches`` (whoever may see the loan) and
``POST /policy-matches`` (the firm, for a loan it plans). Each scheme and subsidy is listed with the rules that decided
it and the estimated saving."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Query

from ippledge.policy import model, service
from ippledge.policy.schemas import FeesIn, PlanIn, ReportOut
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["policy"])


def _fees(f: FeesIn) -> model.Fees:
    return model.Fees(f.valuation_fee, f.annual_premium, f.annual_guarantee_fee)


@router.get("/loans/{loan_id}/policy-matches", response_model=ReportOut)
def loan_matches(
    loan_id: IdPath,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    valuation_fee: Decimal | None = Query(None, ge=0, le=1e9, max_digits=14, decimal_places=2),
    annual_premium: Decimal | None = Query(None, ge=0, le=1e9, max_digits=14, decimal_places=2),
    annual_guarantee_fee: Decimal | None = Query(None, ge=0, le=1e9, max_digits=14, decimal_places=2),
) -> ReportOut:
    """Every scheme and subsidy the loan qualifies for or fails, with the deciding rules and the saving."""
    fees = model.Fees(valuation_fee, annual_premium, annual_guarantee_fee)
    return ReportOut.model_validate(service.for_loan(session, principal, loan_id, today, fees).to_dict())


@router.post("/policy-matches", response_model=ReportOut)
def plan_matches(body: PlanIn, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> ReportOut:
    """The firm asks which schemes and subsidies a loan it plans would qualify for, and what it would save."""
    plan = service.Plan(
        body.amount,
        body.term_months,
        body.annual_rate,
        body.method,
        body.start_on,
        tuple(body.ip_types),
        body.other_security,
        _fees(body.fees),
    )
    return ReportOut.model_validate(service.for_plan(session, principal, plan, today).to_dict())
