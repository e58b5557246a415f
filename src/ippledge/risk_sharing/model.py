"""Risk-sharing schemes (风险分担与补偿机制) as data: the general model of DOMAIN.md §5. Pure.

A scheme says who may enrol (eligibility, 准入条件), how a loss is split among the compensation fund (风险补偿资金池),
the bank, insurer, guarantor, valuer and IP operations institution (知识产权运营机构) by tiers of loan balance, who
bears lost interest, what triggers a claim (代偿触发), the claim window, the advance ratio (预付比例), whether
recoveries after payout are shared back (追偿返还), and the caps (annual budget, per institution, per loan, fund
balance). Shares are integer basis points summing to 10,000 per tier. ``problems`` lists *every* inconsistency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ippledge.kernel.errors import Problem as Problem  # re-exported: the scheme validators name it here

BP_TOTAL = 10_000


class Party(StrEnum):
    """Who bears a share of a loss; the order is the tie-break order of the largest-remainder split."""

    FUND = "fund"  # 风险补偿资金池
    BANK = "bank"  # 贷款银行
    INSURER = "insurer"  # 保险机构
    GUARANTOR = "guarantor"  # 担保机构
    VALUER = "valuer"  # 评估机构
    IP_OPERATOR = "ip_operator"  # 知识产权运营机构

    @property
    def zh(self) -> str:
        return _PARTY_ZH[self]


_PARTY_ZH = {
    Party.FUND: "风险补偿资金池",
    Party.BANK: "银行",
    Party.INSURER: "保险机构",
    Party.GUARANTOR: "担保机构",
    Party.VALUER: "评估机构",
    Party.IP_OPERATOR: "知识产权运营机构",
}
PARTIES: tuple[Party, ...] = tuple(Party)


class Level(StrEnum):
    NATIONAL = "national"  # 国家
    PROVINCE = "province"  # 省
    CITY = "city"  # 市
    DISTRICT = "district"  # 区


class TriggerKind(StrEnum):
    DAYS_PAST_DUE = "days_past_due"  # 逾期天数
    FIRST_SUBSTANDARD = "first_substandard"  # 首次分类为次级或更差
    WRITE_OFF = "write_off"  # 核销
    MONTHS_AFTER_NPL = "months_after_npl"  # 形成不良后 N 个月


class LossBasis(StrEnum):
    PRINCIPAL = "principal"  # 本金损失 (interest loss borne by ``interest_bearer``)
    PRINCIPAL_AND_INTEREST = "principal_and_interest"  # 本息损失均分担


class RateCapKind(StrEnum):
    LPR_MULTIPLE = "lpr_multiple"  # e.g. <= 1-year LPR x 1.4
    LPR_PLUS_BP = "lpr_plus_bp"  # e.g. <= 1-year LPR + 80bp


@dataclass(frozen=True)
class Jurisdiction:
    name_zh: str
    name_en: str
    level: Level
    area_code: str | None = None  # 行政区划代码, e.g. 110108 Haidian


@dataclass(frozen=True)
class RateCap:
    kind: RateCapKind
    value: Decimal  # a multiple (1.4) or basis points (80)

    def limit(self, lpr_1y: Decimal) -> Decimal:
        """The highest annual rate allowed when the 1-year LPR is ``lpr_1y`` (both as fractions, 0.031)."""
        if self.kind is RateCapKind.LPR_MULTIPLE:
            return lpr_1y * self.value
        return lpr_1y + self.value / BP_TOTAL


@dataclass(frozen=True)
class Eligibility:
    """Enrolment conditions; ``None`` means the scheme sets no such condition."""

    max_firm_revenue: Decimal | None = None  # 企业营业收入上限 (CNY per year)
    min_registration_years: int | None = None  # 成立年限
    require_clean_credit: bool = False  # 无不良信用记录
    require_whitelist: bool = False  # 白名单企业
    ip_types: frozenset[str] | None = None  # invention, utility_model, design, mark, work, software
    min_ip_share_bp: int | None = None  # 知识产权占担保物比例下限
    max_loan: Decimal | None = None  # 单笔贷款上限
    max_term_months: int | None = None  # 贷款期限上限
    rate_cap: RateCap | None = None  # 利率上限
    max_borrower_bank_debt: Decimal | None = None  # 借款企业银行债务上限 (Shenzhen)


@dataclass(frozen=True)
class Tier:
    """Shares for loans whose balance at default is at most ``max_balance`` (``None``: no upper bound)."""

    max_balance: Decimal | None
    shares: Mapping[Party, int]  # basis points, sum 10,000

    def share(self, party: Party) -> int:
        return self.shares.get(party, 0)


@dataclass(frozen=True)
class Trigger:
    kind: TriggerKind
    value: int = 0  # days past due or months after NPL; unused for the other kinds


@dataclass(frozen=True)
class Scheme:
    """One version of a scheme. ``code`` + ``version`` identify it; a decision records both."""

    code: str
    version: str
    effective_from: dt.date
    name_zh: str
    name_en: str
    jurisdiction: Jurisdiction
    tiers: tuple[Tier, ...]
    trigger: Trigger
    eligibility: Eligibility = field(default_factory=Eligibility)
    loss_basis: LossBasis = LossBasis.PRINCIPAL
    interest_bearer: Party = Party.BANK
    claim_window_days: int | None = None  # 申请代偿时限, from the trigger date
    advance_ratio_bp: int | None = None  # share of the net loss advanced before write-off, settled afterwards
    recovery_clawback: bool = True  # 追偿所得按原比例返还
    compensate_ip_share_only: bool = False  # Wuhan: non-bank shares apply to the IP share of the collateral only
    annual_budget_cap: Decimal | None = None  # fund's payouts per year, all banks
    per_institution_cap: Decimal | None = None  # fund's payouts per year to one bank
    per_loan_caps: Mapping[Party, Decimal] = field(default_factory=dict)  # a party's most per loan
    liability_limited_to_fund: bool = False  # 以资金池余额为限
    max_leverage: Decimal | None = None  # enrolled balance <= leverage x fund balance (放大倍数)
    overflow_party: Party = Party.BANK  # bears what a capped party cannot pay
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()  # every value the sources do not give
    notes: str = ""

    def tier_for(self, balance: Decimal) -> Tier:
        """The tier of a loan's balance at default (the whole loss uses that one tier; see docs)."""
        for tier in self.tiers:
            if tier.max_balance is None or balance <= tier.max_balance:
                return tier
        return self.tiers[-1]  # balances above the last bound: eligibility refuses them; be total anyway


