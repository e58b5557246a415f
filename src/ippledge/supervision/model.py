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
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from ippledge.supervision import errors

ZERO = Decimal("0.00")
RATIO = Decimal("0.0001")  # ratios shown and ranked to 0.01 percentage point
GROWTH_TARGET = Decimal("0.20")  # 年累放金额增速 >= 20% (Beijing)
NPL_TOLERANCE = Decimal("0.03")  # IP-loan NPL ratio <= overall NPL ratio + 3 pp
NPL_GRADES = frozenset({"substandard", "doubtful", "loss"})  # 次级, 可疑, 损失
GRADES = ("normal", "special_mention", "substandard", "doubtful", "loss")  # 五级分类 (lending.model.Grade codes)


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
    branch_id: int | None = None  # the bank unit that signed it (None: signed by someone not posted)
    branch_type: str = ""  # access.model.BranchType of that unit
    team: str = ""  # the signing officer's team


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
    BRANCH = "branch"  # the bank unit that signed the loan (loans only)
    BRANCH_TYPE = "branch_type"  # 科技特色 / 文化特色 / ordinary (loans only)
    TEAM = "team"  # the signing officer's team (loans only)


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
        elif d is Dimension.BRANCH:
            branch = fact.branch_id if isinstance(fact, LoanFact) else None
            parts.append("" if branch is None else str(branch))
        elif d in (Dimension.BRANCH_TYPE, Dimension.TEAM):
            parts.append(str(getattr(fact, d.value)) if isinstance(fact, LoanFact) else "")
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


