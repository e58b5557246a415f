"""The early-recall rule (提前收回, ``lending.model.recall``) without a database: the running instalment carries all
principal not yet due and interest to the recall date; later instalments go; nothing to recall after maturity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.lending.model.recall import Row, recall_plan

D = Decimal
ZERO = D("0.00")


def _rows() -> list[Row]:
    d = dt.date
    return [
        Row(1, d(2025, 1, 10), d(2025, 2, 10), D("100000.00"), D("100000.00"), D("1000.00"), True),
        Row(2, d(2025, 2, 10), d(2025, 3, 10), D("100000.00"), ZERO, ZERO, False),  # overdue on the recall date
        Row(3, d(2025, 3, 10), d(2025, 4, 10), D("100000.00"), D("20000.00"), ZERO, False),  # partly prepaid
        Row(4, d(2025, 4, 10), d(2025, 5, 10), D("100000.00"), ZERO, ZERO, False),
    ]


def test_recall_accelerates_what_is_not_yet_due() -> None:
    plan = recall_plan(_rows(), dt.date(2025, 3, 25), D("0.036"))
    assert plan is not None
    # periods 3 and 4 carry 80,000 + 100,000 not yet due; the overdue period 2 stays as it is
    assert (plan.period, plan.principal_due, plan.dropped) == (3, D("180000.00"), (4,))
    # 15 days (10 to 25 March, 算头不算尾) at 3.6% / 360 on 180,000: 18.00 a day
    assert (plan.days, plan.interest) == (15, D("270.00"))


def test_nothing_to_recall_on_or_after_the_last_due_date() -> None:
    assert recall_plan(_rows(), dt.date(2025, 5, 10), D("0.036")) is None
    on_due = recall_plan(_rows(), dt.date(2025, 4, 10), D("0.036"))
    assert on_due is not None and on_due.period == 4 and on_due.interest == ZERO and on_due.dropped == ()