def _p(code: str, path: str, zh: str, en: str) -> Problem:
    return Problem(f"risk.scheme.{code}", path, zh, en)


def _non_negative(value: Decimal | int | None, path: str, out: list[Problem]) -> None:
    if value is not None and value < 0:
        out.append(_p("negative", path, f"{path} 不能为负数", f"{path} must not be negative"))


def problems(scheme: Scheme) -> list[Problem]:
    """Every inconsistency in ``scheme`` (an empty list when it is usable)."""
    out: list[Problem] = []
    if not scheme.code.strip():
        out.append(_p("code", "code", "方案代码不能为空", "scheme code must not be empty"))
    if not scheme.tiers:
        out.append(_p("tiers_empty", "tiers", "至少需要一个分担档次", "at least one tier is required"))
    previous: Decimal | None = None
    for i, tier in enumerate(scheme.tiers):
        path = f"tiers[{i}]"
        total = sum(tier.shares.values())
        if total != BP_TOTAL:
            out.append(
                _p(
                    "shares_sum",
                    path,
                    f"{path} 分担比例之和为 {total}，应为 10000",
                    f"{path} shares sum to {total}, not 10000",
                )
            )
        for party, bp in tier.shares.items():
            if bp < 0:
                out.append(_p("share_negative", f"{path}.{party}", "分担比例不能为负", "a share must not be negative"))
        if tier.max_balance is None and i != len(scheme.tiers) - 1:
            out.append(_p("tier_open", path, "只有最后一档可以不设上限", "only the last tier may be unbounded"))
        if tier.max_balance is not None:
            if tier.max_balance <= 0 or (previous is not None and tier.max_balance <= previous):
                out.append(
                    _p("tier_order", path, "档次上限须为正且递增", "tier bounds must be positive and increasing")
                )
            previous = tier.max_balance
    if scheme.trigger.value < 0:
        out.append(_p("negative", "trigger.value", "触发值不能为负", "trigger value must not be negative"))
    e = scheme.eligibility
    for name, value in (
        ("claim_window_days", scheme.claim_window_days),
        ("annual_budget_cap", scheme.annual_budget_cap),
        ("per_institution_cap", scheme.per_institution_cap),
        ("max_leverage", scheme.max_leverage),
        ("eligibility.max_firm_revenue", e.max_firm_revenue),
        ("eligibility.min_registration_years", e.min_registration_years),
        ("eligibility.max_loan", e.max_loan),
        ("eligibility.max_term_months", e.max_term_months),
        ("eligibility.max_borrower_bank_debt", e.max_borrower_bank_debt),
    ):
        _non_negative(value, name, out)
    for party, cap in scheme.per_loan_caps.items():
        _non_negative(cap, f"per_loan_caps.{party}", out)
    for name, bp_value in (
        ("advance_ratio_bp", scheme.advance_ratio_bp),
        ("eligibility.min_ip_share_bp", e.min_ip_share_bp),
    ):
        if bp_value is not None and not 0 <= bp_value <= BP_TOTAL:
            out.append(_p("bp_range", name, f"{name} 应在 0 到 10000 之间", f"{name} must be between 0 and 10000"))
    capped = set(scheme.per_loan_caps) | {Party.FUND}
    if scheme.overflow_party in capped:
        out.append(
            _p(
                "overflow_capped",
                "overflow_party",
                "承担超限部分的一方自身不能有上限",
                "the party that bears what others cannot pay must not itself be capped",
            )
        )
    return out


def describe_shares(tier: Tier) -> dict[str, Any]:
    """``{"fund": 5400, ...}`` in party order, parties with a zero share left out."""
    return {p.value: tier.shares[p] for p in PARTIES if tier.shares.get(p, 0)}
