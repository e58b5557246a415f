"""Credit decision use cases (授信决定): propose with every rule checked, maker-checker approval, approved terms.

The credit officer proposes; the decision records the product version, the LPR fixing, the lending basis (贷款依据:
each IP's appraisal of record and the model's P10-P50-P90 and forced-sale value beside it, decision record 0008),
the computed maximum, every rule check and the non-blocking warnings. A proposal without failures goes to
``access.service.propose`` (subject ``credit_decision``); a different user with the approver role of the same bank
decides it. On approval the bank's review is done, a ``pledge_registration`` task opens when the product needs a
pledge, and the outbox carries ``credit.approved`` with the terms. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access_queries
from ippledge.access import service as access
from ippledge.access.model import CREDIT_DECISION, PartyKind, Principal, Role
from ippledge.credit import errors, lpr, products, store
from ippledge.credit.model import (
    ApprovedTerms,
    Collateral,
    ModelView,
    Outcome,
    Proposal,
    RepaymentMethod,
    RuleCheck,
    Underwriting,
    annual_rate,
    evaluate,
    penalty_rate,
)
from ippledge.credit.tables import CreditDecision
from ippledge.intake import queries as intake_queries
from ippledge.intake import service as intake
from ippledge.intake.model import TaskKind
from ippledge.kernel.calendar import add_months
from ippledge.kernel.errors import not_found
from ippledge.kernel.money import CNY, positive_money, to_fen
from ippledge.outbox import events
from ippledge.pledge import queries as pledge_queries
from ippledge.registry import queries as registry
from ippledge.valuation import queries as valuation
from ippledge.valuation.governance.model import Thresholds

BP = Decimal(10_000)
MODEL_MAX_AGE_DAYS = 366  # a model valuation older than a year is stale: no challenger, no forced-sale value
BAND_MARGIN = Decimal(str(Thresholds().range_margin))  # the governance rule's band, so both flag the same reports


def collateral_of(
    session: Session, application_id: int, bank_id: int, ip_asset_id: int, subtype: str, as_of: dt.date
) -> Collateral:
    """One IP as a decision sees it: the appraisal of record (the latest report valid on ``as_of`` that the bank
    commissioned for the application, external or its own internal valuation) and the model's fresh view of it."""
    item = valuation.latest_valid(session, application_id, ip_asset_id, as_of, bank_id=bank_id)
    mv = valuation.model_values(session, ip_asset_id, as_of, max_age_days=MODEL_MAX_AGE_DAYS)
    model = None if mv is None else ModelView(mv.p10, mv.p50, mv.p90, mv.forced_sale)
    if item is None:
        return Collateral(ip_asset_id, subtype, None, model=model)
    return Collateral(ip_asset_id, subtype, item.value, item.report_id, item.internal, model)


def _underwriting_done(session: Session, app_id: int, bank_id: int, needed: Underwriting) -> bool:
    if needed is Underwriting.NONE:
        return True
    done_by = intake_queries.done_task_assignees(session, app_id, bank_id, TaskKind.UNDERWRITING)
    kinds = {p.kind for p in access_queries.parties(session, done_by).values()}
    if needed is Underwriting.ANY:
        return bool(kinds)
    return (PartyKind.INSURER if needed is Underwriting.INSURER else PartyKind.GUARANTOR) in kinds


def check_registrable(
    session: Session,
    borrower_id: int,
    asset_ids: list[int],
    as_of: dt.date,
    debt_end: dt.date,
    registry_id: int | None = None,
) -> None:
    """Refuse a decision secured by IP the registry would refuse to register (a lapsed annuity, a pledge in force, a
    dead, sealed or unrenewed right ...): the pledge is the security, and without registration it does not exist
    (Civil Code art. 444). Grounds the parties clear in the filing itself do not stop the decision."""
    found = pledge_queries.blocking_refusals(
        pledge_queries.would_refuse(session, borrower_id, asset_ids, as_of, registry_id=registry_id, debt_end=debt_end)
    )
    if found:
        raise errors.COLLATERAL_NOT_REGISTRABLE(
            reasons="; ".join(r.message_en for r in found),
            reasons_zh="；".join(r.message_zh for r in found),
            refusals=[r.to_dict() for r in found],
        )


