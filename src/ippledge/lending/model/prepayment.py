"""Prepayment (提前还款): full payoff quotes and partial prepayment that shortens the term or lowers the payment.

Interest for the broken period since the last due date is charged at annual / 360 on the principal repaid early
(算头不算尾: last due date to prepayment date). An optional fee (提前还款违约金) is a rate on the principal repaid
early. A partial prepayment re-amortises the remaining balance from the next instalment, with due dates still
anchored on the disbursement date:

- ``REDUCE_PAYMENT`` (减少月供): same remaining number of instalments, smaller instalments;
- ``REDUCE_TERM`` (缩短期限): the fewest instalments whose payment does not exceed the current one (equal
  installment), or the same principal share per instalment (equal principal). Not offered for interest-first or
  bullet loans, whose instalments carry no principal to keep level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from ippledge.lending.errors import (
    PREPAYMENT_AMOUNT,
    PREPAYMENT_DATE,
    PREPAYMENT_FEE,
    PREPAYMENT_MODE,
    PREPAYMENT_PERIOD,
)
from ippledge.lending.model.interest import DAYS_IN_YEAR, FEN, interest_for_days, round_fen
from ippledge.lending.model.schedule import RepaymentMethod, Schedule, build_schedule, equal_installment_payment

ZERO = Decimal("0.00")


class PrepaymentMode(StrEnum):
    REDUCE_TERM = "reduce_term"
    REDUCE_PAYMENT = "reduce_payment"


@dataclass(frozen=True)
class PayoffQuote:
    principal: Decimal
    interest: Decimal
    fee: Decimal
    days: int

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fee


@dataclass(frozen=True)
class PartialPrepayment:
    principal: Decimal  # repaid early
    interest: Decimal  # on that principal, from the last due date to the prepayment date
    fee: Decimal
    schedule: Schedule  # the rest of the loan
    mode: PrepaymentMode

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fee


def _check_fee_rate(fee_rate: Decimal) -> None:
    if isinstance(fee_rate, bool) or not isinstance(fee_rate, Decimal) or not (0 <= fee_rate <= Decimal("0.1")):
        raise PREPAYMENT_FEE(fee_rate=str(fee_rate))


def _broken_days(last_due: dt.date, prepay_date: dt.date) -> int:
    if prepay_date < last_due:
        raise PREPAYMENT_DATE(
            prepay_date=prepay_date.isoformat(),
            why_zh=f"早于上一还款日 {last_due}",
            why_en=f"it precedes the last due date {last_due}",
        )
    return (prepay_date - last_due).days


def payoff_quote(
    outstanding_principal: Decimal,
    annual_rate: Decimal,
    last_due_date: dt.date,
    prepay_date: dt.date,
    fee_rate: Decimal = ZERO,
) -> PayoffQuote:
    """Everything needed to close the loan on ``prepay_date`` (overdue dues, if any, are settled separately)."""
    _check_fee_rate(fee_rate)
    days = _broken_days(last_due_date, prepay_date)
    interest = round_fen(interest_for_days(outstanding_principal, annual_rate, days))
    return PayoffQuote(outstanding_principal, interest, round_fen(outstanding_principal * fee_rate), days)


def _fewest_periods(balance: Decimal, schedule: Schedule, remaining: int, current: Decimal) -> int:
    if schedule.method is RepaymentMethod.EQUAL_PRINCIPAL:
        share = schedule.instalments[0].principal
        n = int((balance / share).to_integral_value(rounding="ROUND_CEILING"))
        return max(1, min(n, remaining))
    lo, hi = 1, remaining  # payment falls as the term grows: binary search the first term that fits
    while lo < hi:
        mid = (lo + hi) // 2
        if equal_installment_payment(balance, schedule.annual_rate, mid) <= current:
            hi = mid
        else:
            lo = mid + 1
    return lo


def partial_prepayment(
    schedule: Schedule,
    paid_instalments: int,
    amount: Decimal,
    prepay_date: dt.date,
    mode: PrepaymentMode,
    fee_rate: Decimal = ZERO,
) -> PartialPrepayment:
    """Repay ``amount`` of principal early, after ``paid_instalments`` instalments of ``schedule`` were paid."""
    _check_fee_rate(fee_rate)
    rows = schedule.instalments
    if not (0 <= paid_instalments < len(rows)):
        raise PREPAYMENT_PERIOD()
    balance = rows[paid_instalments - 1].remaining if paid_instalments else schedule.principal
    last_due = rows[paid_instalments - 1].due_date if paid_instalments else schedule.start
    next_due = rows[paid_instalments].due_date
    if prepay_date >= next_due:
        period = rows[paid_instalments].period
        raise PREPAYMENT_DATE(
            prepay_date=prepay_date.isoformat(),
            why_zh=f"第{period}期已到期（{next_due}），请先还当期",
            why_en=f"instalment {period} fell due on {next_due}; pay it first",
        )
    days = _broken_days(last_due, prepay_date)
    if not isinstance(amount, Decimal) or amount <= 0 or amount != amount.quantize(FEN) or amount >= balance:
        raise PREPAYMENT_AMOUNT(amount=str(amount), outstanding=str(balance))
    remaining = len(rows) - paid_instalments
    periods = remaining
    if mode is PrepaymentMode.REDUCE_TERM:
        if schedule.method not in (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL):
            raise PREPAYMENT_MODE(mode=mode.value, method=schedule.method.value)
        periods = _fewest_periods(balance - amount, schedule, remaining, rows[paid_instalments].payment)
    first = rows[paid_instalments].period
    if schedule.method is RepaymentMethod.BULLET:
        first, periods = schedule.first_period, schedule.months  # one instalment at the original maturity
    rest = build_schedule(
        balance - amount,
        schedule.annual_rate,
        periods,
        schedule.start,
        schedule.method,
        first_period=first,
        shift_to_working_day=schedule.shift_to_working_day,
    )
    interest = round_fen(interest_for_days(amount, schedule.annual_rate, days))
    return PartialPrepayment(amount, interest, round_fen(amount * fee_rate), rest, mode)


def prepaid_principal_fitting(leftover: Decimal, rate: Decimal, days: int, fee_rate: Decimal) -> Decimal:
    """The largest whole-fen principal ``x`` whose early repayment (``x`` + its broken-period interest for ``days``
    at annual / 360 + the fee at ``fee_rate``, each rounded to the fen) fits in ``leftover``."""
    _check_fee_rate(fee_rate)  # before any arithmetic: a rate of 1e30 would overflow the fen quantize below

    def cost(x: Decimal) -> Decimal:
        return x + round_fen(interest_for_days(x, rate, days)) + round_fen(x * fee_rate)

    factor = 1 + rate * days / DAYS_IN_YEAR + fee_rate
    x = (leftover / factor).quantize(FEN, rounding=ROUND_DOWN)
    while x > 0 and cost(x) > leftover:
        x -= FEN
    while cost(x + FEN) <= leftover:
        x += FEN
    return x
