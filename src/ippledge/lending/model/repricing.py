"""Floating-rate repricing (浮动利率重定价): the rule, as pure functions.

A floating-rate loan carries its spread over the 1-year LPR (加点, in basis points, fixed for the life of the contract
as LPR-based pricing has it since the 2019 LPR reform) and a repricing period (重定价周期: 1, 3, 6 or 12 months).
Repricing dates are anchored on the disbursement date (放款日 + k × period), so each one is a due date of the schedule:
the new rate — the LPR in force on the repricing date plus the spread — applies to every period that starts on or
after it; periods already running keep the old rate. A bullet loan's single period spans every repricing date: its
interest is the principal × (each rate × the months it runs) / 12."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

from ippledge.kernel.calendar import add_months

PERIODS: Final = frozenset({1, 3, 6, 12})  # months between repricing dates
BP: Final = Decimal(10_000)


def rate_of(lpr_bp: int, spread_bp: int) -> Decimal:
    """The annual rate as a decimal fraction: (LPR + spread) / 10,000, e.g. 300 + 50 bp -> 0.0350."""
    return (Decimal(lpr_bp + spread_bp) / BP).quantize(Decimal("0.000001"))


def repricing_date(disbursed_on: dt.date, every_months: int, k: int) -> dt.date:
    """The ``k``-th repricing date (k >= 1)."""
    return add_months(disbursed_on, every_months * k)


def next_repricing(disbursed_on: dt.date, every_months: int, after: dt.date) -> tuple[int, dt.date]:
    """The first repricing date strictly after ``after``, with its number ``k``."""
    k = 1
    while (d := repricing_date(disbursed_on, every_months, k)) <= after:
        k += 1
    return k, d


def bullet_interest_change(principal: Decimal, old_rate: Decimal, new_rate: Decimal, months_left: int) -> Decimal:
    """How much a bullet loan's interest changes when ``months_left`` months of its term move to ``new_rate``."""
    return principal * (new_rate - old_rate) * months_left / 12