# -- back-dated corrections (报送更正, bitemporal) ----------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """A loan's five-tier grade as reported to the regulator, corrected from ``effective_on`` (when it is true) and
    recorded on ``recorded_on`` (when it became known); ``seq`` orders records made the same day."""

    loan_id: int
    grade: str
    effective_on: dt.date
    recorded_on: dt.date
    seq: int


def corrected_grade(corrections: Iterable[Correction], on: dt.date, known_on: dt.date | None) -> dict[int, str]:
    """``loan id -> grade`` on ``on`` by the corrections known on ``known_on`` (None: all of them).

    For each loan the correction in force is the one with the latest effective date on or before ``on``; of several
    with that date, the latest recorded. A correction effective after ``on`` changes nothing on ``on``, and one
    recorded after ``known_on`` is not yet known: a report as of an earlier date is reproduced as it stood."""
    best: dict[int, Correction] = {}
    for c in corrections:
        if c.effective_on > on or (known_on is not None and c.recorded_on > known_on):
            continue
        held = best.get(c.loan_id)
        if held is None or (c.effective_on, c.recorded_on, c.seq) > (held.effective_on, held.recorded_on, held.seq):
            best[c.loan_id] = c
    return {loan_id: c.grade for loan_id, c in best.items()}


def apply_corrections(
    facts: Iterable[LoanFact], corrections: Iterable[Correction], end: dt.date, known_on: dt.date | None
) -> list[LoanFact]:
    """The facts at ``end`` with the grades reported by the corrections in force then and known on ``known_on``:
    a corrected grade replaces the book's grade from its effective date (it is the bank's own restatement)."""
    grades = corrected_grade(corrections, end, known_on)
    out = []
    for f in facts:
        grade = grades.get(f.loan_id)
        out.append(f if grade is None else replace(f, npl=grade in NPL_GRADES and f.balance > 0))
    return out


# -- branch KPIs (网点考核: IP financing as a separate item) -------------------------------------------------------


class KpiMetric(StrEnum):
    DISBURSED = "disbursed"  # 累放金额 in the period (元)
    BORROWERS = "borrowers"  # 贷款户数 with a balance at the period's end
    FIRST_TIME = "first_time_borrowers"  # 首贷户 in the period
    NPL_WITHIN = "npl_within"  # the unit's IP-loan NPL ratio within its bank's overall ratio + 3 pp


@dataclass(frozen=True)
class KpiItem:
    """One scored item: full ``points`` at 100% of the target for the unit's branch type, pro rata below, capped at
    ``cap`` (超额封顶); ``npl_within`` scores all or nothing and has no target."""

    metric: KpiMetric
    points: Decimal
    targets: tuple[tuple[str, Decimal], ...] = ()  # (branch type, target) for a period of one year
    cap: Decimal = Decimal("1.2")

    def target_for(self, branch_type: str) -> Decimal | None:
        return dict(self.targets).get(branch_type)


@dataclass(frozen=True)
class KpiDefinition:
    """A version of a KPI scheme (考核方案), in force from ``effective_from`` until the next version."""

    code: str
    version: str
    effective_from: dt.date
    items: tuple[KpiItem, ...]
    name_zh: str
    name_en: str


def _targets(tech: str, culture: str, ordinary: str) -> tuple[tuple[str, Decimal], ...]:
    return (("tech", Decimal(tech)), ("culture", Decimal(culture)), ("ordinary", Decimal(ordinary)))


# Versioned data. The article (DOMAIN.md §10): banks made IP financing a separate item (单列) of their branches'
# KPIs. Targets and points are the project's example scheme (assumption), not any bank's published one.
KPI_DEFINITIONS: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        code="ip_financing",
        version="2021",
        effective_from=dt.date(2021, 1, 1),
        items=(
            KpiItem(KpiMetric.DISBURSED, Decimal("50"), _targets("30000000", "20000000", "5000000")),
            KpiItem(KpiMetric.BORROWERS, Decimal("30"), _targets("10", "6", "2")),
            KpiItem(KpiMetric.NPL_WITHIN, Decimal("20")),
        ),
        name_zh="知识产权融资单列考核（2021版）",
        name_en="IP financing as a separate KPI item (2021)",
    ),
    KpiDefinition(
        code="ip_financing",
        version="2022",
        effective_from=dt.date(2022, 1, 1),
        items=(
            KpiItem(KpiMetric.DISBURSED, Decimal("40"), _targets("40000000", "25000000", "6000000")),
            KpiItem(KpiMetric.BORROWERS, Decimal("20"), _targets("12", "8", "3")),
            KpiItem(KpiMetric.FIRST_TIME, Decimal("20"), _targets("4", "3", "1")),
            KpiItem(KpiMetric.NPL_WITHIN, Decimal("20")),
        ),
        name_zh="知识产权融资单列考核（2022版，增设首贷户）",
        name_en="IP financing as a separate KPI item (2022, first-time borrowers added)",
    ),
)


def kpi_definition(code: str, on: dt.date, definitions: Sequence[KpiDefinition] = KPI_DEFINITIONS) -> KpiDefinition:
    """The version of ``code`` in force on ``on`` (a period is scored by the version in force on its first day)."""
    versions = sorted((d for d in definitions if d.code == code), key=lambda d: d.effective_from)
    if not versions:
        raise errors.UNKNOWN_KPI(code=code, known=", ".join(sorted({d.code for d in definitions})))
    in_force = [d for d in versions if d.effective_from <= on]
    if not in_force:
        raise errors.KPI_NOT_IN_FORCE(code=code, on=on.isoformat(), first=versions[0].effective_from.isoformat())
    return in_force[-1]


@dataclass(frozen=True)
class KpiUnit:
    """A scored unit: a branch (``team`` empty) or a team of a branch, with its figures for the period."""

    bank_id: int
    branch_id: int
    branch_type: str
    team: str
    disbursed: Decimal
    borrowers: int
    first_time_borrowers: int
    npl: NplCheck


@dataclass(frozen=True)
class ItemScore:
    metric: KpiMetric
    actual: Decimal | None
    target: Decimal | None
    achievement: Decimal  # 0..cap (npl_within: 0 or 1)
    points: Decimal  # earned
    max_points: Decimal


@dataclass(frozen=True)
class KpiScore:
    unit: KpiUnit
    items: tuple[ItemScore, ...]
    total: Decimal
    max_total: Decimal


def _scale(target: Decimal, period: Period) -> Decimal:
    """A yearly target pro rata for a shorter or longer period (by days; a calendar year is 1)."""
    days = (period.end - period.start).days + 1
    try:
        next_year = period.start.replace(year=period.start.year + 1)
    except ValueError:  # 29 February
        next_year = period.start.replace(year=period.start.year + 1, day=28)
    year = (next_year - period.start).days
    return target if days == year else (target * days / year).quantize(Decimal("0.01"))


def kpi_units(
    facts: Iterable[LoanFact],
    period: Period,
    branches: dict[int, tuple[int, str]],
    overall: dict[int, Decimal],
    by_team: bool = False,
) -> list[KpiUnit]:
    """The units' figures: ``branches`` is ``branch id -> (bank id, branch type)``; ``overall`` the banks' overall
    NPL ratios. Every branch is a unit (with zeros when it lent nothing); by team, the teams that lent or hold a
    balance. Loans signed by no posted officer belong to no unit."""
    by = (Dimension.BRANCH, Dimension.TEAM) if by_team else (Dimension.BRANCH,)
    cells = {c.key: c for c in loan_cube((f for f in facts if f.branch_id is not None), period, by)}
    keys: list[tuple[str, ...]] = sorted(cells, key=lambda k: (int(k[0]), k[1:]))
    if not by_team:
        keys = [(str(b),) for b in sorted(branches)]
    out = []
    for key in keys:
        branch = int(key[0])
        if branch not in branches:
            continue
        bank, kind = branches[branch]
        cell = cells.get(key)
        balance = ZERO if cell is None or cell.balance is None else cell.balance
        npl = ZERO if cell is None or cell.npl_balance is None else cell.npl_balance
        out.append(
            KpiUnit(
                bank_id=bank,
                branch_id=branch,
                branch_type=kind,
                team=key[1] if by_team else "",
                disbursed=ZERO if cell is None else cell.disbursed,
                borrowers=0 if cell is None or cell.borrowers is None else cell.borrowers,
                first_time_borrowers=0 if cell is None else cell.first_time_borrowers,
                npl=npl_check(npl, balance, overall.get(bank)),
            )
        )
    return out


def score(definition: KpiDefinition, unit: KpiUnit, period: Period) -> KpiScore:
    """The unit's score under ``definition``: each item's achievement (actual / target for the period, capped) times
    its points; ``npl_within`` earns its points only when the check is known and within (no balance: not scored)."""
    items = []
    for item in definition.items:
        if item.metric is KpiMetric.NPL_WITHIN:
            achieved = Decimal(1) if unit.npl.within is True else Decimal(0)
            items.append(ItemScore(item.metric, unit.npl.excess, None, achieved, item.points * achieved, item.points))
            continue
        actual = {
            KpiMetric.DISBURSED: unit.disbursed,
            KpiMetric.BORROWERS: Decimal(unit.borrowers),
            KpiMetric.FIRST_TIME: Decimal(unit.first_time_borrowers),
        }[item.metric]
        yearly = item.target_for(unit.branch_type)
        target = None if yearly is None else _scale(yearly, period)
        if target is None or target <= 0:
            achieved = Decimal(0)
        else:
            achieved = min(actual / target, item.cap).quantize(RATIO)
        items.append(
            ItemScore(
                item.metric, actual, target, achieved, (item.points * achieved).quantize(Decimal("0.01")), item.points
            )
        )
    total = sum((i.points for i in items), ZERO)
    return KpiScore(unit, tuple(items), total, sum((i.max_points for i in items), ZERO))
