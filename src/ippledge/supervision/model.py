"""Supervision rules (监管统计规则): the statistics cube, growth against the target, the NPL tolerance, rankings.

Pure: no database, no framework. The regulator's levers as the article states them (DOMAIN.md §4, §10):

- 累放 (amounts disbursed in the period) and their year-on-year growth against a target of at least 20%;
- a bank's IP-loan NPL ratio may exceed its overall NPL ratio by up to 3 percentage points (within: excess <= 3 pp);
- the inclusive (普惠) share: deals under 10m CNY (2021-23), under 20m from 2024 -- thresholds as dated data;
- banks ranked for rewards by rules that are data (``RankingRule``), equal figures sharing a rank.

Two bases are kept apart: loans (the banking regulator's series, ``LoanFact``) and pledge registrations (the IP
office's series of registered amounts, ``RegistrationFact``); nothing here adds one to the other.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from ippledge.supervision import errors

ZERO = Decimal("0.00")
RATIO = Decimal("0.0001")  # ratios shown and ranked to 0.01 percentage point
GROWTH_TARGET = Decimal("0.20")  # 年累放金额增速 >= 20% (Beijing)
NPL_TOLERANCE = Decimal("0.03")  # IP-loan NPL ratio <= overall NPL ratio + 3 pp
NPL_GRADES = frozenset({"substandard", "doubtful", "loss"})  # 次级, 可疑, 损失


@dataclass(frozen=True)
class InclusiveCap:
    """普惠口径: a deal strictly below ``cap`` yuan counts as inclusive from ``effective_from``."""

    effective_from: dt.date
    cap: Decimal


# Versioned data: the earliest entry also covers the years before it (the article's figures start in 2019).
INCLUSIVE_CAPS: tuple[InclusiveCap, ...] = (
    InclusiveCap(dt.date(2021, 1, 1), Decimal("10000000.00")),
    InclusiveCap(dt.date(2024, 1, 1), Decimal("20000000.00")),
)


def inclusive_cap(on: dt.date, caps: Sequence[InclusiveCap] = INCLUSIVE_CAPS) -> Decimal:
    """The inclusive-size cap in force on ``on`` (the earliest one before the first date)."""
    ordered = sorted(caps, key=lambda c: c.effective_from)
    chosen = ordered[0]
    for c in ordered:
        if c.effective_from <= on:
            chosen = c
    return chosen.cap


def is_inclusive(amount: Decimal, on: dt.date, caps: Sequence[InclusiveCap] = INCLUSIVE_CAPS) -> bool:
    return amount < inclusive_cap(on, caps)


# -- periods --------------------------------------------------------------------------------------------------------


def _year_back(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """A reporting period, both ends included (e.g. 2022-01-01..2022-09-30 for Q1-Q3)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise errors.PERIOD_REVERSED(start=self.start.isoformat(), end=self.end.isoformat())

    def contains(self, d: dt.date | None) -> bool:
        return d is not None and self.start <= d <= self.end

    def prior_year(self) -> Period:
        """The same period a year earlier: the base of year-on-year growth (同比)."""
        return Period(_year_back(self.start), _year_back(self.end))


# -- facts ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoanFact:
    """One loan as the cube reads it. ``balance`` and ``npl`` are as of the period's end; ``first_loan`` marks the
    borrower's first loan on the platform (earliest disbursement, then lowest id): its borrower is a 首贷户 of the bank
    that made it, in the period it was disbursed, and of no other bank."""

    loan_id: int
    bank_id: int
    borrower_id: int
    district: str
    product: str
    ip_kind: str
    firm_size: str
    principal: Decimal
    disbursed_on: dt.date | None
    annual_rate: Decimal  # a fraction: 0.0385 is 3.85%
    lpr: Decimal | None  # the LPR the rate was priced on, a fraction
    balance: Decimal
    npl: bool
    first_loan: bool


@dataclass(frozen=True)
class RegistrationFact:
    """One pledge registration (质押登记) as the IP office counts it: the registered amount on its effective date."""

    pledge_id: int
    pledgee_id: int
    pledgor_id: int
    effective_on: dt.date
    amount: Decimal
    ip_kind: str
    district: str
    firm_size: str


