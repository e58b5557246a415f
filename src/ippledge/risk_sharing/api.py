"""Risk-sharing routes (风险分担接口): schemes, pools, enrolment, covers, claims, subsidies.

Money-moving POSTs (contribution, premium, claim decision, settlement, recovery, subsidy payment) need an
``Idempotency-Key`` header and run through ``idempotency.run_once``. A claim is seen by its bank and its fund, the
platform and the regulator; anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse

from ippledge.access import scope
from ippledge.risk_sharing import responses as views
from ippledge.risk_sharing import service
from ippledge.risk_sharing.claims.tables import Claim
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.schemas import (
    ClaimIn,
    ContributionIn,
    CoverIn,
    DecisionIn,
    EnrolIn,
    NoteIn,
    PoolIn,
    RecoveryIn,
    SettlementIn,
    SimulationIn,
    SplitIn,
    SubsidyApplyIn,
    SubsidyRuleIn,
)
from ippledge.risk_sharing.schemes import store as schemes
from ippledge.risk_sharing.simulation import forecast
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.idempotency import IdempotencyKey, run_once

router = APIRouter(tags=["risk-sharing"])


@router.post("/risk-schemes", status_code=201)
def add_scheme(body: dict[str, Any], principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """新方案版本: the JSON document of ``schemes.to_dict``; every problem listed when invalid."""
    return views.version(service.add_scheme_version(session, principal, body))


@router.get("/risk-schemes")
def list_schemes(principal: PrincipalDep, session: SessionDep) -> list[dict[str, Any]]:
    return [views.version(r) for r in schemes.versions(session)]


@router.get("/risk-schemes/{code}")
def get_scheme(
    code: str, principal: PrincipalDep, session: SessionDep, as_of: dt.date | None = Query(default=None)
) -> dict[str, Any]:
    return views.version(schemes.version_row(session, code, as_of))


@router.post("/risk-schemes/{code}/split")
def split_loss(
    code: str, body: SplitIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> dict[str, Any]:
    """分担测算: each party's share of a loss under the version in force on ``as_of`` (default today).

    Writes nothing."""
    scheme, allocation = forecast.split_preview(
        session,
        code,
        str(body.loss),
        None if body.balance is None else str(body.balance),
        str(body.interest),
        body.ip_share_bp,
        None if body.fund_balance is None else str(body.fund_balance),
        body.as_of or today,
    )
    return {"as_of": (body.as_of or today).isoformat(), **views.split(scheme, allocation)}


@router.post("/risk-simulations")
def simulate(body: SimulationIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> dict[str, Any]:
    """组合模拟: each party's expected and tail loss, P(fund dry), the fund needed, optionally the sensitivity."""
    return forecast.simulation(session, principal, body.model_dump(), today)


