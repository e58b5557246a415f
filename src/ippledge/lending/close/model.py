"""Planning one loan's day in the daily close (业务日终), as pure functions: no database, no clock.

For business date ``D`` and one active loan the close decides, from the loan's row and two facts about its
instalments (the period that contains ``D``, and the oldest unpaid due date with the unpaid principal due so far):

- interest accrual (利息计提) for day ``D``: the current period's scheduled interest spread evenly over its actual
  days, cumulative and rounded to the fen (``interest.scheduled_accrual``), so the postings over a whole period add
  up to the schedule's interest exactly; no period contains ``D`` (after maturity) -> nothing accrues;
- days past due (逾期天数) as of ``D`` from the oldest unpaid due date (``delinquency.days_past_due``);
- penalty interest (罚息) for day ``D`` on the principal due on or before ``D`` and still unpaid at the close, at
  contract rate x (1 + uplift) / 360, kept as an exact cumulative in ``penalty_exact`` (yuan, 10 decimal places) of
  which whole fen are posted (``interest.accrual_increment``); a day counts from the due date itself (算头不算尾:
  an instalment paid the day after its due date bears one day of penalty, ``delinquency.penalty_between``);
- non-accrual (非应计): more than 90 days past due, the day's interest accrues off balance sheet (表外利息,
  ``non_accrual``) instead of to income (``delinquency.is_non_accrual``);
- classification (五级分类): the current grade raised to the days-past-due floor, never upgraded
  (``classification.reclassify``), so a bank's downgrade stays; then debtor contagion across the day's loans
  (``apply_contagion``: more than 10% of a non-retail debtor's claims at the bank non-performing -> all are).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final

from ippledge.lending.model.classification import Claim, Grade, contagion, grade_of, reclassify
from ippledge.lending.model.delinquency import days_past_due, is_non_accrual, penalty_for_day
from ippledge.lending.model.interest import accrual_increment, scheduled_accrual

EXACT_PLACES: Final = Decimal("1E-10")  # the scale of loan.penalty_exact (Numeric(24, 10))
ZERO: Final = Decimal("0.00")


@dataclass(frozen=True)
class LoanState:
    """What the close reads from the loan row (amounts in yuan, whole fen)."""

    loan_id: int
    bank_id: int
    annual_rate: Decimal
    penalty_uplift: Decimal
    dpd: int
    grade: str
    penalty_exact: Decimal  # exact cumulative, below the fen
    penalty_posted: Decimal
    outstanding: Decimal = ZERO  # principal outstanding now (after any repayment since the last close)
    allowance: Decimal = ZERO  # loan-loss allowance booked by the last close
    borrower_id: int = 0


@dataclass(frozen=True)
class CurrentPeriod:
    """The instalment whose period ``[start_date, due_date)`` contains the business date."""

    period: int
    start_date: dt.date
    due_date: dt.date
    interest: Decimal
    interest_accrued: Decimal


@dataclass(frozen=True)
class Overdue:
    """Due instalments not fully paid: the oldest due date and the principal due and unpaid."""

    oldest_due: dt.date
    unpaid_principal: Decimal


@dataclass(frozen=True)
class LoanDay:
    """What the close does to one loan for one date."""

    loan_id: int
    interest: Decimal  # accrual to post today (>= 0)
    period: int | None  # the instalment whose interest_accrued grows
    interest_accrued: Decimal  # that instalment's accrued total after today
    overdue_principal: Decimal
    penalty: Decimal  # penalty to post today (>= 0)
    penalty_exact: Decimal
    penalty_posted: Decimal
    dpd: int
    grade_before: Grade
    grade: Grade
    non_accrual: bool = False  # today's interest goes off balance sheet (表外利息)
    why: str | None = None  # why the grade moved, when not the days-past-due floor

    @property
    def reclassified(self) -> bool:
        return self.grade != self.grade_before


def plan_day(day: dt.date, loan: LoanState, current: CurrentPeriod | None, overdue: Overdue | None) -> LoanDay:
    """The close of ``day`` for one loan (see the module docstring)."""
    interest = ZERO
    accrued = ZERO
    if current is not None:
        accrued = current.interest_accrued
        step = scheduled_accrual(current.interest, current.start_date, current.due_date, day, accrued)
        # A negative step means more was accrued than the schedule holds (a repayment booked it); never reverse here.
        interest = max(step, ZERO)
        accrued += interest

    dpd = days_past_due(overdue.oldest_due if overdue else None, day)
    overdue_principal = overdue.unpaid_principal if overdue else ZERO
    exact = loan.penalty_exact
    penalty = ZERO
    if overdue_principal > 0:
        daily = penalty_for_day(overdue_principal, loan.annual_rate, loan.penalty_uplift)
        exact = (exact + daily).quantize(EXACT_PLACES)
        penalty = max(accrual_increment(exact, loan.penalty_posted), ZERO)

    before = grade_of(loan.grade)
    return LoanDay(
        loan_id=loan.loan_id,
        interest=interest,
        period=current.period if current is not None else None,
        interest_accrued=accrued,
        overdue_principal=overdue_principal,
        penalty=penalty,
        penalty_exact=exact,
        penalty_posted=loan.penalty_posted + penalty,
        dpd=dpd,
        grade_before=before,
        grade=reclassify(dpd, before),
        non_accrual=is_non_accrual(dpd),
    )


CONTAGION_REASON: Final = (
    "债务人在本行不良债权占比超过10%，全部债权归入不良（金融资产风险分类办法第七条） / more than 10% of the debtor's "
    "claims at the bank are non-performing: all are (2023 rules art. 7)"
)


def apply_contagion(loans: Sequence[LoanState], plans: Sequence[LoanDay]) -> list[LoanDay]:
    """The day's plans with art. 7 applied: a performing loan of a debtor whose non-performing share at the bank
    exceeds 10% (by outstanding principal, after today's floors) becomes at least 次级."""
    claims = [
        Claim(loan.loan_id, loan.bank_id, loan.borrower_id, loan.outstanding, p.grade)
        for loan, p in zip(loans, plans, strict=True)
    ]
    hit = contagion(claims)
    return [
        replace(p, grade=max(p.grade, Grade.SUBSTANDARD), why=CONTAGION_REASON) if p.loan_id in hit else p
        for p in plans
    ]


def days_to_close(last_closed: dt.date | None, through: dt.date) -> list[dt.date]:
    """The business dates a close ``through`` must run, oldest first: the missing days after ``last_closed`` (catch-up),
    ``through`` alone on the very first close, none when ``through`` is already closed."""
    if last_closed is None:
        return [through]
    n = (through - last_closed).days
    return [last_closed + dt.timedelta(days=i) for i in range(1, n + 1)]
