"""What became of the book (处置与代偿成效): claim time-to-cash, disposal sell-through and realisation, and the
whitelist push's engagements and conversion -- pure rules over rows the published faces return.

- Time-to-cash (赔付时效): working days from a claim's filing to the fund's payment (or advance), counted on the
  national working-day calendar (``kernel.calendar``), reported as count, median and 90th percentile (nearest rank:
  the smallest value with at least 90% of the claims at or below it -- a figure some claim actually took).
- Sell-through (成交率): auction rounds that sold over rounds that closed in the period; realisation (处置回收率,
  against appraisal): the sold rounds' prices over their lots' appraisals, amount-weighted.
- Whitelist conversion (白名单转化): firms pushed to banks in the period (engagements), how many of them the bank
  then lent to, and the amount lent.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ippledge.kernel.calendar import WorkingCalendar, default_calendar

RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class TimeToCash:
    claims: int
    median_days: Decimal | None  # working days; .5 when the middle falls between two claims
    p90_days: int | None


def nearest_rank(ordered: Sequence[int], q: Decimal) -> int:
    """The ``q`` quantile of ``ordered`` (ascending, non-empty) by nearest rank."""
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def time_to_cash(pairs: Iterable[tuple[dt.date, dt.date]], calendar: WorkingCalendar | None = None) -> TimeToCash:
    """``pairs`` are (filed on, paid on); a claim paid the day it was filed took 0 working days."""
    cal = calendar or default_calendar()
    days = sorted(cal.working_days_between(filed, paid) for filed, paid in pairs)
    if not days:
        return TimeToCash(0, None, None)
    n = len(days)
    mid = Decimal(days[n // 2]) if n % 2 else (Decimal(days[n // 2 - 1]) + Decimal(days[n // 2])) / 2
    return TimeToCash(n, mid.quantize(Decimal("0.1")), nearest_rank(days, Decimal("0.9")))


@dataclass(frozen=True)
class Disposal:
    rounds_closed: int
    rounds_sold: int
    sell_through: Decimal | None
    appraisal_sold: Decimal  # appraisals of the lots of the sold rounds (元)
    proceeds: Decimal  # their prices (元)
    realisation: Decimal | None  # proceeds / appraisal_sold


def disposal(rounds: Iterable[tuple[bool, Decimal, Decimal | None]]) -> Disposal:
    """``rounds`` are (sold, the lot's appraisal, the price) of the auction rounds closed in the period."""
    closed = sold = 0
    appraisal = proceeds = Decimal("0.00")
    for was_sold, lot_appraisal, price in rounds:
        closed += 1
        if was_sold and price is not None:
            sold += 1
            appraisal += lot_appraisal
            proceeds += price
    return Disposal(
        rounds_closed=closed,
        rounds_sold=sold,
        sell_through=None if not closed else (Decimal(sold) / closed).quantize(RATIO),
        appraisal_sold=appraisal,
        proceeds=proceeds,
        realisation=None if appraisal <= 0 else (proceeds / appraisal).quantize(RATIO),
    )


@dataclass(frozen=True)
class Whitelist:
    engagements: int  # firms pushed to a bank in the period (推送对接)
    lent: int  # of them, lent to by that bank after the push
    conversion: Decimal | None
    lent_amount: Decimal


def whitelist(pushed: int, lent: int, lent_amount: Decimal) -> Whitelist:
    return Whitelist(pushed, lent, None if not pushed else (Decimal(lent) / pushed).quantize(RATIO), lent_amount)