class Dimension(StrEnum):
    BANK = "bank"
    DISTRICT = "district"
    MONTH = "month"  # the month of disbursement (flows only)
    PRODUCT = "product"
    IP_KIND = "ip_kind"
    FIRM_SIZE = "firm_size"


def dimensions(names: Iterable[str]) -> tuple[Dimension, ...]:
    out: list[Dimension] = []
    for n in names:
        try:
            d = Dimension(n)
        except ValueError:
            raise errors.UNKNOWN_DIMENSION(name=n, known=", ".join(x.value for x in Dimension)) from None
        if d not in out:
            out.append(d)
    return tuple(out)


def _key(fact: LoanFact | RegistrationFact, by: Sequence[Dimension]) -> tuple[str, ...]:
    parts: list[str] = []
    for d in by:
        if d is Dimension.BANK:
            parts.append(str(fact.bank_id if isinstance(fact, LoanFact) else fact.pledgee_id))
        elif d is Dimension.MONTH:
            on = fact.disbursed_on if isinstance(fact, LoanFact) else fact.effective_on
            parts.append("" if on is None else f"{on:%Y-%m}")
        elif d is Dimension.PRODUCT:
            parts.append(fact.product if isinstance(fact, LoanFact) else "")
        else:
            parts.append(str(getattr(fact, d.value)))
    return tuple(parts)


def ratio(num: Decimal, den: Decimal) -> Decimal | None:
    """``num / den`` to 0.01 pp, or None over nothing."""
    return None if den <= 0 else (num / den).quantize(RATIO)


# -- the loan cube --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoanCell:
    """One cell of the loan cube. Flows cover loans disbursed in the period; stocks (balance, borrowers, NPL) are as
    of the period's end and are ``None`` in cells cut by month (a stock has no month of disbursement)."""

    key: tuple[str, ...]
    disbursed: Decimal  # 累放金额
    disbursed_count: int  # 累放笔数
    first_time_borrowers: int  # 首贷户: borrowers whose first loan on the platform is in the cell
    inclusive_amount: Decimal  # 普惠口径 disbursed below the cap in force on the day
    inclusive_count: int
    inclusive_share: Decimal | None  # of the amount disbursed
    average_rate: Decimal | None  # amount-weighted, disbursed in the period
    average_spread_bp: Decimal | None  # over the LPR the loans were priced on, amount-weighted
    balance: Decimal | None  # 贷款余额
    borrowers: int | None  # 贷款户数 with a balance
    npl_balance: Decimal | None  # 不良贷款余额
    npl_ratio: Decimal | None


@dataclass
class _Acc:
    disbursed: Decimal = ZERO
    count: int = 0
    first: set[int] = field(default_factory=set)
    incl: Decimal = ZERO
    incl_count: int = 0
    rate_w: Decimal = ZERO
    spread_w: Decimal = ZERO
    spread_base: Decimal = ZERO
    balance: Decimal = ZERO
    borrowers: set[int] = field(default_factory=set)
    npl: Decimal = ZERO