def propose_decision(
    session: Session,
    principal: Principal,
    application_id: int,
    product_version_id: int,
    amount: Decimal | str | int,
    term_months: int,
    repayment_method: str,
    spread_bp: int,
    as_of: dt.date,
    currency: str = CNY,
) -> tuple[CreditDecision, list[RuleCheck]]:
    """Compute and record a decision; return it with *all* rule failures (empty when it can go to an approver)."""
    principal.require_kind(PartyKind.BANK)
    principal.require(Role.CREDIT_OFFICER)
    if principal.user_id is None:
        raise errors.ANONYMOUS()
    value = positive_money(amount, currency)
    method = products.choice(RepaymentMethod, repayment_method, errors.METHOD_UNKNOWN)
    if term_months < 1:
        raise errors.TERM(term_months=term_months)
    app = intake_queries.visible_application(session, principal, application_id)
    review = intake.active_review(session, app.id, principal.party_id)
    if store.pending_decision(session, app.id, principal.party_id) is not None:
        raise errors.DECISION_PENDING()
    product, version = products.visible_version(session, principal, product_version_id)
    rules = store.rules_of(version, product.kind)
    fixing = lpr.lpr_on(session, as_of, "1y")
    assets = intake_queries.asset_ids(session, app.id)
    subtypes = {i: a.subtype.value for i, a in registry.asset_summaries(session, assets).items()}
    collateral = [collateral_of(session, app.id, principal.party_id, aid, subtypes[aid], as_of) for aid in assets]
    outcome: Outcome = evaluate(
        rules,
        Proposal(
            amount=value,
            term_months=term_months,
            method=method,
            spread_bp=spread_bp,
            lpr_bp=fixing.rate_bp,
            collateral=collateral,
            underwriting_done=_underwriting_done(session, app.id, principal.party_id, rules.underwriting),
            product_in_effect=store.is_in_effect(version, as_of),
            requested_amount=app.amount,
            band_margin=BAND_MARGIN,
        ),
    )
    failures, basis = outcome.failures, outcome.basis
    if outcome.ip_required:
        check_registrable(session, app.applicant_id, assets, as_of, add_months(as_of, term_months))
    decision = CreditDecision(
        application_id=app.id,
        bank_id=principal.party_id,
        borrower_id=app.applicant_id,
        product_version_id=version.id,
        status="failed" if failures else "pending",
        amount=value,
        currency=currency,
        term_months=term_months,
        repayment_method=method.value,
        spread_bp=spread_bp,
        lpr_date=fixing.effective_date,
        lpr_bp=fixing.rate_bp,
        rate_bp=outcome.rate_bp,
        rate_cap_bp=outcome.cap_bp,
        penalty_uplift_bp=rules.penalty_uplift_bp,
        max_supported=outcome.max_supported,
        ip_required=outcome.ip_required,
        pledged_assets=json.dumps(assets if outcome.ip_required else []),
        valuations=json.dumps([b.to_dict() for b in basis.items]),
        checks=json.dumps([c.to_dict() for c in outcome.checks], ensure_ascii=False, default=str),
        warnings=json.dumps([w.to_dict() for w in outcome.warnings], ensure_ascii=False, default=str),
        basis_kind=None if basis.kind is None else basis.kind.value,
        appraisal=basis.appraisal,
        model_p10=basis.model_total("p10"),
        model_p50=basis.model_total("p50"),
        model_p90=basis.model_total("p90"),
        forced_sale=basis.forced_sale,
        ltv_cap_bp=basis.ltv_bp,
        as_of=as_of,
        proposed_by=principal.user_id,
    )
    session.add(decision)
    session.flush()
    intake.start_review(session, principal, review.id, as_of)
    audit.record(
        session,
        principal,
        "credit.decision_proposed",
        CREDIT_DECISION,
        decision.id,
        {
            "application_id": app.id,
            "amount_fen": to_fen(decision.amount),
            "rate_bp": decision.rate_bp,
            "failures": [f.code for f in failures],
            "basis": decision.basis_kind,
            "appraisal_fen": None if decision.appraisal is None else to_fen(decision.appraisal),
            "max_supported_fen": to_fen(decision.max_supported),
            "warnings": [w.code for w in outcome.warnings],
        },
    )
    if not failures:
        approval = access.propose(
            session,
            principal,
            CREDIT_DECISION,
            decision.id,
            "approve",
            {"application_id": app.id, "amount": str(value), "rate_bp": outcome.rate_bp, "term_months": term_months},
        )
        decision.approval_id = approval.id
        session.flush()
    return decision, failures


