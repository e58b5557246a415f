"""Interest conventions (计息规则): rates, day counts and fen-exact daily accrual.

- An annual rate is a ``Decimal`` fraction: ``0.049`` is 4.90%. Accepted range 0 <= rate <= 36% (above that no
  Chinese court protects the interest; anything higher here is a typing error such as ``4.9`` for 4.9%).
- Monthly rate = annual / 12: instalment schedules count whole months (this is what gives the published examples).
- Daily rate = annual / 360 (日利率 = 年利率 / 360): broken periods, prepayment, penalty interest, actual-day accrual.
- Days are counted 算头不算尾: the first day counts, the last does not, so ``days = (end - start).days`` and the
  accrual for calendar day ``d`` belongs to the period ``[start, end)`` that contains ``d``.

Fen-exact accrual (按日计提): each day's amount is ``round(exact cumulative to date) - already posted``. The exact
cumulative is kept in full precision, every posting is whole fen, and the sum over a period equals the rounded period
total exactly (no drift from rounding each day separately). For scheduled interest the exact cumulative is the
period's scheduled interest spread evenly over its days, so daily accruals add up to the schedule's interest even in
31-day months; for unscheduled interest (overdue, penalty, bullet by days) it is principal x annual / 360 x days.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Final

from ippledge.lending.errors import ACCRUAL_DAY, RATE

FEN: Final = Decimal("0.01")
DAYS_IN_YEAR: Final = 360
MONTHS_IN_YEAR: Final = 12
MAX_ANNUAL_RATE: Final = Decimal("0.36")
PRECISION: Final = 40


def round_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def check_rate(annual_rate: Decimal) -> Decimal:
    """Refuse a rate that is not a finite Decimal in [0, 36%] (``lending.rate``)."""
    if isinstance(annual_rate, bool) or not isinstance(annual_rate, Decimal) or not annual_rate.is_finite():
        raise RATE(rate=repr(annual_rate))
    if not (0 <= annual_rate <= MAX_ANNUAL_RATE):
        raise RATE(rate=str(annual_rate))
    return annual_rate


_RATE_RE: Final = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(%?)\s*$")


def parse_rate(text: str) -> Decimal:
    """``"4.9%"`` or ``"0.049"`` -> ``Decimal("0.049")``; anything else, or out of range, is ``lending.rate``."""
    m = _RATE_RE.match(text or "")
    if m is None:
        raise RATE(rate=repr(text))
    try:
        value = Decimal(m.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise RATE(rate=repr(text)) from None
    if m.group(2):
        value = value / 100
    return check_rate(value.normalize() if value else Decimal(0))


def monthly_rate(annual_rate: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return annual_rate / MONTHS_IN_YEAR


def daily_rate(annual_rate: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return annual_rate / DAYS_IN_YEAR


def interest_for_days(principal: Decimal, annual_rate: Decimal, days: int) -> Decimal:
    """Exact (unrounded) simple interest for ``days`` at annual / 360."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return principal * annual_rate * days / DAYS_IN_YEAR


def accrual_increment(exact_cumulative: Decimal, posted: Decimal) -> Decimal:
    """What to post now so that everything posted equals the rounded exact cumulative (may be 0, or negative
    only if ``posted`` was more than the cumulative)."""
    return round_fen(exact_cumulative) - posted


def _check_day(start: dt.date, end: dt.date, day: dt.date) -> None:
    if not (start <= day < end):
        raise ACCRUAL_DAY(day=day.isoformat(), start=start.isoformat(), end=end.isoformat())


def scheduled_accrual(
    period_interest: Decimal, period_start: dt.date, period_end: dt.date, day: dt.date, posted: Decimal
) -> Decimal:
    """Accrual for calendar ``day`` of a scheduled period ``[period_start, period_end)`` whose interest is fixed.

    ``posted`` is what was already accrued for this period. On the last day (``period_end - 1``) the period total
    is reached exactly.
    """
    _check_day(period_start, period_end, day)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        exact = period_interest * ((day - period_start).days + 1) / (period_end - period_start).days
    return accrual_increment(exact, posted)


def actual_day_accrual(principal: Decimal, annual_rate: Decimal, days_elapsed: int, posted: Decimal) -> Decimal:
    """Accrual at annual / 360 when ``days_elapsed`` days (including today) have run on a constant principal."""
    return accrual_increment(interest_for_days(principal, annual_rate, days_elapsed), posted)


def daily_accruals(
    period_interest: Decimal, period_start: dt.date, period_end: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """Every day's scheduled accrual of one period (what a daily close posts, day by day)."""
    posted = Decimal("0.00")
    out: list[tuple[dt.date, Decimal]] = []
    day = period_start
    while day < period_end:
        step = scheduled_accrual(period_interest, period_start, period_end, day, posted)
        out.append((day, step))
        posted += step
        day += dt.timedelta(days=1)
    return out