def loan_cube(
    facts: Iterable[LoanFact],
    period: Period,
    by: Sequence[Dimension],
    caps: Sequence[InclusiveCap] = INCLUSIVE_CAPS,
) -> list[LoanCell]:
    """The loan cube cut by ``by`` (no dimension: one cell, the total), cells in key order."""
    with_stock = Dimension.MONTH not in by
    acc: dict[tuple[str, ...], _Acc] = defaultdict(_Acc)
    for f in facts:
        flow = period.contains(f.disbursed_on)
        if not flow and not (with_stock and f.balance > 0):
            continue
        a = acc[_key(f, by)]
        if flow and f.disbursed_on is not None:
            a.disbursed += f.principal
            a.count += 1
            if f.first_loan:
                a.first.add(f.borrower_id)
            if is_inclusive(f.principal, f.disbursed_on, caps):
                a.incl += f.principal
                a.incl_count += 1
            a.rate_w += f.annual_rate * f.principal
            if f.lpr is not None:
                a.spread_w += (f.annual_rate - f.lpr) * f.principal
                a.spread_base += f.principal
        if with_stock and f.balance > 0:
            a.balance += f.balance
            a.borrowers.add(f.borrower_id)
            if f.npl:
                a.npl += f.balance
    cells = []
    for key in sorted(acc):
        a = acc[key]
        cells.append(
            LoanCell(
                key=key,
                disbursed=a.disbursed,
                disbursed_count=a.count,
                first_time_borrowers=len(a.first),
                inclusive_amount=a.incl,
                inclusive_count=a.incl_count,
                inclusive_share=ratio(a.incl, a.disbursed),
                average_rate=None if a.disbursed <= 0 else (a.rate_w / a.disbursed).quantize(Decimal("0.000001")),
                average_spread_bp=(
                    None if a.spread_base <= 0 else (a.spread_w / a.spread_base * 10_000).quantize(Decimal("0.1"))
                ),
                balance=a.balance if with_stock else None,
                borrowers=len(a.borrowers) if with_stock else None,
                npl_balance=a.npl if with_stock else None,
                npl_ratio=ratio(a.npl, a.balance) if with_stock else None,
            )
        )
    return cells


# -- the registration cube (the IP office's series) ---------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationCell:
    key: tuple[str, ...]
    registrations: int  # 质押登记笔数
    registered_amount: Decimal  # 质押登记金额 (the debt amount registered)


def registration_cube(
    facts: Iterable[RegistrationFact], period: Period, by: Sequence[Dimension]
) -> list[RegistrationCell]:
    """Registrations that took effect in the period, cut by ``by`` (``bank`` is the pledgee; ``product`` is empty)."""
    acc: dict[tuple[str, ...], tuple[int, Decimal]] = {}
    for f in facts:
        if not period.contains(f.effective_on):
            continue
        k = _key(f, by)
        n, amount = acc.get(k, (0, ZERO))
        acc[k] = (n + 1, amount + f.amount)
    return [RegistrationCell(k, acc[k][0], acc[k][1]) for k in sorted(acc)]


# -- targets and tolerance ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    """同比增速: this period's 累放 against the same period a year earlier. ``rate`` is None without a base."""

    current: Decimal
    prior: Decimal
    rate: Decimal | None
    target: Decimal
    meets_target: bool | None


def growth(current: Decimal, prior: Decimal, target: Decimal = GROWTH_TARGET) -> Growth:
    """Growth compared unrounded against the target; ``rate`` is shown to 0.01 pp."""
    if prior <= 0:
        return Growth(current, prior, None, target, None)
    exact = (current - prior) / prior
    return Growth(current, prior, exact.quantize(RATIO), target, exact >= target)


@dataclass(frozen=True)
class NplCheck:
    """不良容忍度: the IP-loan NPL ratio against the bank's overall NPL ratio plus the tolerance.

    ``within`` is None when either ratio is unknown (no IP-loan balance, or no overall ratio recorded)."""

    ip_ratio: Decimal | None
    overall_ratio: Decimal | None
    excess: Decimal | None  # ip_ratio - overall_ratio
    tolerance: Decimal
    within: bool | None


def npl_check(
    npl_balance: Decimal, balance: Decimal, overall_ratio: Decimal | None, tolerance: Decimal = NPL_TOLERANCE
) -> NplCheck:
    """Compared on the exact ratio (not the rounded one), so 'just inside' and 'just outside' are what they say;
    an excess of exactly the tolerance is within ("may exceed by up to 3 pp")."""
    if balance <= 0 or overall_ratio is None:
        shown = ratio(npl_balance, balance)
        return NplCheck(shown, overall_ratio, None, tolerance, None)
    exact = npl_balance / balance
    excess = exact - overall_ratio
    return NplCheck(exact.quantize(RATIO), overall_ratio, excess.quantize(RATIO), tolerance, excess <= tolerance)


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
