"""Professional liability insurance (职业责任保险) of the IP operations institution, Zhongguancun model. Pure.

The institution (知识产权运营机构) is policyholder (投保人) and insured (被保险人). On a default it answers to the bank
for its undertaking (对银行的补偿承诺: ``undertaking``), and the insurer indemnifies the institution, never the bank:
the loss the institution paid, less the deductible (免赔额), within the per-claim limit (每次事故赔偿限额) and what is
left of the aggregate limit (累计赔偿限额), nothing when the cause is excluded (除外责任). The premium (保费) may be
partly subsidised (保费补贴) from the scheme's pool, at most a yearly cap. Every amount is rounded to the fen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from ippledge.kernel.errors import Problem
from ippledge.kernel.money import round_fen

BP_TOTAL = 10_000
ZERO = Decimal("0.00")


class Cause(StrEnum):
    """Why the institution's undertaking was called (出险原因); a policy excludes some of them."""

    PROFESSIONAL_SERVICE = "professional_service"  # 审查、评估、处置等专业服务中的过失（承保）
    INTENTIONAL_ACT = "intentional_act"  # 故意行为
    FRAUD = "fraud"  # 欺诈、与借款人串通
    FINES_PENALTIES = "fines_penalties"  # 罚款、罚金
    OUTSIDE_SCOPE = "outside_scope"  # 超出保险单载明的专业服务范围

    @property
    def zh(self) -> str:
        return _CAUSE_ZH[self]


_CAUSE_ZH = {
    Cause.PROFESSIONAL_SERVICE: "专业服务过失",
    Cause.INTENTIONAL_ACT: "故意行为",
    Cause.FRAUD: "欺诈或串通",
    Cause.FINES_PENALTIES: "罚款罚金",
    Cause.OUTSIDE_SCOPE: "超出承保服务范围",
}
# Professional liability wordings exclude these as a rule (assumption: the article gives no wording).
STANDARD_EXCLUSIONS = frozenset({Cause.INTENTIONAL_ACT, Cause.FRAUD, Cause.FINES_PENALTIES, Cause.OUTSIDE_SCOPE})


@dataclass(frozen=True)
class PolicyTerms:
    """The terms of one policy year (保险单条款)."""

    per_claim_limit: Decimal
    aggregate_limit: Decimal
    deductible: Decimal = ZERO  # per claim, borne by the institution
    exclusions: frozenset[Cause] = field(default_factory=lambda: STANDARD_EXCLUSIONS)
    premium_rate_bp: int = 0  # of the insured amount (the enrolled balance it covers)
    subsidy_bp: int = 0  # share of the premium subsidised (保费补贴比例)
    subsidy_cap: Decimal | None = None  # most subsidy per policy (year)


@dataclass(frozen=True)
class Indemnity:
    """What the insurer pays the institution on one claim, and why it is less than the loss."""

    loss: Decimal  # what the institution paid the bank
    amount: Decimal  # indemnity (赔款)
    deductible: Decimal  # the part of the deductible applied
    retained: Decimal  # loss - amount: what the institution bears
    limited_by: tuple[str, ...]  # "excluded", "deductible", "per_claim_limit", "aggregate_limit"


def problems(terms: PolicyTerms, start_on: dt.date, end_on: dt.date) -> list[Problem]:
    """Every inconsistency in a policy's terms (empty when usable)."""
    out: list[Problem] = []

    def p(code: str, path: str, zh: str, en: str) -> None:
        out.append(Problem(f"risk.liability.{code}", path, zh, en))

    if terms.per_claim_limit <= 0:
        p("limit", "per_claim_limit", "每次事故赔偿限额须为正", "the per-claim limit must be positive")
    if terms.aggregate_limit < terms.per_claim_limit:
        p(
            "limit",
            "aggregate_limit",
            "累计赔偿限额不能低于每次限额",
            "the aggregate limit must be >= the per-claim limit",
        )
    if terms.deductible < 0:
        p("deductible", "deductible", "免赔额不能为负", "the deductible must not be negative")
    for name, bp in (("premium_rate_bp", terms.premium_rate_bp), ("subsidy_bp", terms.subsidy_bp)):
        if not 0 <= bp <= BP_TOTAL:
            p("bp_range", name, f"{name} 应在 0 到 10000 之间", f"{name} must be between 0 and 10000")
    if terms.subsidy_cap is not None and terms.subsidy_cap < 0:
        p("subsidy_cap", "subsidy_cap", "补贴上限不能为负", "the subsidy cap must not be negative")
    if end_on <= start_on:
        p("period", "end_on", "保险期间终止日须晚于起始日", "the policy must end after it starts")
    return out


def undertaking(loss: Decimal, undertaking_bp: int = BP_TOTAL) -> Decimal:
    """What the institution pays the bank on a loss under its undertaking (补偿承诺比例, basis points)."""
    return round_fen(max(loss, ZERO) * undertaking_bp / BP_TOTAL)


def indemnity(terms: PolicyTerms, loss: Decimal, cause: Cause, paid_before: Decimal) -> Indemnity:
    """The insurer's indemnity to the institution on one claim, ``paid_before`` being the policy's indemnities so far.

    Never more than the per-claim limit, never more than what is left of the aggregate limit, never negative."""
    loss = round_fen(max(loss, ZERO))
    if cause in terms.exclusions:
        return Indemnity(loss, ZERO, ZERO, loss, ("excluded",))
    limited: list[str] = []
    deductible = min(terms.deductible, loss)
    amount = loss - deductible
    if deductible > 0:
        limited.append("deductible")
    if amount > terms.per_claim_limit:
        amount = terms.per_claim_limit
        limited.append("per_claim_limit")
    left = max(terms.aggregate_limit - paid_before, ZERO)
    if amount > left:
        amount = left
        limited.append("aggregate_limit")
    amount = round_fen(amount)
    return Indemnity(loss, amount, deductible, loss - amount, tuple(limited))


def premium(terms: PolicyTerms, insured_amount: Decimal) -> Decimal:
    """保费 = insured amount x rate."""
    return round_fen(insured_amount * terms.premium_rate_bp / BP_TOTAL)


def premium_subsidy(terms: PolicyTerms, premium_due: Decimal) -> Decimal:
    """保费补贴: ``subsidy_bp`` of the premium, at most ``subsidy_cap``."""
    amount = round_fen(premium_due * terms.subsidy_bp / BP_TOTAL)
    return amount if terms.subsidy_cap is None else min(amount, terms.subsidy_cap)
