"""Credit rules (授信规则): products, LTV caps, price caps, the largest loan the IP supports, every rule check. Pure.

Sources: DOMAIN.md §4 (pledge rates: invention <= 25%, utility model <= 15%, trademark <= 50% at one major bank;
price = 1-year LPR + spread, capped at LPR x 1.4 in Beijing or LPR + 80bp in Jiangsu; penalty +30% to +50%; tenor
<= 3 years typical) and the article's "credit loan + moderate IP enhancement" (信用贷款+知识产权适度增信): the IP pledge
is required only above an amount. ``evaluate`` returns *every* failed rule, never only the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from ippledge.credit import errors
from ippledge.kernel.money import round_fen

BP = Decimal(10_000)


class ProductKind(StrEnum):
    CREDIT_PLUS_IP = "credit_plus_ip"  # 信用贷款+知识产权适度增信
    PURE_IP_PLEDGE = "pure_ip_pledge"  # 纯知识产权质押贷款


class RepaymentMethod(StrEnum):
    EQUAL_INSTALLMENT = "equal_installment"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    INTEREST_FIRST = "interest_first"  # 先息后本
    BULLET = "bullet"  # 到期一次还本付息


class Underwriting(StrEnum):
    NONE = "none"
    INSURER = "insurer"  # 保险
    GUARANTOR = "guarantor"  # 担保
    ANY = "any"  # either


# Pledge rate caps in basis points by IP subtype. Invention, utility model, trademark: DOMAIN.md §4 (one major bank).
# Design 10% and copyright (work, software) 20% are assumptions: no published default was found.
DEFAULT_LTV_BP: dict[str, int] = {
    "invention": 2500,
    "utility_model": 1500,
    "mark": 5000,
    "design": 1000,
    "work": 2000,
    "software": 2000,
}
MAX_TERM_MONTHS = 120


@dataclass(frozen=True)
class RateCap:
    """A price cap relative to the 1-year LPR: a multiple (1.4 = 140%), a margin in bp, or both (the lower wins)."""

    lpr_multiple: Decimal | None = None
    lpr_plus_bp: int | None = None

    def cap_bp(self, lpr_bp: int) -> int | None:
        """The cap in whole basis points, rounded down so a rate at the cap never exceeds the scheme's rule."""
        caps: list[int] = []
        if self.lpr_multiple is not None:
            caps.append(int((Decimal(lpr_bp) * self.lpr_multiple).to_integral_value(rounding=ROUND_FLOOR)))
        if self.lpr_plus_bp is not None:
            caps.append(lpr_bp + self.lpr_plus_bp)
        return min(caps) if caps else None


@dataclass(frozen=True)
class ProductRules:
    """One version of a credit product (产品版本)."""

    kind: ProductKind
    ltv_bp: Mapping[str, int]
    min_amount: Decimal
    max_amount: Decimal
    max_term_months: int
    rate_cap: RateCap
    penalty_uplift_bp: int
    underwriting: Underwriting
    methods: frozenset[RepaymentMethod]
    ip_required_above: Decimal | None = None  # credit_plus_ip only: no pledge needed up to this amount

    def validate(self) -> ProductRules:
        problems: list[str] = []
        if self.min_amount <= 0 or self.max_amount < self.min_amount:
            problems.append("amount range")
        if not 1 <= self.max_term_months <= MAX_TERM_MONTHS:
            problems.append("max term")
        if not 3000 <= self.penalty_uplift_bp <= 5000:
            problems.append("penalty uplift must be 30%-50%")
        if any(not 0 <= v <= 10_000 for v in self.ltv_bp.values()) or not set(self.ltv_bp) <= set(DEFAULT_LTV_BP):
            problems.append("LTV caps")
        if not self.methods:
            problems.append("repayment methods")
        if self.rate_cap.lpr_multiple is None and self.rate_cap.lpr_plus_bp is None:
            problems.append("rate cap")
        if self.rate_cap.lpr_multiple is not None and not Decimal(1) <= self.rate_cap.lpr_multiple <= Decimal(3):
            problems.append("rate cap multiple")
        if (self.kind is ProductKind.CREDIT_PLUS_IP) != (self.ip_required_above is not None):
            problems.append("ip_required_above is for credit_plus_ip products only, and they need it")
        if problems:
            raise errors.PRODUCT_INVALID(problems=problems, summary="; ".join(problems))
        return self

    def ip_required(self, amount: Decimal) -> bool:
        return self.ip_required_above is None or amount > self.ip_required_above


