"""Days past due and penalty interest (逾期天数与罚息).

- Days past due (DPD) run from the oldest unpaid due date: an instalment due on D and still unpaid on D + 1 is
  1 day past due. With a ``grace_calendar`` a due date on a rest day is met by paying on the next working day
  (宽限至下一工作日): until that day DPD is 0; after it, DPD counts from the original due date.
- Penalty interest (罚息) accrues on overdue principal at the contract rate x (1 + uplift) per day (daily rate =
  annual / 360), for each day the principal is overdue (算头不算尾: due date to payment date). The uplift is
  contractual, typically 30%-50%; accepted 0-100%.
- Non-accrual (非应计): more than ``NON_ACCRUAL_DPD`` (90) days past due, the loan's interest is no longer
  recognised as income; it accrues off balance sheet (表外利息, memo accounts) and is income only when received.
- Compound interest (复利) on overdue interest at the same penalty rate is an option, off by default: some contracts
  and courts allow it, and when it applies it is booked like penalty interest.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext
from typing import Final

from ippledge.kernel.calendar import WorkingCalendar
from ippledge.lending.errors import PENALTY_UPLIFT
from ippledge.lending.model.interest import DAYS_IN_YEAR, PRECISION, check_rate, round_fen

NON_ACCRUAL_DPD: Final = 90
DEFAULT_UPLIFT: Final = Decimal("0.5")
MAX_UPLIFT: Final = Decimal("1")


def days_past_due(
    oldest_unpaid_due: dt.date | None, as_of: dt.date, *, grace_calendar: WorkingCalendar | None = None
) -> int:
    """Calendar days from the oldest unpaid due date to ``as_of`` (0 when nothing is overdue)."""
    if oldest_unpaid_due is None or as_of <= oldest_unpaid_due:
        return 0
    in_grace = (
        grace_calendar is not None
        and not grace_calendar.is_working_day(oldest_unpaid_due)
        and as_of <= grace_calendar.next_working_day(oldest_unpaid_due)
    )
    if in_grace:
        return 0
    return (as_of - oldest_unpaid_due).days


def is_non_accrual(dpd: int) -> bool:
    """More than 90 days past due: interest accrues off balance sheet (表外) until received."""
    return dpd > NON_ACCRUAL_DPD


def penalty_rate(annual_rate: Decimal, uplift: Decimal = DEFAULT_UPLIFT) -> Decimal:
    """Annual penalty rate = contract rate x (1 + uplift)."""
    check_rate(annual_rate)
    if isinstance(uplift, bool) or not isinstance(uplift, Decimal) or not (0 <= uplift <= MAX_UPLIFT):
        raise PENALTY_UPLIFT(uplift=str(uplift))
    return annual_rate * (1 + uplift)


def penalty_for_day(
    overdue_principal: Decimal,
    annual_rate: Decimal,
    uplift: Decimal = DEFAULT_UPLIFT,
    *,
    overdue_interest: Decimal = Decimal(0),
    compound: bool = False,
) -> Decimal:
    """Exact (unrounded) penalty for one day; accrue it with ``interest.accrual_increment`` to stay fen-exact."""
    rate = penalty_rate(annual_rate, uplift)
    base = overdue_principal + (overdue_interest if compound else 0)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return base * rate / DAYS_IN_YEAR


def penalty_between(
    overdue_principal: Decimal,
    annual_rate: Decimal,
    start: dt.date,
    end: dt.date,
    uplift: Decimal = DEFAULT_UPLIFT,
    *,
    overdue_interest: Decimal = Decimal(0),
    compound: bool = False,
) -> Decimal:
    """Penalty for the days ``[start, end)`` on constant overdue amounts, rounded to the fen."""
    days = max((end - start).days, 0)
    daily = penalty_for_day(
        overdue_principal, annual_rate, uplift, overdue_interest=overdue_interest, compound=compound
    )
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return round_fen(daily * days)
