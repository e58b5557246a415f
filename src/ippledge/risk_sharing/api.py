"""Risk-sharing routes (风险分担接口): schemes, pools, enrolment, covers, claims, subsidies, previews and simulations.

Money-moving POSTs (contribution, premium, claim decision, settlement, recovery, clawback, subsidy payment) need an
``Idempotency-Key`` header and run once per key (``web.idempotency.OnceDep``): a retry answers the first result. A
claim is seen by its bank and its fund, the platform and the regulator; anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.risk_sharing import queries, service
from ippledge.risk_sharing.claims import store as claims
from ippledge.risk_sharing.claims.tables import Claim
from ippledge.risk_sharing.liability import service as liability
from ippledge.risk_sharing.liability.schemas import (
    CoContributionIn,
    CoFundingOut,
    DisposalAgentIn,
    DisposalAgentOut,
    LiabilityClaimIn,
    LiabilityClaimOut,
    PolicyIn,
    PolicyOut,
)
from ippledge.risk_sharing.schemas import (
    ClaimIn,
    ClaimOut,
    ContributionIn,
    CoverIn,
    CoverOut,
    DecisionIn,
    EnrolIn,
    EnrolmentOut,
    NewPoolOut,
    NoteIn,
    PoolIn,
    PoolOut,
    RecoveryIn,
    SchemeVersionOut,
    SettlementIn,
    SimulationIn,
    SimulationOut,
    SplitIn,
    SplitOut,
    SplitPreviewOut,
    SubsidyApplyIn,
    SubsidyOut,
    SubsidyRuleIn,
    SubsidyRuleOut,
    WhitelistIn,
    WhitelistOut,
)
from ippledge.risk_sharing.schemes import store as schemes
from ippledge.risk_sharing.simulation import forecast
from ippledge.web.dates import BusinessDate
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.idempotency import OnceDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["risk-sharing"])


def _claim(session: Session, row: Claim, today: dt.date | None = None) -> ClaimOut:
    return ClaimOut.of(row, claims.shares_of(session, row.id), today)


def _pool(session: Session, code: str, principal: Principal | None = None) -> PoolOut:
    return PoolOut.model_validate(queries.pool_position(session, code, principal))


@router.post("/risk-schemes", status_code=201)
def add_scheme(body: dict[str, Any], principal: PrincipalDep, session: SessionDep) -> SchemeVersionOut:
    """新方案版本: the JSON document of ``schemes.documents.to_dict``; every problem listed when invalid."""
    return SchemeVersionOut.of(service.add_scheme_version(session, principal, body))


@router.get("/risk-schemes")
def list_schemes(principal: PrincipalDep, session: SessionDep) -> list[SchemeVersionOut]:
    """Every stored scheme version, by code and start."""
    return [SchemeVersionOut.of(r) for r in schemes.versions(session)]


@router.get("/risk-schemes/{code}")
def get_scheme(
    code: str, principal: PrincipalDep, session: SessionDep, as_of: BusinessDate | None = Query(default=None)
) -> SchemeVersionOut:
    """The version of ``code`` in force on ``as_of`` (the newest when omitted)."""
    return SchemeVersionOut.of(schemes.version_row(session, code, as_of))


@router.post("/risk-schemes/{code}/split")
def split_loss(
    code: str, body: SplitIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> SplitPreviewOut:
    """分担测算: each party's share of a loss under the version in force on ``as_of`` (default today).

    Writes nothing."""
    on = body.as_of or today
    scheme, allocation = forecast.split_preview(
        session,
        code,
        str(body.loss),
        None if body.balance is None else str(body.balance),
        str(body.interest),
        body.ip_share_bp,
        None if body.fund_balance is None else str(body.fund_balance),
        on,
    )
    return SplitPreviewOut(as_of=on, **SplitOut.of(scheme, allocation).model_dump())


@router.post("/risk-simulations", response_model_exclude_unset=True)
def simulate(body: SimulationIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> SimulationOut:
    """组合模拟: each party's expected and tail loss, P(fund dry), the fund needed, optionally the sensitivity."""
    return SimulationOut(**forecast.simulation(session, principal, body.model_dump(), today))