@dataclass(frozen=True)
class Collateral:
    """One IP offered as collateral with the value used for it (or None when no valid report exists)."""

    ip_asset_id: int
    subtype: str
    value: Decimal | None
    report_id: int | None = None


def supported_by(item: Collateral, ltv_bp: Mapping[str, int]) -> Decimal:
    if item.value is None:
        return Decimal("0.00")
    return round_fen(item.value * Decimal(ltv_bp.get(item.subtype, 0)) / BP)


def max_supported(items: Sequence[Collateral], ltv_bp: Mapping[str, int]) -> Decimal:
    """The largest loan the pledged IP supports: sum of value x LTV cap for the IP's subtype (each rounded to fen)."""
    return sum((supported_by(i, ltv_bp) for i in items), Decimal("0.00"))


@dataclass(frozen=True)
class RuleCheck:
    code: str
    ok: bool
    message_zh: str
    message_en: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "ok": self.ok,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class Proposal:
    """What the credit officer proposes, with the facts found for it."""

    amount: Decimal
    term_months: int
    method: RepaymentMethod
    spread_bp: int
    lpr_bp: int
    collateral: Sequence[Collateral]
    underwriting_done: bool
    product_in_effect: bool
    requested_amount: Decimal


@dataclass(frozen=True)
class Outcome:
    checks: list[RuleCheck]
    max_supported: Decimal
    rate_bp: int
    cap_bp: int | None
    ip_required: bool

    @property
    def failures(self) -> list[RuleCheck]:
        return [c for c in self.checks if not c.ok]


def evaluate(rules: ProductRules, p: Proposal) -> Outcome:
    """Check every product rule against the proposal; the outcome lists all checks, passed and failed."""
    ip_required = rules.ip_required(p.amount)
    supported = max_supported(p.collateral, rules.ltv_bp)
    rate_bp = p.lpr_bp + p.spread_bp
    cap = rules.rate_cap.cap_bp(p.lpr_bp)
    missing = [c.ip_asset_id for c in p.collateral if c.value is None]
    unaccepted = [c.ip_asset_id for c in p.collateral if rules.ltv_bp.get(c.subtype, 0) <= 0]

    def check(code: str, ok: bool, zh: str, en: str, **details: Any) -> RuleCheck:
        return RuleCheck(code, ok, zh, en, details)

    a = str(p.amount)
    checks = [
        check(
            "credit.product_not_in_effect",
            p.product_in_effect,
            "产品版本在该日不适用",
            "the product version is not in effect on this date",
        ),
        check(
            "credit.amount_below_min",
            p.amount >= rules.min_amount,
            f"金额低于产品下限 {rules.min_amount}",
            f"amount below the product minimum {rules.min_amount}",
            amount=a,
            min=str(rules.min_amount),
        ),
        check(
            "credit.amount_above_max",
            p.amount <= rules.max_amount,
            f"金额高于产品上限 {rules.max_amount}",
            f"amount above the product maximum {rules.max_amount}",
            amount=a,
            max=str(rules.max_amount),
        ),
        check(
            "credit.amount_above_requested",
            p.amount <= p.requested_amount,
            "金额高于企业申请金额",
            "amount above what the firm applied for",
            amount=a,
            requested=str(p.requested_amount),
        ),
        check(
            "credit.term_too_long",
            p.term_months <= rules.max_term_months,
            f"期限超过 {rules.max_term_months} 个月",
            f"term above {rules.max_term_months} months",
            term_months=p.term_months,
        ),
        check("credit.rate_not_positive", rate_bp > 0, "利率必须为正", "the rate must be positive", rate_bp=rate_bp),
        check(
            "credit.rate_above_cap",
            cap is None or rate_bp <= cap,
            "利率超过产品上限",
            "the rate is above the product's cap",
            rate_bp=rate_bp,
            cap_bp=cap,
        ),
        check(
            "credit.method_not_allowed",
            p.method in rules.methods,
            "产品不允许该还款方式",
            "the product does not allow this repayment method",
            method=p.method.value,
        ),
        check(
            "credit.underwriting_missing",
            rules.underwriting is Underwriting.NONE or p.underwriting_done,
            "产品要求的保险或担保审核未完成",
            "the insurer or guarantor underwriting the product requires is not done",
            required=rules.underwriting.value,
        ),
    ]
    if ip_required:
        checks += [
            check(
                "credit.no_collateral",
                bool(p.collateral),
                "需要知识产权质押但没有质押物",
                "an IP pledge is required but no IP is offered",
            ),
            check(
                "credit.valuation_missing",
                not missing,
                "质押物缺少有效的评估报告",
                "a pledged IP has no valid valuation report on this date",
                ip_asset_ids=missing,
            ),
            check(
                "credit.ip_kind_not_accepted",
                not unaccepted,
                "产品不接受该类知识产权质押",
                "the product accepts no pledge of this kind of IP",
                ip_asset_ids=unaccepted,
            ),
            check(
                "credit.amount_above_collateral",
                p.amount <= supported,
                f"金额超过质押物可支持的最高额 {supported}",
                f"amount above the {supported} the pledged IP supports",
                amount=a,
                max_supported=str(supported),
            ),
        ]
    return Outcome(checks, supported, rate_bp, cap, ip_required)


