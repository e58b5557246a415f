"""Branch KPIs (网点考核): IP financing as a separate bonus item, definitions as versioned data, scored per branch and
team against targets scaled to the period. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ippledge.supervision import errors
from ippledge.supervision.cube import (
    RATIO,
    ZERO,
    Dimension,
    LoanFact,
    Period,
    loan_cube,
)
from ippledge.supervision.tolerance import NplCheck, npl_check

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
