"""Value dates (起息日/记账日) of money calls, as a pure rule.

No money moves on a date after the business date (营业日): a repayment dated years ahead would book interest that
has not been earned. Nor may it move before the loan's last closed date (``accrued_through``): that day's accrual,
penalty and grade are already booked, and a receipt dated before them would be applied to a state that no longer
holds.
"""

from __future__ import annotations

import datetime as dt

from ippledge.lending.errors import VALUE_DATE, VALUE_DATE_FUTURE


def check_value_date(
    value_date: dt.date, today: dt.date, *, what_zh: str = "记账日", closed_through: dt.date | None = None
) -> dt.date:
    """``value_date`` unchanged, or ``lending.value_date_future`` / ``lending.value_date`` (both 422)."""
    if value_date > today:
        raise VALUE_DATE_FUTURE(what_zh=what_zh, value_date=value_date.isoformat(), today=today.isoformat())
    if closed_through is not None and value_date < closed_through:
        raise VALUE_DATE(
            what_zh=what_zh,
            value_date=value_date.isoformat(),
            limit_zh="该贷款最近日终日",
            limit_en="loan's last closed date",
            limit=closed_through.isoformat(),
        )
    return value_date
