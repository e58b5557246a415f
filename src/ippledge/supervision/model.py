"""Supervision rules (监管统计规则): the statistics cube, growth against the target, the NPL tolerance, rankings.

Pure: no database, no framework. The regulator's levers as the article states them (DOMAIN.md §4, §10):

- 累放 (amounts disbursed in the period) and their year-on-year growth against a target of at least 20%;
- a bank's IP-loan NPL ratio may exceed its overall NPL ratio by up to 3 percentage points (within: excess <= 3 pp);
- the inclusive (普惠) share: deals under 10m CNY (2021-23), under 20m from 2024 -- thresholds as dated data;
- banks ranked for rewards by rules that are data (``RankingRule``), equal figures sharing a rank.

Two bases are kept apart: loans (the banking regulator's series, ``LoanFact``) and pledge registrations (the IP
office's series of registered amounts, ``RegistrationFact``); nothing here adds one to the other.

The rules live by job -- ``cube`` (periods, facts, the cube, corrections), ``tolerance`` (growth and the NPL
tolerance), ``ranking`` (rules, tiers, ranks) and ``kpi`` (branch KPIs) -- and this module re-exports their public
names, so callers keep writing ``model.X``.
"""

from __future__ import annotations

from ippledge.supervision.cube import (
    GRADES,
    GROWTH_TARGET,
    INCLUSIVE_CAPS,
    NPL_GRADES,
    NPL_TOLERANCE,
    RATIO,
    ZERO,
    Correction,
    Dimension,
    InclusiveCap,
    LoanCell,
    LoanFact,
    Period,
    RegistrationCell,
    RegistrationFact,
    apply_corrections,
    corrected_grade,
    dimensions,
    inclusive_cap,
    is_inclusive,
    loan_cube,
    ratio,
    registration_cube,
)
from ippledge.supervision.kpi import (
    KPI_DEFINITIONS,
    ItemScore,
    KpiDefinition,
    KpiItem,
    KpiMetric,
    KpiScore,
    KpiUnit,
    kpi_definition,
    kpi_units,
    score,
)
from ippledge.supervision.ranking import (
    RANKING_RULES,
    BankFigures,
    Metric,
    RankingRule,
    RankRow,
    RewardTier,
    rank,
    ranking_rule,
    tier_of,
)
from ippledge.supervision.tolerance import (
    Growth,
    NplCheck,
    growth,
    npl_check,
)

__all__ = [
    "GRADES",
    "GROWTH_TARGET",
    "INCLUSIVE_CAPS",
    "KPI_DEFINITIONS",
    "NPL_GRADES",
    "NPL_TOLERANCE",
    "RANKING_RULES",
    "RATIO",
    "ZERO",
    "BankFigures",
    "Correction",
    "Dimension",
    "Growth",
    "InclusiveCap",
    "ItemScore",
    "KpiDefinition",
    "KpiItem",
    "KpiMetric",
    "KpiScore",
    "KpiUnit",
    "LoanCell",
    "LoanFact",
    "Metric",
    "NplCheck",
    "Period",
    "RankRow",
    "RankingRule",
    "RegistrationCell",
    "RegistrationFact",
    "RewardTier",
    "apply_corrections",
    "corrected_grade",
    "dimensions",
    "growth",
    "inclusive_cap",
    "is_inclusive",
    "kpi_definition",
    "kpi_units",
    "loan_cube",
    "npl_check",
    "rank",
    "ranking_rule",
    "ratio",
    "registration_cube",
    "score",
    "tier_of",
]