def annual_rate(rate_bp: int) -> Decimal:
    """``350`` bp -> ``Decimal('0.0350')``."""
    return (Decimal(rate_bp) / BP).quantize(Decimal("0.0001"))


def penalty_rate(rate_bp: int, uplift_bp: int) -> Decimal:
    """Penalty interest (罚息) rate: the contract rate raised by the uplift (e.g. +50%), to 6 decimal places."""
    return (Decimal(rate_bp) / BP * (1 + Decimal(uplift_bp) / BP)).quantize(Decimal("0.000001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class ApprovedTerms:
    """What an approved credit decision grants; the lending service builds the contract from it."""

    decision_id: int
    application_id: int
    bank_id: int
    borrower_id: int
    amount: Decimal
    currency: str
    term_months: int
    annual_rate: Decimal  # fraction, 0.0350 = 3.50%
    rate_bp: int
    penalty_uplift: Decimal  # fraction, 0.50 = +50%
    penalty_annual_rate: Decimal
    repayment_method: RepaymentMethod
    pledged_asset_ids: tuple[int, ...]
    product_version_id: int
    lpr_date: dt.date
    lpr_bp: int
    approved_on: dt.date


# -- other security of a combination loan (组合担保) and the IP-pledged share ---------------------------------------


class SecurityKind(StrEnum):
    """Security of a loan other than the pledged IP; ``credit`` is the unsecured part (信用部分)."""

    PROPERTY = "property"  # 不动产抵押
    EQUIPMENT = "equipment"  # 动产抵押
    RECEIVABLES = "receivables"  # 应收账款质押
    DEPOSIT = "deposit"  # 保证金、存单质押
    GUARANTEE = "guarantee"  # 保证（担保公司、股东、关联方）
    CREDIT = "credit"  # 信用部分


@dataclass(frozen=True)
class OtherSecurity:
    """One other security and the part of the loan it covers (担保金额; for ``credit`` the unsecured amount)."""

    kind: SecurityKind
    amount: Decimal
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "amount": str(self.amount), "note": self.note}


def ip_share_bp(loan_amount: Decimal, other: Sequence[OtherSecurity], ip_pledged: bool) -> int:
    """The IP-pledged share of a loan (知识产权质押部分占比), basis points: the part the other security does not cover.

    Rounded down, so a share just below a scheme's minimum is never rounded up to it. No IP pledged: 0."""
    if not ip_pledged or loan_amount <= 0:
        return 0
    covered = sum((s.amount for s in other), Decimal(0))
    rest = max(loan_amount - covered, Decimal(0))
    return int((rest * BP / loan_amount).to_integral_value(rounding=ROUND_FLOOR))