@router.post("/risk-pools", status_code=201)
def create_pool(body: PoolIn, principal: PrincipalDep, session: SessionDep) -> NewPoolOut:
    """设立资金池: the fund administrator sets up the pool of a stored scheme."""
    row = service.create_pool(session, principal, body.scheme_code)
    return NewPoolOut(id=row.id, scheme_code=row.scheme_code, fund_id=row.fund_id, balance=Decimal(0))


@router.get("/risk-pools/{code}")
def get_pool(code: str, principal: PrincipalDep, session: SessionDep) -> PoolOut:
    """The pool's cash (``balance``) and what its fund still owes banks on claims (``owed``, 应付代偿): for the
    scheme's parties (its fund, banks with loans enrolled, cover providers and payers, liability insurers and insured,
    co-funders), the platform and the regulator; ``risk.pool.missing`` for everyone else (the pool's scope rule)."""
    return _pool(session, code, principal)


@router.post("/risk-pools/{code}/contributions", status_code=201, response_model=PoolOut)
def contribute(
    code: str, body: ContributionIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """注资: money paid into the pool; what the fund owes banks is paid out of it first."""
    day = body.value_date or today

    def act() -> dict[str, Any]:
        service.contribute(session, principal, code, str(body.amount), day, once.key or "")
        return _pool(session, code).model_dump(mode="json")

    return once({"code": code, "amount": str(body.amount), "day": day}, act, 201)


@router.post("/risk-schemes/{code}/whitelist", status_code=201)
def whitelist(code: str, body: WhitelistIn, principal: PrincipalDep, session: SessionDep) -> WhitelistOut:
    """白名单: record that the scheme's whitelist names an enterprise (platform or fund; audited)."""
    row = service.record_whitelisting(
        session, principal, code, body.enterprise_id, body.listed_from, body.source, body.listed_to
    )
    return WhitelistOut(
        id=row.id,
        scheme_code=row.scheme_code,
        enterprise_id=row.enterprise_id,
        listed_from=row.listed_from,
        listed_to=row.listed_to,
        source=row.source,
    )


@router.post("/risk-enrolments", status_code=201)
def enrol(body: EnrolIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> EnrolmentOut:
    """纳入: the lending bank enrols its loan; a refusal lists every reason and the facts checked."""
    return EnrolmentOut.of(service.enrol(session, principal, body.loan_id, body.scheme_code, today))


@router.post("/risk-covers", status_code=201)
def add_cover(body: CoverIn, principal: PrincipalDep, session: SessionDep) -> CoverOut:
    """保险/担保: the insurer or guarantor records a cover it has written."""
    return CoverOut.model_validate(service.add_cover(session, principal, **body.model_dump()))


@router.post("/risk-covers/{cover_id}/premium", response_model=CoverOut)
def pay_premium(
    cover_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """收取保费: the provider records the premium or fee received from the payer."""

    def act() -> dict[str, Any]:
        cover = service.pay_premium(session, principal, cover_id, today, once.key or "")
        return CoverOut.model_validate(cover).model_dump(mode="json")

    return once({"id": cover_id}, act)


@router.post("/risk-claims", status_code=201)
def file_claim(body: ClaimIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> ClaimOut:
    """申请补偿: the lending bank claims on an enrolled loan whose trigger has been met."""
    row = service.file_claim(session, principal, body.loan_id, body.statement, body.documents, today)
    return _claim(session, row)


@router.get("/risk-claims")
def list_claims(principal: PrincipalDep, session: SessionDep, today: TodayDep, overdue: bool = False) -> list[ClaimOut]:
    """The caller's claims (fund: its scheme's; bank: its own; platform and regulator: all); ``overdue`` filters
    to those past the review time limit."""
    rows = session.scalars(scope.scoped(Claim, principal).order_by(Claim.id))
    out = [_claim(session, r, today) for r in rows]
    return [c for c in out if c.overdue] if overdue else out


@router.get("/risk-claims/{claim_id}")
def get_claim(claim_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> ClaimOut:
    """One claim, with each party's share."""
    return _claim(session, scope.get_visible(session, Claim, claim_id, principal), today)


@router.post("/risk-claims/{claim_id}/review")
def review_claim(
    claim_id: IdPath, body: NoteIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> ClaimOut:
    """The fund's reviewer (maker) proposes payment."""
    return _claim(session, service.review_claim(session, principal, claim_id, body.note, today))


@router.post("/risk-claims/{claim_id}/decision", response_model=ClaimOut)
def decide_claim(
    claim_id: IdPath, body: DecisionIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """A different approver of the fund approves (and the shares are paid) or rejects."""

    def act() -> dict[str, Any]:
        row = service.decide_claim(session, principal, claim_id, body.approve, body.reason, today)
        return _claim(session, row).model_dump(mode="json")

    return once({"id": claim_id, "approve": body.approve, "reason": body.reason}, act)


@router.post("/risk-claims/{claim_id}/settlement", response_model=ClaimOut)
def settle_claim(
    claim_id: IdPath,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    once: OnceDep,
    body: SettlementIn | None = Body(default=None),
) -> JSONResponse:
    """预付清算: a different approver of the fund settles an advanced claim on the final loss after write-off, or
    rejects the proposed settlement (``{"approve": false, "reason": ...}``: no money moves, the claim is ``advanced``
    again). An empty body settles."""
    decision = body or SettlementIn()

    def act() -> dict[str, Any]:
        row = service.settle_claim(session, principal, claim_id, today, decision.approve, decision.reason)
        return _claim(session, row).model_dump(mode="json")

    return once({"id": claim_id, "approve": decision.approve, "reason": decision.reason}, act)


@router.post("/risk-claims/{claim_id}/recoveries", status_code=201, response_model=ClaimOut)
def recover(
    claim_id: IdPath, body: RecoveryIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """A recovery after payout, shared back to the payers in the proportions they bore."""
    day = body.value_date or today

    def act() -> dict[str, Any]:
        row = service.recover(session, principal, claim_id, str(body.amount), day, once.key or "", today)
        return _claim(session, row).model_dump(mode="json")

    return once({"id": claim_id, "amount": str(body.amount), "day": day}, act, 201)


@router.post("/risk-claims/{claim_id}/clawback", response_model=ClaimOut)
def share_back(
    claim_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """Share back every recovery recorded on the loan since payout (e.g. through ``POST /loans/{id}/recoveries``)."""

    def act() -> dict[str, Any]:
        return _claim(session, service.share_back(session, principal, claim_id, today)).model_dump(mode="json")

    return once({"id": claim_id}, act)


@router.post("/risk-subsidy-rules", status_code=201)
def add_subsidy_rule(body: SubsidyRuleIn, principal: PrincipalDep, session: SessionDep) -> SubsidyRuleOut:
    """补贴政策: a subsidy rule version paid by the scheme's fund."""
    return SubsidyRuleOut.model_validate(service.add_subsidy_rule(session, principal, body.scheme_code, body.rule))


@router.post("/risk-subsidies", status_code=201)
def apply_subsidy(body: SubsidyApplyIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> SubsidyOut:
    """补贴申请: the borrower applies; a refusal lists every reason."""
    row = service.apply_subsidy(session, principal, body.rule_id, body.loan_id, body.year, today, body.declared_fee)
    return SubsidyOut.of(row)


@router.post("/risk-subsidies/{app_id}/review")
def review_subsidy(app_id: IdPath, principal: PrincipalDep, session: SessionDep) -> SubsidyOut:
    """The fund's reviewer (maker) proposes to approve."""
    return SubsidyOut.of(service.review_subsidy(session, principal, app_id))


@router.post("/risk-subsidies/{app_id}/decision")
def decide_subsidy(app_id: IdPath, body: DecisionIn, principal: PrincipalDep, session: SessionDep) -> SubsidyOut:
    """A different approver of the fund approves or rejects."""
    return SubsidyOut.of(service.decide_subsidy(session, principal, app_id, body.approve, body.reason))


@router.post("/risk-subsidies/{app_id}/payment", response_model=SubsidyOut)
def pay_subsidy(
    app_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """补贴发放: the fund pays an approved subsidy from its pool (409 when the pool holds less)."""

    def act() -> dict[str, Any]:
        return SubsidyOut.of(service.pay_subsidy(session, principal, app_id, today)).model_dump(mode="json")

    return once({"id": app_id}, act)


# -- the Zhongguancun liability chain (职业责任保险): the institution is policyholder and insured -------------------


@router.post("/liability-policies", status_code=201)
def write_liability_policy(body: PolicyIn, principal: PrincipalDep, session: SessionDep) -> PolicyOut:
    """职业责任保险单: the insurer records the institution's policy; terms left out come from the scheme's preset."""
    given = body.model_dump(exclude={"scheme_code", "insured_id", "insured_amount", "start_on", "end_on"})
    terms = liability.resolve_terms(body.scheme_code, body.start_on, **given)
    row = service.write_liability_policy(
        session,
        principal,
        scheme_code=body.scheme_code,
        insured_id=body.insured_id,
        terms=terms,
        insured_amount=str(body.insured_amount),
        start_on=body.start_on,
        end_on=body.end_on,
    )
    return PolicyOut.of(row)


@router.get("/liability-policies/{policy_id}")
def get_liability_policy(policy_id: IdPath, principal: PrincipalDep, session: SessionDep) -> PolicyOut:
    """A policy, seen by its insurer, its insured, the scheme's fund, the platform and the regulator."""
    return PolicyOut.of(liability.visible_policy(session, principal, policy_id))


@router.post("/liability-policies/{policy_id}/premium", response_model=PolicyOut)
def pay_liability_premium(
    policy_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """保费: the institution pays its premium; the scheme's pool pays the subsidised part back to it."""

    def act() -> dict[str, Any]:
        row = service.pay_liability_premium(session, principal, policy_id, today, once.key or "")
        return PolicyOut.of(row).model_dump(mode="json")

    return once({"id": policy_id}, act)


@router.post("/liability-claims", status_code=201)
def file_liability_claim(
    body: LiabilityClaimIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> LiabilityClaimOut:
    """索赔: the institution claims on its policy for what it paid the bank on a compensation claim."""
    row = service.file_liability_claim(session, principal, body.risk_claim_id, body.cause, body.statement, today)
    return LiabilityClaimOut.model_validate(row)


@router.get("/liability-claims/{claim_id}")
def get_liability_claim(claim_id: IdPath, principal: PrincipalDep, session: SessionDep) -> LiabilityClaimOut:
    return LiabilityClaimOut.model_validate(liability.visible_claim(session, principal, claim_id))


@router.post("/liability-claims/{claim_id}/settlement", response_model=LiabilityClaimOut)
def settle_liability_claim(
    claim_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """理算: the insurer indemnifies the institution within the deductible and limits (never the bank)."""

    def act() -> dict[str, Any]:
        row = service.settle_liability_claim(session, principal, claim_id, today, once.key or "")
        return LiabilityClaimOut.model_validate(row).model_dump(mode="json")

    return once({"id": claim_id}, act)


@router.post("/risk-pools/{code}/co-contributions", status_code=201, response_model=CoFundingOut)
def co_contribute(
    code: str, body: CoContributionIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """共建出资: the district IP office's money (paid in by the pool's fund) or the institution's own."""
    day = body.value_date or today

    def act() -> dict[str, Any]:
        pool = service.co_contribute(session, principal, code, str(body.amount), day, once.key or "")
        out = CoFundingOut(
            scheme_code=code, balance=liability.pool_cash(session, pool), co_funding=liability.co_funding(session, code)
        )
        return out.model_dump(mode="json")

    return once({"code": code, "amount": str(body.amount), "day": day}, act, 201)


@router.post("/loans/{loan_id}/disposal-agent", status_code=201)
def appoint_disposal_agent(
    loan_id: IdPath, body: DisposalAgentIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> DisposalAgentOut:
    """处置代理: the lending bank appoints an IP operations institution to dispose of the loan's IP."""
    row = service.appoint_disposal_agent(session, principal, loan_id, body.agent_id, body.mandate, today)
    return DisposalAgentOut.model_validate(row)
