"""A bank's view of itself and the anonymised market (同业匿名对标): pure rules, no database.

A bank sees its own line, named, and the rest of the market only as aggregates over banks: totals, quartiles and
its own place ("rank 4 of 17"). No other bank's name, id or single figure is ever given. Minimum cell size: an
aggregate is shown only when at least ``MIN_OTHER_BANKS`` (3) banks other than the viewer contribute to it;
otherwise it is suppressed (null, with the reason), so a bank cannot subtract itself from a total of two and read
its one competitor's figure. Quartiles are not extremes: the minimum and maximum are single banks' figures and are
never shown. See decision record 0034.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

MIN_OTHER_BANKS = 3  # 最小单元规则: an aggregate needs at least three other banks behind it


@dataclass(frozen=True)
class MetricSpread:
    """One figure across the market's banks: how many banks have it, the market total (additive figures only), the
    quartiles, the viewer's own value and its place (1 = highest) among the ``banks`` that have it. Everything but
    ``own`` is None when ``suppressed``."""

    metric: str
    banks: int
    suppressed: bool
    total: Decimal | None
    p25: Decimal | None
    median: Decimal | None
    p75: Decimal | None
    own: Decimal | None
    own_place: int | None


def quantile(ordered: Sequence[Decimal], q: Decimal) -> Decimal:
    """The ``q`` quantile of ``ordered`` (ascending, non-empty) by linear interpolation between order statistics
    (the 'inclusive' method: the median of 1, 2, 3, 4 is 2.5)."""
    position = (len(ordered) - 1) * q
    low = int(position)
    if low + 1 >= len(ordered):
        return ordered[-1]
    frac = position - low
    return ordered[low] + (ordered[low + 1] - ordered[low]) * frac


def spread(
    metric: str,
    values: Mapping[int, Decimal | None],
    own_id: int,
    additive: bool,
    places: Decimal = Decimal("0.0001"),
    min_others: int = MIN_OTHER_BANKS,
) -> MetricSpread:
    """``values`` is ``bank id -> figure`` for every bank in the market (None: the bank has no such figure, e.g. no
    growth without a prior year). The viewer's place counts equal values as one place (1, 2, 2, 4)."""
    known = {b: v for b, v in values.items() if v is not None}
    own = known.get(own_id)
    others = sum(1 for b in known if b != own_id)
    if others < min_others:
        return MetricSpread(metric, len(known), True, None, None, None, None, own, None)
    ordered = sorted(known.values())
    place = None if own is None else 1 + sum(1 for v in known.values() if v > own)
    return MetricSpread(
        metric=metric,
        banks=len(known),
        suppressed=False,
        total=sum(ordered, Decimal(0)).quantize(places) if additive else None,
        p25=quantile(ordered, Decimal("0.25")).quantize(places),
        median=quantile(ordered, Decimal("0.5")).quantize(places),
        p75=quantile(ordered, Decimal("0.75")).quantize(places),
        own=own,
        own_place=place,
    )


def enough_others(bank_ids: Sequence[int], own_id: int, min_others: int = MIN_OTHER_BANKS) -> bool:
    """Whether a market of ``bank_ids`` may be shown to ``own_id`` in aggregate at all."""
    return sum(1 for b in set(bank_ids) if b != own_id) >= min_others