def get_decision(session: Session, principal: Principal, decision_id: int) -> CreditDecision:
    return scope.get_visible(session, CreditDecision, decision_id, principal)


def decide(
    session: Session, principal: Principal, decision_id: int, approve: bool, reason: str | None, today: dt.date
) -> CreditDecision:
    """The checker (a different approver of the same bank) approves or rejects; another bank's decision is 404."""
    principal.require_kind(PartyKind.BANK)
    decision = get_decision(session, principal, decision_id)
    if decision.status != "pending" or decision.approval_id is None:
        raise errors.DECISION_NOT_PENDING(status=decision.status)
    access.decide(session, principal, decision.approval_id, approve, reason)
    decision.status = "approved" if approve else "rejected"
    decision.decided_by, decision.decided_on, decision.reason = principal.user_id, today, reason
    session.flush()
    audit.record(
        session, principal, f"credit.decision_{decision.status}", CREDIT_DECISION, decision.id, {"reason": reason}
    )
    if approve:
        _on_approval(session, principal, decision, today)
    return decision


def _on_approval(session: Session, principal: Principal, decision: CreditDecision, today: dt.date) -> None:
    review = intake.active_review(session, decision.application_id, decision.bank_id)
    intake.complete_task(session, principal, review.id, today, result_ref=f"credit_decision:{decision.id}")
    if decision.ip_required:
        bank = decision.bank_id
        intake.open_task(session, principal, decision.application_id, TaskKind.PLEDGE_REGISTRATION, bank, bank, today)
    terms = approved_terms(session, decision.id)
    payload = {k: (str(v) if isinstance(v, Decimal | dt.date) else v) for k, v in asdict(terms).items()}
    payload["pledged_asset_ids"] = list(terms.pledged_asset_ids)
    events.publish(session, "credit.approved", payload, decision.bank_id, also=(decision.borrower_id,))


def approved_terms(session: Session, decision_id: int) -> ApprovedTerms:
    """The terms of an approved decision, for the lending service to build the contract (no caller scoping)."""
    d = session.get(CreditDecision, decision_id)
    if d is None:
        raise not_found("授信决定", "credit decision", id=decision_id)
    if d.status != "approved" or d.decided_on is None:
        raise errors.NOT_APPROVED()
    return ApprovedTerms(
        decision_id=d.id,
        application_id=d.application_id,
        bank_id=d.bank_id,
        borrower_id=d.borrower_id,
        amount=d.amount,
        currency=d.currency,
        term_months=d.term_months,
        annual_rate=annual_rate(d.rate_bp),
        rate_bp=d.rate_bp,
        penalty_uplift=(Decimal(d.penalty_uplift_bp) / BP).quantize(Decimal("0.0001")),
        penalty_annual_rate=penalty_rate(d.rate_bp, d.penalty_uplift_bp),
        repayment_method=RepaymentMethod(d.repayment_method),
        pledged_asset_ids=tuple(json.loads(d.pledged_assets)),
        product_version_id=d.product_version_id,
        lpr_date=d.lpr_date,
        lpr_bp=d.lpr_bp,
        approved_on=d.decided_on,
    )
