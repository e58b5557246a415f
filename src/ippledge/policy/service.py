"""Policy matching (政策匹配): every scheme in force and every subsidy rule decided for a loan or a planned loan.

The facts come from where enrolment and applications read them -- ``risk_sharing.queries.loan_facts`` and
``subsidy_terms`` for a contracted loan (so the gateway's credit-bureau facts take precedence where the reader holds
the borrower's consent, or is the borrower) -- and, for a planned loan, from the firm's registry profile, its own
credit-bureau report read through the gateway (logged as its own read) and what the firm states. The decisions and
the savings are ``policy.model``'s, which calls the schemes' and subsidies' own rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Principal
from ippledge.credit import lpr
from ippledge.credit.model import OtherSecurity, SecurityKind, ip_share_bp
from ippledge.gateway import service as gateway
from ippledge.gateway.model import Purpose
from ippledge.kernel.errors import IppledgeError
from ippledge.lending import queries as lending
from ippledge.lending.model.schedule import RepaymentMethod, Schedule, build_schedule
from ippledge.policy import model
from ippledge.policy.errors import FIRM_ONLY, PLAN_INVALID
from ippledge.registry import queries as registry
from ippledge.risk_sharing import queries as risk
from ippledge.risk_sharing.model import BP_TOTAL
from ippledge.risk_sharing.schemes.eligibility import LoanFacts
from ippledge.risk_sharing.subsidies.model import LoanTerms

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)  # a plan's settlement date (30-year terms fit)
IP_KINDS = ("invention", "utility_model", "design", "mark", "work", "software")


@dataclass(frozen=True)
class Plan:
    """A loan the firm plans (计划贷款)."""

    amount: Decimal
    term_months: int
    annual_rate: Decimal
    method: str = "interest-first"
    start_on: dt.date | None = None  # planned settlement (放款) date; today when None
    ip_types: tuple[str, ...] = ("invention",)
    other_security: Decimal = Decimal(0)  # the part of the loan other security covers
    fees: model.Fees = field(default_factory=model.Fees)


@dataclass(frozen=True)
class Report:
    firm_id: int
    loan_id: int | None
    as_of: dt.date
    facts: dict[str, Any]
    matches: list[model.Match]

    @property
    def qualifying_saving(self) -> Decimal:
        """The estimated saving of every qualifying subsidy (schemes' figures are of another kind)."""
        return sum(
            (m.saving for m in self.matches if m.kind == "subsidy" and m.qualifies and m.saving is not None),
            Decimal("0.00"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "firm_id": self.firm_id,
            "loan_id": self.loan_id,
            "as_of": self.as_of.isoformat(),
            "facts": self.facts,
            "matches": [m.to_dict() for m in self.matches],
            "subsidy_saving": str(self.qualifying_saving),
        }


def _facts_json(facts: LoanFacts) -> dict[str, Any]:
    raw = dataclasses.asdict(facts)
    raw["ip_types"] = sorted(facts.ip_types)
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v)
        for k, v in raw.items()
    }


def _schemes(session: Session, facts: LoanFacts, firm_id: int, schemes: list[Any] | None = None) -> list[model.Match]:
    """Each scheme in force on ``facts.as_of`` (``schemes`` when the caller already read them: reading every
    scheme's versions is most of a match's cost) matched against the facts."""
    out = []
    for scheme in risk.schemes_in_force(session, facts.as_of) if schemes is None else schemes:
        listed = risk.on_whitelist(session, scheme.code, firm_id, facts.as_of)
        out.append(model.match_scheme(scheme, dataclasses.replace(facts, on_whitelist=listed)))
    return out


def _subsidies(
    session: Session, firm_id: int, settled: dt.date, schedule: Schedule, fees: model.Fees, terms_for: Any
) -> list[model.Match]:
    by_code: dict[str, list[risk.SubsidyRuleView]] = {}
    for rule in risk.subsidy_rules(session):
        by_code.setdefault(rule.code, []).append(rule)
    out = []
    for versions in by_code.values():
        started = [v for v in versions if v.effective_from <= settled]
        if not started:
            continue
        rule = max(started, key=lambda v: (v.effective_from, v.id))
        used = risk.subsidy_used(session, rule.id, firm_id)
        out.append(model.match_subsidy(rule.body, terms_for(rule.body), schedule, fees, used))
    return out


