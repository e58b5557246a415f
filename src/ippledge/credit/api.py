"""Credit routes (授信接口): products and versions, LPR fixings, decisions with maker-checker, approved terms."""

from __future__ import annotations

import json
from dataclasses import asdict

from fastapi import APIRouter, status

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.credit import attestation, lpr, products, queries, registration, service, store
from ippledge.credit.model import DEFAULT_LTV_BP, RepaymentMethod, coverage_ratio
from ippledge.credit.schemas import (
    AttestationIn,
    AttestationOut,
    DecideIn,
    DecisionIn,
    DecisionOut,
    LprIn,
    LprOut,
    PledgeFilingIn,
    PledgeFilingRef,
    ProductIn,
    ProductOut,
    TermsOut,
    VersionIn,
    VersionOut,
)
from ippledge.credit.tables import CreditDecision, CreditProduct, CreditProductVersion
from ippledge.kernel.errors import not_found
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["credit"])


def _product_out(p: CreditProduct) -> ProductOut:
    return ProductOut(id=p.id, bank_id=p.bank_id, code=p.code, name=p.name, kind=p.kind)


def _version_out(v: CreditProductVersion) -> VersionOut:
    return VersionOut(
        id=v.id,
        product_id=v.product_id,
        version_no=v.version_no,
        status=v.status,
        effective_from=v.effective_from,
        effective_to=v.effective_to,
        ltv_bp=json.loads(v.ltv_caps),
        min_amount=v.min_amount,
        max_amount=v.max_amount,
        max_term_months=v.max_term_months,
        rate_cap_lpr_multiple=v.rate_cap_lpr_multiple,
        rate_cap_lpr_plus_bp=v.rate_cap_lpr_plus_bp,
        penalty_uplift_bp=v.penalty_uplift_bp,
        underwriting=v.underwriting,
        repayment_methods=v.repayment_methods.split(),
        ip_required_above=v.ip_required_above,
        model_basis_without_report=v.model_basis_without_report,
        model_cap_p90_multiple=v.model_cap_p90_multiple,
        min_forced_sale_coverage=v.min_forced_sale_coverage,
    )


def decision_out(d: CreditDecision) -> DecisionOut:
    """A decision with everything it was computed from, its lending basis and its warnings."""
    checks = json.loads(d.checks)
    return DecisionOut(
        id=d.id,
        application_id=d.application_id,
        bank_id=d.bank_id,
        borrower_id=d.borrower_id,
        product_version_id=d.product_version_id,
        status=d.status,
        amount=d.amount,
        currency=d.currency,
        term_months=d.term_months,
        repayment_method=d.repayment_method,
        spread_bp=d.spread_bp,
        lpr_date=d.lpr_date,
        lpr_bp=d.lpr_bp,
        rate_bp=d.rate_bp,
        rate_cap_bp=d.rate_cap_bp,
        penalty_uplift_bp=d.penalty_uplift_bp,
        max_supported=d.max_supported,
        ip_required=d.ip_required,
        pledged_asset_ids=json.loads(d.pledged_assets),
        valuations=json.loads(d.valuations),
        checks=checks,
        failures=[c["code"] for c in checks if not c["ok"]],
        warnings=json.loads(d.warnings or "[]"),
        basis_kind=d.basis_kind,
        appraisal=d.appraisal,
        model_p10=d.model_p10,
        model_p50=d.model_p50,
        model_p90=d.model_p90,
        forced_sale=d.forced_sale,
        ltv_cap_bp=d.ltv_cap_bp,
        forced_sale_coverage=None if (cov := coverage_ratio(d.forced_sale, d.amount)) is None else str(cov),
        approval_id=d.approval_id,
        as_of=d.as_of,
    )


@router.post("/credit-products", response_model=ProductOut, status_code=status.HTTP_201_CREATED)
def create_product(body: ProductIn, principal: PrincipalDep, session: SessionDep) -> ProductOut:
    return _product_out(products.create_product(session, principal, body.code, body.name, body.kind))


@router.get("/credit-products", response_model=list[ProductOut])
def list_products(principal: PrincipalDep, session: SessionDep) -> list[ProductOut]:
    return [_product_out(p) for p in session.scalars(scope.scoped(CreditProduct, principal).order_by(CreditProduct.id))]


@router.post("/credit-products/{product_id}/versions", response_model=VersionOut, status_code=201)
def add_version(product_id: IdPath, body: VersionIn, principal: PrincipalDep, session: SessionDep) -> VersionOut:
    """A new version of the terms from ``effective_from``; the open version before it ends the day before."""
    terms = products.VersionTerms(
        effective_from=body.effective_from,
        effective_to=body.effective_to,
        min_amount=body.min_amount,
        max_amount=body.max_amount,
        max_term_months=body.max_term_months,
        ltv_bp=body.ltv_bp if body.ltv_bp is not None else dict(DEFAULT_LTV_BP),
        rate_cap_lpr_multiple=body.rate_cap_lpr_multiple,
        rate_cap_lpr_plus_bp=body.rate_cap_lpr_plus_bp,
        penalty_uplift_bp=body.penalty_uplift_bp,
        underwriting=body.underwriting,
        repayment_methods=body.repayment_methods or [m.value for m in RepaymentMethod],
        ip_required_above=body.ip_required_above,
        model_basis_without_report=body.model_basis_without_report,
        model_cap_p90_multiple=body.model_cap_p90_multiple,
        min_forced_sale_coverage=body.min_forced_sale_coverage,
    )
    return _version_out(products.add_version(session, principal, product_id, terms))


