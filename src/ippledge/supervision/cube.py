"""Supervision facts and cubes (监管统计口径): periods, loan and registration facts, the statistics cube, back-dated
corrections.

Pure: no database, no framework. The regulator's levers as the article states them (DOMAIN.md §4, §10):

- 累放 (amounts disbursed in the period) and their year-on-year growth against a target of at least 20%;
- a bank's IP-loan NPL ratio may exceed its overall NPL ratio by up to 3 percentage points (within: excess <= 3 pp);
- the inclusive (普惠) share: deals under 10m CNY (2021-23), under 20m from 2024 -- thresholds as dated data;
- banks ranked for rewards by rules that are data (``RankingRule``), equal figures sharing a rank.

Two bases are kept apart: loans (the banking regulator's series, ``LoanFact``) and pledge registrations (the IP
office's series of registered amounts, ``RegistrationFact``); nothing here adds one to the other.

Growth and the NPL tolerance are in ``tolerance``, rankings in ``ranking``, branch KPIs in ``kpi``; ``model``
re-exports all of them.
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
