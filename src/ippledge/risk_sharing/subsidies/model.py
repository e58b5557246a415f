"""Subsidy rules (补贴政策): kinds, a rule document's checks, the Beijing interest subsidies (贴息) of 2021 and 2024.

A rule version's body: ``rate_bp`` (share of what was paid), ``per_firm_annual_cap`` (CNY), optional ``rate_cap``
(``{"kind": "lpr_multiple", "value": "1.4"}``) and ``max_firm_revenue``. Fields added for Beijing 2024, each with a
default that keeps an older rule's meaning:

* ``above_cap``: ``"refuse"`` (default: a loan priced above ``rate_cap`` gets nothing) or ``"count_at_cap"`` (the
  interest counts as if charged at the cap: paid x cap / rate);
* ``ip_share_only`` (default false): only the IP-pledged share of a combination loan counts (the bank's attested
  other security fixes it; unknown refuses);
* ``pledge_before_settlement`` (default false): every pledge securing the loan must be registered on or before the
  loan was settled (放款), else nothing is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ippledge.kernel.money import round_fen
from ippledge.risk_sharing.model import BP_TOTAL, Problem, RateCap, RateCapKind

KINDS = ("interest", "valuation_fee", "premium", "guarantee_fee")
BEIJING_INTEREST_2021: dict[str, Any] = {
    "code": "beijing-interest",
    "version": "2021",
    "kind": "interest",
    "effective_from": "2021-01-01",
    "rate_bp": 4000,
    "per_firm_annual_cap": "500000",
    "rate_cap": {"kind": "lpr_multiple", "value": "1.4"},
    "max_firm_revenue": "200000000",
}
# DOMAIN.md §5: <= 50% of the interest, <= 300k per firm per year, a rate above LPR x 1.4 counts as LPR x 1.4, pledge
# registered before the loan was settled, only the IP-pledged share of a combination loan. In force from 2024-01-01
# (assumption: the sources give the year only); the revenue cap of 2021 is not restated (assumption: none).
BEIJING_INTEREST_2024: dict[str, Any] = {
    "code": "beijing-interest",
    "version": "2024",
    "kind": "interest",
    "effective_from": "2024-01-01",
    "rate_bp": 5000,
    "per_firm_annual_cap": "300000",
    "rate_cap": {"kind": "lpr_multiple", "value": "1.4"},
    "above_cap": "count_at_cap",
    "ip_share_only": True,
    "pledge_before_settlement": True,
}
ABOVE_CAP = ("refuse", "count_at_cap")


def problem(code: str, zh: str, en: str) -> Problem:
    """One reason a rule or an application is refused (``risk.subsidy.<code>``)."""
    return Problem(f"risk.subsidy.{code}", code, zh, en)


def rule_problems(body: Mapping[str, Any]) -> list[Problem]:
    """Every bad field of a rule document (an empty list when it is usable)."""
    problems: list[Problem] = []
    if body.get("kind") not in KINDS:
        problems.append(problem("kind", "补贴类型无效", f"kind must be one of {', '.join(KINDS)}"))
    rate = body.get("rate_bp")
    if not isinstance(rate, int) or not 0 < rate <= BP_TOTAL:
        problems.append(problem("rate_bp", "补贴比例须为 1-10000 基点", "rate_bp must be 1-10000"))
    for name in ("code", "version", "effective_from", "per_firm_annual_cap"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            problems.append(problem(name, f"缺少 {name}", f"missing {name}"))
    if body.get("above_cap", "refuse") not in ABOVE_CAP:
        problems.append(problem("above_cap", "above_cap 无效", f"above_cap must be one of {', '.join(ABOVE_CAP)}"))
    elif body.get("above_cap") == "count_at_cap" and (body.get("kind") != "interest" or not body.get("rate_cap")):
        problems.append(
            problem(
                "above_cap", "按上限计息须为设有利率上限的贴息", "count_at_cap needs an interest rule and a rate_cap"
            )
        )
    for flag in ("ip_share_only", "pledge_before_settlement"):
        if not isinstance(body.get(flag, False), bool):
            problems.append(problem(flag, f"{flag} 须为布尔值", f"{flag} must be true or false"))
    return problems


@dataclass(frozen=True)
class LoanTerms:
    """What a rule reads about the loan, besides what was paid; ``None`` = not known."""

    annual_rate: Decimal
    lpr_1y: Decimal | None = None
    firm_revenue: Decimal | None = None
    ip_share_bp: int | None = None  # the IP-pledged share (credit.model.ip_share_bp)
    settled_on: dt.date | None = None  # 放款日
    pledges_registered_on: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class Basis:
    """What counts toward the subsidy, every reason nothing is due, and the workings."""

    amount: Decimal
    reasons: list[Problem]
    workings: dict[str, str] = field(default_factory=dict)


def basis(body: Mapping[str, Any], paid: Decimal, terms: LoanTerms) -> Basis:
    """What of ``paid`` counts under the rule ``body``: capped rate, IP share, pledge timing, revenue."""
    reasons: list[Problem] = []
    workings: dict[str, str] = {"paid": str(paid)}
    counted = paid
    if (cap := body.get("rate_cap")) is not None:
        if terms.lpr_1y is None:
            reasons.append(problem("lpr_unknown", "无法确定定价所用 LPR", "the LPR the loan was priced on is unknown"))
        else:
            limit = RateCap(RateCapKind(cap["kind"]), Decimal(cap["value"])).limit(terms.lpr_1y)
            if terms.annual_rate > limit:
                if body.get("above_cap", "refuse") == "count_at_cap":
                    counted = round_fen(counted * limit / terms.annual_rate)
                    workings["counted_at_rate"] = str(limit)
                else:
                    reasons.append(problem("rate_cap", f"贷款利率高于上限 {limit}", f"the loan rate is above {limit}"))
    if body.get("ip_share_only", False):
        if terms.ip_share_bp is None:
            reasons.append(
                problem(
                    "ip_share_unknown",
                    "银行未报送其他担保，无法确定知识产权质押部分",
                    "the IP-pledged share is unknown: the bank has attested no other security",
                )
            )
        else:
            counted = round_fen(counted * terms.ip_share_bp / BP_TOTAL)
            workings["ip_share_bp"] = str(terms.ip_share_bp)
    if body.get("pledge_before_settlement", False):
        late = [d for d in terms.pledges_registered_on if terms.settled_on is None or d > terms.settled_on]
        if not terms.pledges_registered_on or late:
            reasons.append(
                problem(
                    "pledge_late",
                    "质押未在放款前登记",
                    f"the pledge was not registered before the loan was settled on {terms.settled_on}",
                )
            )
    if (max_rev := body.get("max_firm_revenue")) is not None:
        if terms.firm_revenue is None:
            reasons.append(problem("revenue_unknown", "缺少企业营业收入", "the firm's revenue is not known"))
        elif terms.firm_revenue > Decimal(max_rev):
            reasons.append(problem("revenue_cap", "企业营业收入超过上限", "the firm's revenue is above the cap"))
    workings["counted"] = str(counted)
    return Basis(counted, reasons, workings)


def due(body: Mapping[str, Any], counted: Decimal, used: Decimal) -> tuple[Decimal, Decimal]:
    """``(computed, amount)``: the rule's share (``rate_bp``) of what counts, then that share capped by what is left
    of the firm's annual cap after ``used`` (already granted this year under the rule). The one place the amount of a
    subsidy is worked out: applications (``service.apply``) and policy matching (``ippledge.policy``) both call it."""
    computed = round_fen(counted * body["rate_bp"] / BP_TOTAL)
    room = max(Decimal(body["per_firm_annual_cap"]) - used, Decimal(0))
    return computed, min(computed, room)
