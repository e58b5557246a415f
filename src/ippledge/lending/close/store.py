"""Set-based reads and bulk writes of the daily close (日终批量读写).

Three queries load every loan to close with its current period and its overdue instalments (joins, no per-loan
ORM loading); updates are Core ``UPDATE .. WHERE pk = :b`` executemany, inserts Core executemany. The ORM objects a
caller may hold are expired afterwards by the close.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, insert, or_, select, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ippledge.db import Fen, is_postgres
from ippledge.lending.close.model import CurrentPeriod, LoanDay, LoanState, Overdue
from ippledge.lending.tables import BusinessDay, Loan, LoanGradeChange, LoanInstalment
from ippledge.outbox.events import publish_many

LOAN = cast(Table, Loan.__table__)
INSTALMENT = cast(Table, LoanInstalment.__table__)
GRADE_CHANGE = cast(Table, LoanGradeChange.__table__)
ACTIVE = "active"
ZERO = Decimal("0.00")


def business_day(session: Session, *, lock: bool = False) -> BusinessDay:
    """The one ``BusinessDay`` row, inserted if missing (``ON CONFLICT DO NOTHING``: concurrent first closes agree)."""
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    session.execute(dialect_insert(BusinessDay).values(id=1).on_conflict_do_nothing(index_elements=["id"]))
    row = session.get(BusinessDay, 1, with_for_update=lock, populate_existing=lock)
    assert row is not None
    return row


def _to_close(day: dt.date) -> ColumnElement[bool]:
    """Active loans disbursed by ``day`` that this close has not yet carried to ``day``."""
    return and_(
        Loan.status == ACTIVE,
        Loan.disbursed_on <= day,
        or_(Loan.accrued_through.is_(None), Loan.accrued_through < day),
    )


def load_loans(session: Session, day: dt.date) -> list[LoanState]:
    stmt = (
        select(
            Loan.id,
            Loan.bank_id,
            Loan.annual_rate,
            Loan.penalty_uplift,
            Loan.dpd,
            Loan.grade,
            Loan.penalty_exact,
            Loan.penalty_posted,
            Loan.outstanding_principal,
            Loan.allowance,
            Loan.borrower_id,
        )
        .where(_to_close(day))
        .order_by(Loan.id)
    )
    return [
        LoanState(i, b, Decimal(r), Decimal(u), d, g, Decimal(pe or 0), pp or ZERO, o or ZERO, a or ZERO, e)
        for i, b, r, u, d, g, pe, pp, o, a, e in session.execute(stmt)
    ]


def load_released(session: Session) -> list[tuple[int, int, Decimal]]:
    """``(loan, bank, allowance)`` of loans no longer active that still hold an allowance (repaid since the last
    close): the close releases it."""
    stmt = (
        select(Loan.id, Loan.bank_id, Loan.allowance)
        .where(Loan.status != ACTIVE, Loan.allowance != ZERO)
        .order_by(Loan.id)
    )
    return [(int(i), int(b), a) for i, b, a in session.execute(stmt)]


def write_allowances(session: Session, allowances: dict[int, Decimal]) -> None:
    """Each changed loan's allowance after the close (executemany)."""
    if not allowances:
        return
    stmt = update(LOAN).where(LOAN.c.id == bindparam("b_id")).values(allowance_fen=bindparam("b_allowance"))
    rows = [{"b_id": i, "b_allowance": a} for i, a in allowances.items()]
    session.connection().execute(stmt, rows)


def load_current_periods(session: Session, day: dt.date) -> dict[int, CurrentPeriod]:
    i = LoanInstalment
    stmt = (
        select(i.loan_id, i.period, i.start_date, i.due_date, i.interest, i.interest_accrued)
        .join(Loan, Loan.id == i.loan_id)
        .where(_to_close(day), i.start_date <= day, i.due_date > day)
    )
    # Periods do not overlap; if they ever did, the earliest one accrues (deterministic).
    out: dict[int, CurrentPeriod] = {}
    for loan_id, period, start, due, interest, accrued in session.execute(stmt.order_by(i.loan_id, i.period.desc())):
        out[loan_id] = CurrentPeriod(period, start, due, interest, accrued if accrued is not None else ZERO)
    return out


def load_overdue(session: Session, day: dt.date) -> dict[int, Overdue]:
    i = LoanInstalment
    unpaid = or_(i.paid_principal < i.principal, i.paid_interest < i.interest)
    stmt = (
        select(i.loan_id, func.min(i.due_date), type_coerce(func.sum(i.principal - i.paid_principal), Fen))
        .join(Loan, Loan.id == i.loan_id)
        .where(_to_close(day), i.due_date <= day, unpaid)
        .group_by(i.loan_id)
    )
    return {
        loan_id: Overdue(oldest, principal if principal is not None else ZERO)
        for loan_id, oldest, principal in session.execute(stmt)
    }


def write_loans(session: Session, day: dt.date, plans: Sequence[LoanDay]) -> None:
    if not plans:
        return
    stmt = (
        update(LOAN)
        .where(LOAN.c.id == bindparam("b_id"))
        .values(
            dpd=bindparam("b_dpd"),
            grade=bindparam("b_grade"),
            accrued_through=bindparam("b_day"),
            penalty_exact=bindparam("b_exact"),
            penalty_posted_fen=bindparam("b_posted"),
            interest_off_fen=LOAN.c.interest_off_fen + bindparam("b_off", type_=Fen),
        )
    )
    rows = [
        {
            "b_id": p.loan_id,
            "b_dpd": p.dpd,
            "b_grade": p.grade.code,
            "b_day": day,
            "b_exact": p.penalty_exact,
            "b_posted": p.penalty_posted,
            "b_off": p.interest if p.non_accrual else ZERO,
        }
        for p in plans
    ]
    session.connection().execute(stmt, rows)


def write_accruals(session: Session, plans: Iterable[LoanDay]) -> None:
    rows = [
        {"b_loan": p.loan_id, "b_period": p.period, "b_accrued": p.interest_accrued}
        for p in plans
        if p.period is not None and p.interest > 0
    ]
    if not rows:
        return
    stmt = (
        update(INSTALMENT)
        .where(INSTALMENT.c.loan_id == bindparam("b_loan"), INSTALMENT.c.period == bindparam("b_period"))
        .values(interest_accrued_fen=bindparam("b_accrued"))
    )
    session.connection().execute(stmt, rows)


def insert_grade_changes(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(insert(GRADE_CHANGE), rows)


def insert_events(session: Session, events: list[tuple[str, dict[str, Any], int | None]]) -> None:
    """Outbox events in one executemany (``events.publish`` adds one ORM object each), for the bank and the
    borrower of the payload's loan."""
    if not events:
        return
    loan_ids = sorted({int(p["loan_id"]) for _, p, _ in events})
    borrower: dict[int, int] = {}
    for start in range(0, len(loan_ids), 1000):
        chunk = loan_ids[start : start + 1000]
        borrower.update((i, b) for i, b in session.execute(select(Loan.id, Loan.borrower_id).where(Loan.id.in_(chunk))))
    publish_many(session, [(t, p, party, (borrower.get(int(p["loan_id"])),)) for t, p, party in events])


def grade_mix(session: Session) -> dict[str, int]:
    """Active loans per grade after the close."""
    stmt = select(Loan.grade, func.count()).where(Loan.status == ACTIVE).group_by(Loan.grade)
    return {g: int(n) for g, n in session.execute(stmt)}
