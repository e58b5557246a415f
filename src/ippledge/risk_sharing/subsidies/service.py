"""Subsidies as data (补贴): interest (贴息), valuation-fee, premium and guarantee-fee subsidies.

A rule version's body is checked by ``model.rule_problems``. The basis is what was *actually paid* in the year:
interest from the loan's repayment records, premiums and guarantee fees from the covers' receipts; a valuation fee is
declared by the enterprise (the platform records no valuation invoices). The enterprise applies; the fund's reviewer
proposes and a different approver decides; the fund pays from its pool (never below zero) into the enterprise's
settlement account.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import service as access
from ippledge.access.model import RISK_SUBSIDY, PartyKind, Principal, Role
from ippledge.credit import queries as credit
from ippledge.kernel.errors import not_found
from ippledge.kernel.money import money, positive_money
from ippledge.ledger import service as ledger
from ippledge.lending import queries as lending
from ippledge.lending.queries import LoanSummary
from ippledge.outbox import events
from ippledge.pledge import queries as pledge
from ippledge.registry import queries as registry
from ippledge.risk_sharing.covers import store as covers
from ippledge.risk_sharing.errors import (
    POOL_INSUFFICIENT,
    SUBSIDY_EXISTS,
    SUBSIDY_INVALID_RULE,
    SUBSIDY_REFUSED,
    SUBSIDY_STATE,
)
from ippledge.risk_sharing.model import BP_TOTAL, Problem
from ippledge.risk_sharing.pools import postings
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.subsidies import model
from ippledge.risk_sharing.subsidies.model import problem, rule_problems
from ippledge.risk_sharing.subsidies.tables import SubsidyApplication, SubsidyRule


def add_rule(session: Session, principal: Principal, scheme_code: str, body: dict[str, Any]) -> SubsidyRule:
    """Store a rule version (platform operator or fund); every bad field listed, nothing written."""
    principal.require_kind(PartyKind.PLATFORM, PartyKind.FUND)
    problems = rule_problems(body)
    if problems:
        raise SUBSIDY_INVALID_RULE(problems=[p.to_dict() for p in problems])
    pools.pool(session, scheme_code)
    positive_money(body["per_firm_annual_cap"])
    row = SubsidyRule(
        code=body["code"],
        version=body["version"],
        kind=body["kind"],
        scheme_code=scheme_code,
        effective_from=dt.date.fromisoformat(body["effective_from"]),
        body=json.dumps(body),
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "risk.subsidy_rule", "risk_subsidy_rule", row.id, {"code": row.code})
    return row


def _basis(session: Session, kind: str, loan_id: int, year: int, declared: Decimal | None) -> Decimal:
    if kind == "interest":
        return lending.interest_paid(session, loan_id, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if kind in ("premium", "guarantee_fee"):
        kinds = ("guarantee",) if kind == "guarantee_fee" else ("loan_insurance",)
        return covers.premiums_paid(session, loan_id, kinds, year)
    return declared if declared is not None else money(0)


def loan_terms(session: Session, body: dict[str, Any], loan: LoanSummary, today: dt.date) -> model.LoanTerms:
    """The facts the rule reads about ``loan``; only those the rule needs are looked up."""
    lpr: Decimal | None = None
    if body.get("rate_cap") is not None and loan.decision_id is not None:
        decision = credit.decision_facts(session, loan.decision_id)
        lpr = None if decision is None else Decimal(decision.lpr_bp) / BP_TOTAL
    revenue: Decimal | None = None
    if body.get("max_firm_revenue") is not None:
        firm = registry.enterprise_facts(session, loan.borrower_id)
        revenue = None if firm is None else firm.annual_revenue
    pledge_ids = lending.pledges_of_loan(session, loan.id)
    share: int | None = None
    if body.get("ip_share_only", False) and loan.application_id is not None:
        attested = credit.bank_attestation(session, loan.application_id, loan.bank_id, today)
        share = None if attested is None else attested.ip_share_bp(loan.principal, bool(pledge_ids))
    registered: tuple[dt.date, ...] = ()
    if body.get("pledge_before_settlement", False):
        registered = tuple(d for p in pledge_ids if (d := pledge.registered_on(session, p)) is not None)
    return model.LoanTerms(loan.annual_rate, lpr, revenue, share, loan.disbursed_on, registered)


@dataclass(frozen=True)
class Quote:
    """What an application would be (补贴测算): the basis paid in the year, the subsidy before and after the per-firm
    annual cap, the workings, and every reason it would be refused (empty when it qualifies)."""

    rule_id: int
    rule_code: str
    kind: str
    scheme_code: str
    loan_id: int
    year: int
    basis: Decimal
    computed: Decimal
    amount: Decimal
    used: Decimal
    workings: dict[str, Any]
    reasons: list[Problem]


def quote(
    session: Session,
    principal: Principal,
    rule_id: int,
    loan_id: int,
    year: int,
    today: dt.date,
    declared_fee: Decimal | str | None = None,
) -> Quote:
    """The borrower's application worked out as ``apply`` would, writing nothing: the form shows it before the
    firm submits. A rule or loan that is not there (or not the caller's) is a 404; one already applied for, 409."""
    principal.require_kind(PartyKind.ENTERPRISE)
    rule = session.get(SubsidyRule, rule_id)
    if rule is None:
        raise not_found("补贴规则", "subsidy rule", id=rule_id)
    body = json.loads(rule.body)
    loan = lending.visible_loan(session, principal, loan_id)
    if loan.borrower_id != principal.party_id:
        raise not_found("贷款", "loan", id=loan_id)
    dup = select(SubsidyApplication.id).where(
        SubsidyApplication.rule_id == rule.id, SubsidyApplication.loan_id == loan.id, SubsidyApplication.year == year
    )
    if session.scalars(dup).first() is not None:
        raise SUBSIDY_EXISTS(rule_id=rule.id, loan_id=loan.id, year=year)
    declared = None if declared_fee is None else positive_money(declared_fee)
    paid = _basis(session, rule.kind, loan.id, year, declared)
    assessed = model.basis(body, paid, loan_terms(session, body, loan, today))
    reasons: list[Problem] = list(assessed.reasons)
    if rule.kind == "valuation_fee" and declared is None:
        reasons.append(problem("fee_missing", "须申报已付评估费", "declare the valuation fee paid"))
    used_stmt = select(func.coalesce(func.sum(SubsidyApplication.amount), 0)).where(
        SubsidyApplication.rule_id == rule.id,
        SubsidyApplication.enterprise_id == principal.party_id,
        SubsidyApplication.year == year,
        SubsidyApplication.status != "rejected",
    )
    used = money(session.scalar(used_stmt) or 0)
    computed, amount = model.due(body, assessed.amount, used)
    if not reasons and amount <= 0:
        reasons.append(
            problem(
                "nothing_due",
                "无可补贴金额（未付费或已达年度上限）",
                "nothing to subsidise (nothing paid or cap reached)",
            )
        )
    workings = {
        **assessed.workings,
        "basis": str(paid),
        "rate_bp": body["rate_bp"],
        "used_this_year": str(used),
        "cap": body["per_firm_annual_cap"],
    }
    return Quote(
        rule.id, rule.code, rule.kind, rule.scheme_code, loan.id, year, paid, computed, amount, used, workings, reasons
    )


def apply(
    session: Session,
    principal: Principal,
    rule_id: int,
    loan_id: int,
    year: int,
    today: dt.date,
    declared_fee: Decimal | str | None = None,
) -> SubsidyApplication:
    """The borrower applies; the amount is computed from what was paid and capped per firm per year (``quote``)."""
    q = quote(session, principal, rule_id, loan_id, year, today, declared_fee)
    if q.reasons:
        raise SUBSIDY_REFUSED(
            why_zh="；".join(r.message_zh for r in q.reasons),
            why_en="; ".join(r.message_en for r in q.reasons),
            reasons=[r.to_dict() for r in q.reasons],
        )
    loan = lending.visible_loan(session, principal, loan_id)
    pool = pools.pool(session, q.scheme_code)
    row = SubsidyApplication(
        rule_id=q.rule_id,
        enterprise_id=principal.party_id,
        loan_id=loan.id,
        bank_id=loan.bank_id,
        fund_id=pool.fund_id,
        year=year,
        applied_on=today,
        basis=q.basis,
        computed=q.computed,
        amount=q.amount,
        workings=json.dumps(q.workings),
    )
    session.add(row)
    session.flush()
    audit.record(
        session, principal, "risk.subsidy_applied", "risk_subsidy_application", row.id, {"amount": str(q.amount)}
    )
    return row


def _fund_app(session: Session, principal: Principal, app_id: int) -> SubsidyApplication:
    row = scope.get_visible(session, SubsidyApplication, app_id, principal)
    if principal.party_id != row.fund_id:
        raise not_found("补贴申请", "subsidy application", id=app_id)
    return row


def _state(row: SubsidyApplication, wanted: str) -> None:
    if row.status != wanted:
        raise SUBSIDY_STATE(status=row.status, wanted=wanted)


def propose(session: Session, reviewer: Principal, app_id: int) -> SubsidyApplication:
    row = _fund_app(session, reviewer, app_id)
    reviewer.require(Role.FUND_REVIEWER)
    _state(row, "applied")
    approval = access.propose(session, reviewer, RISK_SUBSIDY, row.id, "approve", {"amount": str(row.amount)})
    row.status, row.approval_id = "proposed", approval.id
    session.flush()
    return row


def decide(session: Session, approver: Principal, app_id: int, approve: bool, reason: str | None) -> SubsidyApplication:
    row = _fund_app(session, approver, app_id)
    _state(row, "proposed")
    assert row.approval_id is not None
    access.decide(session, approver, row.approval_id, approve, reason)
    row.status = "approved" if approve else "rejected"
    session.flush()
    return row


def pay(session: Session, principal: Principal, app_id: int, today: dt.date) -> SubsidyApplication:
    """The fund pays an approved subsidy from its pool; a pool without the money refuses (never negative)."""
    row = _fund_app(session, principal, app_id)
    principal.require(Role.APPROVER, Role.ADMIN)
    _state(row, "approved")
    rule = session.get(SubsidyRule, row.rule_id)
    assert rule is not None
    pool = pools.pool(session, rule.scheme_code, lock=True)
    amount = row.amount
    if pools.pool_balance(session, pool) < amount:
        raise POOL_INSUFFICIENT(code=rule.scheme_code, amount=str(amount))
    draft = postings.subsidy(
        pool.fund_id, pool.scheme_code, row.bank_id, row.enterprise_id, amount, today, row.id, f"risk.subsidy:{row.id}"
    )
    row.entry_id = ledger.post(session, principal, draft).id
    row.status, row.paid_on = "paid", today
    session.flush()
    audit.record(session, principal, "risk.subsidy_paid", "risk_subsidy_application", row.id, {"amount": str(amount)})
    payload = {
        "application_id": row.id,
        "rule_code": rule.code,
        "amount": str(amount),
        "enterprise_id": row.enterprise_id,
    }
    events.publish(session, "risk.subsidy_paid", payload, row.enterprise_id, also=[row.bank_id, pool.fund_id])
    return row