@router.get("/credit-products/{product_id}/versions", response_model=list[VersionOut])
def versions(product_id: IdPath, principal: PrincipalDep, session: SessionDep) -> list[VersionOut]:
    product = scope.get_visible(session, CreditProduct, product_id, principal)
    return [_version_out(v) for v in store.versions_of(session, product.id)]


@router.get("/lpr", response_model=list[LprOut])
def list_lpr(principal: PrincipalDep, session: SessionDep, tenor: str | None = None) -> list[LprOut]:
    """LPR fixings (贷款市场报价利率); ``verified`` is false for seeded values not yet checked against the source."""
    return [
        LprOut(effective_date=r.effective_date, tenor=r.tenor, rate_bp=r.rate_bp, verified=r.verified)
        for r in lpr.fixings(session, tenor)
    ]


@router.post("/lpr", response_model=LprOut, status_code=201)
def add_lpr(body: LprIn, principal: PrincipalDep, session: SessionDep) -> LprOut:
    r = lpr.add_fixing(session, principal, body.effective_date, body.tenor, body.rate_bp, body.source)
    return LprOut(effective_date=r.effective_date, tenor=r.tenor, rate_bp=r.rate_bp, verified=r.verified)


@router.post("/credit-decisions", response_model=DecisionOut, status_code=201)
def propose(body: DecisionIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> DecisionOut:
    """The credit officer proposes; every rule failure is listed in ``failures`` (then it cannot be approved)."""
    decision, _ = service.propose_decision(
        session,
        principal,
        body.application_id,
        body.product_version_id,
        body.amount,
        body.term_months,
        body.repayment_method,
        body.spread_bp,
        today,
        currency=body.currency,
    )
    return decision_out(decision)


@router.get("/credit-decisions/{decision_id}", response_model=DecisionOut)
def get_decision(decision_id: IdPath, principal: PrincipalDep, session: SessionDep) -> DecisionOut:
    return decision_out(service.get_decision(session, principal, decision_id))


@router.post("/credit-decisions/{decision_id}/approve", response_model=DecisionOut)
def approve(
    decision_id: IdPath, body: DecideIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> DecisionOut:
    return decision_out(service.decide(session, principal, decision_id, True, body.reason, today))


@router.post("/credit-decisions/{decision_id}/reject", response_model=DecisionOut)
def reject(
    decision_id: IdPath, body: DecideIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> DecisionOut:
    return decision_out(service.decide(session, principal, decision_id, False, body.reason, today))


@router.get("/credit-decisions/{decision_id}/terms", response_model=TermsOut)
def terms(decision_id: IdPath, principal: PrincipalDep, session: SessionDep) -> TermsOut:
    d = service.get_decision(session, principal, decision_id)
    t = service.approved_terms(session, d.id)
    data = asdict(t)
    return TermsOut(
        **{
            **data,
            "annual_rate": str(t.annual_rate),
            "penalty_uplift": str(t.penalty_uplift),
            "penalty_annual_rate": str(t.penalty_annual_rate),
            "repayment_method": t.repayment_method.value,
            "pledged_asset_ids": list(t.pledged_asset_ids),
        }
    )


@router.post("/tasks/{task_id}/pledge-filing", response_model=PledgeFilingRef, status_code=201)
def draft_pledge_filing(
    task_id: IdPath, body: PledgeFilingIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> PledgeFilingRef:
    """The bank's officer drafts the joint pledge filing with the approved terms (质押登记任务)."""
    f = registration.draft_pledge_filing(session, principal, task_id, body.registry_id, today, body.security_scope)
    return PledgeFilingRef(filing_id=f.filing_id, filing_no=f.filing_no, status=f.status, ip_asset_ids=f.ip_asset_ids)


def _attestation_out(a: queries.BankAttestation) -> AttestationOut:
    return AttestationOut(
        id=a.id,
        application_id=a.application_id,
        bank_id=a.bank_id,
        borrower_bank_debt=a.borrower_bank_debt,
        clean_credit=a.clean_credit,
        credit_report_ref=a.credit_report_ref,
        other_security=[s.to_dict() for s in a.other_security],
        attested_on=a.attested_on,
        attested_by=a.attested_by,
    )


@router.post("/applications/{application_id}/bank-attestations", response_model=AttestationOut, status_code=201)
def attest(
    application_id: IdPath, body: AttestationIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> AttestationOut:
    """银行报送信息: the credit officer attests the borrower's bank debt, credit record and the loan's other security
    (signed by the officer, audited; the newest attestation counts)."""
    row = attestation.attest(
        session,
        principal,
        application_id,
        today,
        borrower_bank_debt=None if body.borrower_bank_debt is None else str(body.borrower_bank_debt),
        clean_credit=body.clean_credit,
        credit_report_ref=body.credit_report_ref,
        other_security=[s.model_dump() for s in body.other_security],
    )
    return _attestation_out(queries.attestation_of(row))


@router.get("/applications/{application_id}/bank-attestation", response_model=AttestationOut)
def current_attestation(application_id: IdPath, principal: PrincipalDep, session: SessionDep) -> AttestationOut:
    """The caller's bank's newest attestation on the application (404 when there is none)."""
    principal.require_kind(PartyKind.BANK)
    found = queries.bank_attestation(session, application_id, principal.party_id)
    if found is None:
        raise not_found("银行报送信息", "bank attestation", application_id=application_id)
    return _attestation_out(found)
