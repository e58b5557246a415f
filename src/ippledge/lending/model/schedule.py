"""Repayment schedules (还款计划): 等额本息, 等额本金, 先息后本 and 到期一次还本付息, Chinese bank conventions.

- Due dates: instalment ``k`` falls due ``k`` calendar months after the start (disbursement) date, on the same
  day of the month, clamped to the month's end (``kernel.calendar.add_months`` from the anchor, so 31 Jan gives
  28/29 Feb, 31 Mar, 30 Apr ...). Chinese banks do not move due dates; a payment on the next working day is usually
  accepted without penalty (grace, see ``model.delinquency``). ``shift_to_working_day=True`` moves a due date
  that falls on a rest day to the next working day instead; amounts do not change.
- Interest per period = balance x annual / 12 (every period is one whole month); bullet: principal x annual x N / 12.
- Rounding: each instalment's interest is rounded to the fen (ROUND_HALF_UP); the equal-installment payment
  ``P r (1+r)^N / ((1+r)^N - 1)`` and the equal-principal share ``P / N`` are rounded to the fen once; each
  instalment's principal is payment - interest (resp. the share). The **last instalment absorbs all rounding**: its
  principal is whatever balance remains, so principal parts sum exactly to the loan and the balance never goes
  negative (a share that would overshoot the balance is cut to it). The level payment's half-fen rounding compounds
  at the loan's rate, so the last payment differs from the others by a few fen for IP-loan terms (0.07 yuan over
  20 years at 4.9%); on a tiny loan over decades at a high rate it can pay the loan off early, and then the instalment
  that clears the balance is cut and later ones are zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Final

from ippledge.kernel.calendar import WorkingCalendar, add_months, default_calendar
from ippledge.lending.errors import METHOD, MONTHS, PRINCIPAL
from ippledge.lending.model.interest import FEN, PRECISION, check_rate, monthly_rate, round_fen
from ippledge.lending.model.quarterly import quarterly_rows

MAX_MONTHS: Final = 600
ZERO: Final = Decimal("0.00")


class RepaymentMethod(StrEnum):
    EQUAL_INSTALLMENT = "equal-installment"  # 等额本息
    EQUAL_PRINCIPAL = "equal-principal"  # 等额本金
    INTEREST_FIRST = "interest-first"  # 先息后本（按月付息，到期还本）
    BULLET = "bullet"  # 到期一次还本付息
    INTEREST_QUARTERLY = "interest-quarterly"  # 按季结息（每季末月20日），到期还本 (model.quarterly)

    @property
    def zh(self) -> str:
        return _ZH[self]

    @classmethod
    def parse(cls, text: str) -> RepaymentMethod:
        try:
            return cls(text.strip().lower().replace("_", "-"))
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise METHOD(method=repr(text), allowed=allowed) from None


_ZH = {
    RepaymentMethod.EQUAL_INSTALLMENT: "等额本息",
    RepaymentMethod.EQUAL_PRINCIPAL: "等额本金",
    RepaymentMethod.INTEREST_FIRST: "先息后本",
    RepaymentMethod.BULLET: "到期一次还本付息",
    RepaymentMethod.INTEREST_QUARTERLY: "按季结息，到期还本",
}


@dataclass(frozen=True)
class Instalment:
    period: int
    due_date: dt.date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    remaining: Decimal  # principal outstanding after this instalment is paid


@dataclass(frozen=True)
class Schedule:
    method: RepaymentMethod
    principal: Decimal
    annual_rate: Decimal
    months: int  # number of months the schedule runs (from period ``first_period``)
    start: dt.date  # the anchor of due dates (disbursement date)
    instalments: tuple[Instalment, ...]
    first_period: int = 1
    shift_to_working_day: bool = False
    payment: Decimal | None = field(default=None)  # the level payment of an equal-installment schedule

    @property
    def total_payment(self) -> Decimal:
        return sum((i.payment for i in self.instalments), ZERO)

    @property
    def total_interest(self) -> Decimal:
        return sum((i.interest for i in self.instalments), ZERO)

    @property
    def total_principal(self) -> Decimal:
        return sum((i.principal for i in self.instalments), ZERO)


def _check_inputs(principal: Decimal, annual_rate: Decimal, months: int) -> None:
    if isinstance(principal, bool) or not isinstance(principal, Decimal) or not principal.is_finite():
        raise PRINCIPAL(principal=repr(principal))
    if principal <= 0 or principal != principal.quantize(FEN):
        raise PRINCIPAL(principal=str(principal))
    check_rate(annual_rate)
    if isinstance(months, bool) or not isinstance(months, int) or not (1 <= months <= MAX_MONTHS):
        raise MONTHS(months=str(months), max_months=MAX_MONTHS)


def equal_installment_payment(principal: Decimal, annual_rate: Decimal, months: int) -> Decimal:
    """The level monthly payment (月供) of 等额本息, rounded to the fen."""
    r = monthly_rate(annual_rate)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        if r == 0:
            return round_fen(principal / months)
        growth = (1 + r) ** months
        return round_fen(principal * r * growth / (growth - 1))


def build_schedule(
    principal: Decimal,
    annual_rate: Decimal,
    months: int,
    start: dt.date,
    method: RepaymentMethod,
    *,
    first_period: int = 1,
    shift_to_working_day: bool = False,
    calendar: WorkingCalendar | None = None,
) -> Schedule:
    """The schedule of a loan of ``principal`` over ``months`` months from ``start`` (see the module docstring).

    ``first_period`` > 1 re-amortises the rest of a loan (after a prepayment): due dates stay anchored on
    ``start``, so instalment ``k`` still falls due ``k`` months after disbursement.
    """
    _check_inputs(principal, annual_rate, months)
    cal = calendar or default_calendar()

    def due(period: int) -> dt.date:
        d = add_months(start, period)
        return d if not shift_to_working_day or cal.is_working_day(d) else cal.next_working_day(d)

    if method is RepaymentMethod.INTEREST_QUARTERLY:  # settlement dates, not monthly anniversaries
        maturity = due(first_period + months - 1)
        quarterly = [
            Instalment(first_period + k, d, p + i, p, i, principal - p)
            for k, (d, p, i) in enumerate(quarterly_rows(principal, annual_rate, start, maturity))
        ]
        return Schedule(
            method, principal, annual_rate, months, start, tuple(quarterly), first_period, shift_to_working_day
        )
    r = monthly_rate(annual_rate)
    periods = range(first_period, first_period + months)
    rows: list[Instalment] = []
    balance = principal
    level: Decimal | None = None
    if method is RepaymentMethod.BULLET:
        with localcontext() as ctx:
            ctx.prec = PRECISION
            interest = round_fen(principal * annual_rate * months / 12)
        last = periods[-1]
        rows.append(Instalment(last, due(last), principal + interest, principal, interest, ZERO))
    else:
        if method is RepaymentMethod.EQUAL_INSTALLMENT:
            level = equal_installment_payment(principal, annual_rate, months)
        share = round_fen(principal / months)
        for k in periods:
            interest = round_fen(balance * r)
            if k == periods[-1]:
                part = balance
            elif method is RepaymentMethod.EQUAL_INSTALLMENT:
                assert level is not None
                part = min(max(level - interest, ZERO), balance)
            elif method is RepaymentMethod.EQUAL_PRINCIPAL:
                part = min(share, balance)
            else:  # interest first
                part = ZERO
            balance -= part
            rows.append(Instalment(k, due(k), part + interest, part, interest, balance))
    return Schedule(
        method=method,
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        start=start,
        instalments=tuple(rows),
        first_period=first_period,
        shift_to_working_day=shift_to_working_day,
        payment=level,
    )
