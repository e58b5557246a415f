"""Credit products' rules (授信产品规则): product kinds, repayment methods, LTV caps by IP subtype, the price cap
relative to the LPR, a product version's validation, and the contract and penalty rates. Pure.

Sources: DOMAIN.md §4 (pledge rates: invention <= 25%, utility model <= 15%, trademark <= 50% at one major bank;
price = 1-year LPR + spread, capped at LPR x 1.4 in Beijing or LPR + 80bp in Jiangsu; penalty +30% to +50%; tenor
<= 3 years typical) and the article's "credit loan + moderate IP enhancement" (信用贷款+知识产权适度增信): the IP pledge
is required only above an amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum

from ippledge.credit import errors

BP = Decimal(10_000)


class ProductKind(StrEnum):
    CREDIT_PLUS_IP = "credit_plus_ip"  # 信用贷款+知识产权适度增信
    PURE_IP_PLEDGE = "pure_ip_pledge"  # 纯知识产权质押贷款


class RepaymentMethod(StrEnum):
    EQUAL_INSTALLMENT = "equal_installment"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    INTEREST_FIRST = "interest_first"  # 先息后本
    BULLET = "bullet"  # 到期一次还本付息
    INTEREST_QUARTERLY = "interest_quarterly"  # 按季结息（3/6/9/12月20日），到期还本


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
    # Model as challenger (decision record 0008); all off by default, so a product lends on reports only.
    model_basis_without_report: bool = False  # an IP without a valid report may lend on the model's P50
    model_cap_p90_multiple: Decimal | None = None  # lendable value = min(appraisal, k x model P90)
    min_forced_sale_coverage: Decimal | None = None  # warn when forced-sale value / amount falls below this

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
        if self.model_cap_p90_multiple is not None and not Decimal(0) < self.model_cap_p90_multiple <= Decimal(10):
            problems.append("model cap P90 multiple must be above 0 and at most 10")
        if self.min_forced_sale_coverage is not None and not Decimal(0) < self.min_forced_sale_coverage <= Decimal(10):
            problems.append("minimum forced-sale coverage must be above 0 and at most 10")
        if problems:
            raise errors.PRODUCT_INVALID(problems=problems, summary="; ".join(problems))
        return self

    def ip_required(self, amount: Decimal) -> bool:
        return self.ip_required_above is None or amount > self.ip_required_above


def annual_rate(rate_bp: int) -> Decimal:
    """``350`` bp -> ``Decimal('0.0350')``."""
    return (Decimal(rate_bp) / BP).quantize(Decimal("0.0001"))


def penalty_rate(rate_bp: int, uplift_bp: int) -> Decimal:
    """Penalty interest (罚息) rate: the contract rate raised by the uplift (e.g. +50%), to 6 decimal places."""
    return (Decimal(rate_bp) / BP * (1 + Decimal(uplift_bp) / BP)).quantize(Decimal("0.000001"), ROUND_HALF_UP)