@router.post("/risk-pools", status_code=201)
def create_pool(body: PoolIn, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    row = service.create_pool(session, principal, body.scheme_code)
    return {"id": row.id, "scheme_code": row.scheme_code, "fund_id": row.fund_id, "balance": "0.00"}


@router.get("/risk-pools/{code}")
def get_pool(code: str, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """The pool's cash (``balance``) and what its fund still owes banks on claims (``owed``, 应付代偿)."""
    return views.pool(session, pools.pool(session, code))


@router.post("/risk-pools/{code}/contributions", status_code=201)
def contribute(
    code: str,
    body: ContributionIn,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    key: IdempotencyKey = None,
) -> JSONResponse:
    day = body.value_date or today

    def act() -> dict[str, Any]:
        pool = service.contribute(session, principal, code, str(body.amount), day, key or "")
        return views.pool(session, pool)

    payload = {"code": code, "amount": str(body.amount), "day": day.isoformat()}
    return run_once(session, principal, key, "POST /risk-pools/{code}/contributions", payload, act, 201).response()


@router.post("/risk-enrolments", status_code=201)
def enrol(body: EnrolIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> dict[str, Any]:
    return views.enrolment(service.enrol(session, principal, body.loan_id, body.scheme_code, today))


@router.post("/risk-covers", status_code=201)
def add_cover(body: CoverIn, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    row = service.add_cover(session, principal, **body.model_dump())
    return views.cover(row)


@router.post("/risk-covers/{cover_id}/premium")
def pay_premium(
    cover_id: int, principal: PrincipalDep, session: SessionDep, today: TodayDep, key: IdempotencyKey = None
) -> JSONResponse:
    def act() -> dict[str, Any]:
        return views.cover(service.pay_premium(session, principal, cover_id, today, key or ""))

    return run_once(session, principal, key, "POST /risk-covers/{id}/premium", {"id": cover_id}, act).response()


@router.post("/risk-claims", status_code=201)
def file_claim(body: ClaimIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> dict[str, Any]:
    row = service.file_claim(session, principal, body.loan_id, body.statement, body.documents, today)
    return views.claim(session, row)


@router.get("/risk-claims")
def list_claims(
    principal: PrincipalDep, session: SessionDep, today: TodayDep, overdue: bool = False
) -> list[dict[str, Any]]:
    """The caller's claims (fund: its scheme's; bank: its own; platform and regulator: all); ``overdue`` filters
    to those past the review time limit."""
    rows = session.scalars(scope.scoped(Claim, principal).order_by(Claim.id))
    out = [views.claim(session, r, today) for r in rows]
    return [c for c in out if c["overdue"]] if overdue else out


@router.get("/risk-claims/{claim_id}")
def get_claim(claim_id: int, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> dict[str, Any]:
    return views.claim(session, scope.get_visible(session, Claim, claim_id, principal), today)


@router.post("/risk-claims/{claim_id}/review")
def review_claim(
    claim_id: int, body: NoteIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> dict[str, Any]:
    """The fund's reviewer (maker) proposes payment."""
    return views.claim(session, service.review_claim(session, principal, claim_id, body.note, today))


@router.post("/risk-claims/{claim_id}/decision")
def decide_claim(
    claim_id: int,
    body: DecisionIn,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """A different approver of the fund approves (and the shares are paid) or rejects."""

    def act() -> dict[str, Any]:
        return views.claim(
            session, service.decide_claim(session, principal, claim_id, body.approve, body.reason, today)
        )

    payload = {"id": claim_id, "approve": body.approve, "reason": body.reason}
    return run_once(session, principal, key, "POST /risk-claims/{id}/decision", payload, act).response()


@router.post("/risk-claims/{claim_id}/settlement")
def settle_claim(
    claim_id: int,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    key: IdempotencyKey = None,
    body: SettlementIn | None = Body(default=None),
) -> JSONResponse:
    """预付清算: a different approver of the fund settles an advanced claim on the final loss after write-off, or
    rejects the proposed settlement (``{"approve": false, "reason": ...}``: no money moves, the claim is ``advanced``
    again). An empty body settles."""
    decision = body or SettlementIn()

    def act() -> dict[str, Any]:
        row = service.settle_claim(session, principal, claim_id, today, decision.approve, decision.reason)
        return views.claim(session, row)

    payload = {"id": claim_id, "approve": decision.approve, "reason": decision.reason}
    return run_once(session, principal, key, "POST /risk-claims/{id}/settlement", payload, act).response()


@router.post("/risk-claims/{claim_id}/recoveries", status_code=201)
def recover(
    claim_id: int,
    body: RecoveryIn,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """A recovery after payout, shared back to the payers in the proportions they bore."""
    day = body.value_date or today

    def act() -> dict[str, Any]:
        return views.claim(session, service.recover(session, principal, claim_id, str(body.amount), day, key or ""))

    payload = {"id": claim_id, "amount": str(body.amount), "day": day.isoformat()}
    return run_once(session, principal, key, "POST /risk-claims/{id}/recoveries", payload, act, 201).response()


@router.post("/risk-claims/{claim_id}/clawback")
def share_back(
    claim_id: int, principal: PrincipalDep, session: SessionDep, today: TodayDep, key: IdempotencyKey = None
) -> JSONResponse:
    """Share back every recovery recorded on the loan since payout (e.g. through ``POST /loans/{id}/recoveries``)."""

    def act() -> dict[str, Any]:
        return views.claim(session, service.share_back(session, principal, claim_id, today))

    return run_once(session, principal, key, "POST /risk-claims/{id}/clawback", {"id": claim_id}, act).response()


@router.post("/risk-subsidy-rules", status_code=201)
def add_subsidy_rule(body: SubsidyRuleIn, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    row = service.add_subsidy_rule(session, principal, body.scheme_code, body.rule)
    return {"id": row.id, "code": row.code, "version": row.version, "kind": row.kind}


@router.post("/risk-subsidies", status_code=201)
def apply_subsidy(
    body: SubsidyApplyIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> dict[str, Any]:
    row = service.apply_subsidy(session, principal, body.rule_id, body.loan_id, body.year, today, body.declared_fee)
    return views.subsidy(row)


@router.post("/risk-subsidies/{app_id}/review")
def review_subsidy(app_id: int, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    return views.subsidy(service.review_subsidy(session, principal, app_id))


@router.post("/risk-subsidies/{app_id}/decision")
def decide_subsidy(app_id: int, body: DecisionIn, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    return views.subsidy(service.decide_subsidy(session, principal, app_id, body.approve, body.reason))


@router.post("/risk-subsidies/{app_id}/payment")
def pay_subsidy(
    app_id: int, principal: PrincipalDep, session: SessionDep, today: TodayDep, key: IdempotencyKey = None
) -> JSONResponse:
    def act() -> dict[str, Any]:
        return views.subsidy(service.pay_subsidy(session, principal, app_id, today))

    return run_once(session, principal, key, "POST /risk-subsidies/{id}/payment", {"id": app_id}, act).response()
