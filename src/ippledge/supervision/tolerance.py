"""Targets and tolerance (增速目标与不良容忍度): year-on-year growth of 累放 against the 20% target, and a bank's
IP-loan NPL ratio against its overall NPL ratio plus 3 percentage points. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ippledge.supervision.cube import (
    GROWTH_TARGET,
    NPL_TOLERANCE,
    RATIO,
    ratio,
)

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
