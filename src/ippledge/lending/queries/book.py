"""The loan book on past dates (历史时点贷款余额, supervision statistics): each loan as it stood at the end of a day,
and principal outstanding by grade over a run of dates in one pass. Unscoped unless the caller passes its loans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from ippledge.db import Fen
from ippledge.lending.queries.summaries import ZERO
from ippledge.lending.tables import Loan, LoanGradeChange, LoanRepayment, LoanWriteOff


@dataclass(frozen=True)
class LoanOnDate:
    """A disbursed loan as it stood at the end of a day: principal outstanding (yuan) and five-tier grade code."""

    loan_id: int
    outstanding: Decimal
    grade: str


def book_on(session: Session, on: dt.date) -> dict[int, LoanOnDate]:
    """Every loan disbursed by ``on``, as it stood that day: principal less principal repaid with value dates up to
    ``on`` (recoveries left out: they come after write-off) and nothing once a write-off was approved by then; the
    grade is the last grade change on or before ``on`` (``normal`` before any). Unscoped: for reports."""
    book = {
        int(i): p
        for i, p in session.execute(select(Loan.id, Loan.principal).where(Loan.disbursed_on <= on, Loan.principal > 0))
    }
    r = LoanRepayment
    repaid: dict[int, Decimal] = {
        int(loan_id): total
        for loan_id, total in session.execute(
            select(r.loan_id, type_coerce(func.sum(r.principal), Fen))
            .where(r.value_date <= on, r.kind != "recovery")
            .group_by(r.loan_id)
        )
    }
    w = LoanWriteOff
    gone = set(session.scalars(select(w.loan_id).where(w.status == "approved", w.approved_on <= on)))
    grades: dict[int, str] = {}
    c = LoanGradeChange
    for loan_id, grade in session.execute(select(c.loan_id, c.to_grade).where(c.on <= on).order_by(c.on, c.id)):
        grades[int(loan_id)] = str(grade)
    out: dict[int, LoanOnDate] = {}
    for loan_id, principal in book.items():
        left = ZERO if loan_id in gone else max(ZERO, principal - (repaid.get(loan_id) or ZERO))
        out[loan_id] = LoanOnDate(loan_id, left, grades.get(loan_id, "normal"))
    return out


def book_by_grade_over(
    session: Session, dates: Sequence[dt.date], loan_ids: Iterable[int] | None = None
) -> dict[dt.date, dict[str, Decimal]]:
    """``date -> grade code -> principal outstanding`` at the end of each of ``dates`` (as :func:`book_on` counts
    it), over the loans ``loan_ids`` (a caller's scoped read; None: every loan). One read of each table for all the
    dates: a chart of a year of month-ends costs one pass, not twelve."""
    if not dates:
        return {}
    last = max(dates)
    wanted = None if loan_ids is None else set(loan_ids)
    if wanted is not None and not wanted:
        return {d: {} for d in dates}

    def mine(loan_id: int) -> bool:
        return wanted is None or loan_id in wanted

    book: list[tuple[int, dt.date, Decimal]] = [
        (int(i), on, p)
        for i, on, p in session.execute(
            select(Loan.id, Loan.disbursed_on, Loan.principal).where(Loan.disbursed_on <= last, Loan.principal > 0)
        )
        if on is not None and mine(int(i))
    ]
    r = LoanRepayment
    repaid: dict[int, list[tuple[dt.date, Decimal]]] = {}
    rows = session.execute(
        select(r.loan_id, r.value_date, r.principal).where(r.value_date <= last, r.kind != "recovery")
    )
    for loan_id, day, amount in rows:
        if mine(int(loan_id)):
            repaid.setdefault(int(loan_id), []).append((day, amount))
    w = LoanWriteOff
    gone = {
        int(i): day
        for i, day in session.execute(select(w.loan_id, w.approved_on).where(w.status == "approved"))
        if day is not None and mine(int(i))
    }
    c = LoanGradeChange
    changes: dict[int, list[tuple[dt.date, str]]] = {}
    for loan_id, day, grade in session.execute(
        select(c.loan_id, c.on, c.to_grade).where(c.on <= last).order_by(c.on, c.id)
    ):
        if mine(int(loan_id)):
            changes.setdefault(int(loan_id), []).append((day, str(grade)))
    order = sorted(set(dates))
    out: dict[dt.date, dict[str, Decimal]] = {on: {} for on in order}
    for loan_id, disbursed_on, principal in book:  # one walk per loan along the dates, oldest first
        pays, steps, end = sorted(repaid.get(loan_id, ())), changes.get(loan_id, []), gone.get(loan_id)
        i = j = 0
        paid, grade = ZERO, "normal"
        for on in order:
            while i < len(pays) and pays[i][0] <= on:
                paid += pays[i][1]
                i += 1
            while j < len(steps) and steps[j][0] <= on:
                grade = steps[j][1]
                j += 1
            if disbursed_on > on or (end is not None and end <= on):
                continue
            cell = out[on]
            cell[grade] = cell.get(grade, ZERO) + max(ZERO, principal - paid)
    return {on: out[on] for on in dates}