def for_loan(
    session: Session, principal: Principal, loan_id: int, today: dt.date, fees: model.Fees | None = None
) -> Report:
    """Policy matches of a contracted loan the caller may see (the borrower, the lending bank, ...)."""
    loan = lending.visible_loan(session, principal, loan_id)
    schemes = risk.schemes_in_force(session, today)
    facts = (
        risk.loan_facts(session, loan, schemes[0].code, today, principal)
        if schemes
        else LoanFacts(today, loan.principal, loan.term_months, loan.annual_rate)
    )
    start = loan.disbursed_on or loan.contracted_on
    schedule = build_schedule(
        loan.principal, loan.annual_rate, loan.term_months, start, RepaymentMethod.parse(loan.method)
    )
    matches = _schemes(session, facts, loan.borrower_id, schemes)
    matches += _subsidies(
        session,
        loan.borrower_id,
        start,
        schedule,
        fees or model.Fees(),
        lambda body: risk.subsidy_terms(session, body, loan, today),
    )
    return Report(loan.borrower_id, loan.id, today, _facts_json(facts), matches)


def _plan_problems(plan: Plan) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if plan.amount <= 0 or plan.amount > Decimal("10000000000"):
        out.append(("贷款金额须为正且不超过100亿", "amount must be positive and at most 10bn"))
    if not 1 <= plan.term_months <= 360:
        out.append(("期限须为1-360个月", "term_months must be 1-360"))
    if not Decimal(0) < plan.annual_rate < Decimal(1):
        out.append(("年利率须在0与1之间（如0.035）", "annual_rate must be between 0 and 1 (e.g. 0.035)"))
    if plan.method not in {m.value for m in RepaymentMethod}:
        out.append(("还款方式无效", f"method must be one of {', '.join(m.value for m in RepaymentMethod)}"))
    if bad := sorted(set(plan.ip_types) - set(IP_KINDS)):
        out.append((f"未知的知识产权类型：{', '.join(bad)}", f"unknown IP types: {', '.join(bad)}"))
    if plan.start_on is not None and not EARLIEST <= plan.start_on <= LATEST:
        out.append(("计划放款日须在2000年至2100年之间", "start_on must be between 2000 and 2100"))
    if plan.other_security < 0 or plan.other_security > plan.amount:
        out.append(("其他担保覆盖金额须在0与贷款金额之间", "other_security must be between 0 and the amount"))
    return out


def for_plan(session: Session, principal: Principal, plan: Plan, today: dt.date) -> Report:
    """Policy matches of a loan the firm plans: the firm itself asks; its own credit-bureau report is read through
    the gateway (logged), its revenue and age come from its registry profile."""
    if principal.party_kind is not PartyKind.ENTERPRISE:
        raise FIRM_ONLY()
    if problems := _plan_problems(plan):
        raise PLAN_INVALID(why_zh="；".join(p[0] for p in problems), why_en="; ".join(p[1] for p in problems))
    firm_id = principal.party_id
    start = plan.start_on or today
    try:
        lpr_1y: Decimal | None = Decimal(lpr.lpr_on(session, start).rate_bp) / BP_TOTAL
    except IppledgeError:
        lpr_1y = None
    profile = registry.enterprise_facts(session, firm_id)
    bureau = gateway.credit_facts(session, principal, firm_id, today, Purpose.POLICY_MATCHING)
    ip_types = frozenset(plan.ip_types)
    share = ip_share_bp(plan.amount, [OtherSecurity(SecurityKind.PROPERTY, plan.other_security)], bool(ip_types))
    facts = LoanFacts(
        as_of=start,
        loan_amount=plan.amount,
        term_months=plan.term_months,
        annual_rate=plan.annual_rate,
        ip_types=ip_types,
        lpr_1y=lpr_1y,
        firm_revenue=None if profile is None else profile.annual_revenue,
        firm_registered_on=None if profile is None else profile.founded_on,
        clean_credit=None if bureau is None else bureau.clean_credit,
        ip_share_bp=share,
        borrower_bank_debt=None if bureau is None else bureau.bank_debt,
        credit_source=None if bureau is None else "gateway:credit_bureau",
    )
    schedule = build_schedule(plan.amount, plan.annual_rate, plan.term_months, start, RepaymentMethod(plan.method))
    # planned: the pledge is to be registered before settlement (the 2024 rule's condition, stated as the plan)
    terms = LoanTerms(plan.annual_rate, lpr_1y, facts.firm_revenue, share, start, (start,))
    matches = _schemes(session, facts, firm_id)
    matches += _subsidies(session, firm_id, start, schedule, plan.fees, lambda _body: terms)
    return Report(firm_id, None, today, _facts_json(facts), matches)
