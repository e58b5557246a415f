"""Rankings and rewards (排名与奖励): ranking rules and reward tiers as data, banks ranked with their inputs and the
reasons the unranked were left out, equal values sharing a rank. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ippledge.supervision import errors
from ippledge.supervision.tolerance import Growth, NplCheck

# -- rankings -------------------------------------------------------------------------------------------------------


class Metric(StrEnum):
    GROWTH = "growth"  # 累放同比增速
    DISBURSED = "disbursed"  # 累放金额


@dataclass(frozen=True)
class RewardTier:
    """Ranks 1..``up_to`` (after the tiers before it) get this reward."""

    up_to: int
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class RankingRule:
    """A ranking rule as data (排名规则): the metric, who may be ranked, and the reward tiers."""

    code: str
    version: str
    metric: Metric
    require_npl_within: bool
    require_growth_target: bool
    tiers: tuple[RewardTier, ...]
    name_zh: str = ""
    name_en: str = ""


RANKING_RULES: dict[str, RankingRule] = {
    r.code: r
    for r in (
        RankingRule(
            code="growth_within_tolerance",
            version="2022",
            metric=Metric.GROWTH,
            require_npl_within=True,
            require_growth_target=False,
            tiers=(RewardTier(3, "一等奖励", "first tier"), RewardTier(6, "二等奖励", "second tier")),
            name_zh="不良率在容忍度内的银行按累放增速排名",
            name_en="banks within the NPL tolerance, by growth of amounts disbursed",
        ),
        RankingRule(
            code="disbursed",
            version="2022",
            metric=Metric.DISBURSED,
            require_npl_within=False,
            require_growth_target=False,
            tiers=(),
            name_zh="按累放金额排名",
            name_en="by amount disbursed",
        ),
    )
}


def ranking_rule(code: str) -> RankingRule:
    try:
        return RANKING_RULES[code]
    except KeyError:
        raise errors.UNKNOWN_RULE(code=code, known=", ".join(sorted(RANKING_RULES))) from None


@dataclass(frozen=True)
class BankFigures:
    """A bank's inputs to ranking: its 累放 growth and its NPL check."""

    bank_id: int
    growth: Growth
    npl: NplCheck


@dataclass(frozen=True)
class RankRow:
    """One bank's place: ``rank`` None when ineligible, with the reasons (codes) and the inputs it was ranked on."""

    bank_id: int
    value: Decimal | None
    rank: int | None
    tier: RewardTier | None
    reasons: tuple[str, ...]
    figures: BankFigures


def _value(rule: RankingRule, f: BankFigures) -> Decimal | None:
    return f.growth.rate if rule.metric is Metric.GROWTH else f.growth.current


def _reasons(rule: RankingRule, f: BankFigures) -> tuple[str, ...]:
    out: list[str] = []
    if _value(rule, f) is None:
        out.append("no_prior_year")  # growth needs a base
    if rule.require_npl_within:
        if f.npl.overall_ratio is None:
            out.append("overall_npl_missing")
        elif f.npl.within is False:
            out.append("npl_over_tolerance")
    if rule.require_growth_target and f.growth.meets_target is not True:
        out.append("below_growth_target")
    return tuple(out)


def rank(rule: RankingRule, banks: Iterable[BankFigures]) -> list[RankRow]:
    """Rank the eligible banks by the rule's metric, highest first. Equal values (to 0.01 pp for growth, to the fen
    for amounts) share a rank and the next rank is skipped (1, 2, 2, 4): tied banks get the same reward tier. The
    ineligible follow, unranked, with their reasons; ties and the ineligible are listed in bank id order."""
    eligible: list[tuple[Decimal, BankFigures]] = []
    others: list[RankRow] = []
    for f in banks:
        reasons = _reasons(rule, f)
        value = _value(rule, f)
        if reasons or value is None:
            others.append(RankRow(f.bank_id, value, None, None, reasons, f))
        else:
            eligible.append((value, f))
    eligible.sort(key=lambda vf: (-vf[0], vf[1].bank_id))
    rows: list[RankRow] = []
    previous: Decimal | None = None
    place = 0
    for i, (value, f) in enumerate(eligible, start=1):
        if value != previous:
            place, previous = i, value
        rows.append(RankRow(f.bank_id, value, place, tier_of(rule, place), (), f))
    return rows + sorted(others, key=lambda r: r.bank_id)


def tier_of(rule: RankingRule, place: int) -> RewardTier | None:
    for t in sorted(rule.tiers, key=lambda t: t.up_to):
        if place <= t.up_to:
            return t
    return None
