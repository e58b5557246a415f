"""Published read face (查询接口) of lending: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.kernel.money import from_fen

if TYPE_CHECKING:
    from ippledge.lending.tables import Loan

_CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)
_NPL_GRADES = ("substandard", "doubtful", "loss")  # 次级, 可疑, 损失

# -- loans ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoanSummary:
    """A loan (贷款) as other capabilities read it: parties, amounts in yuan, state and dates.

    ``status`` is ``contracted | active | repaid | written_off``; ``grade`` the five-tier grade's code; ``dpd`` the
    days past due as of ``accrued_through`` (the last close that carried the loan); ``allowance`` the loan-loss
    allowance the last close booked for it."""

    id: int
    contract_no: str
    bank_id: int
    borrower_id: int
    decision_id: int | None
    application_id: int | None
    currency: str
    principal: Decimal
    outstanding_principal: Decimal
    allowance: Decimal
    annual_rate: Decimal
    term_months: int
    method: str
    status: str
    grade: str
    dpd: int
    contracted_on: dt.date
    disbursed_on: dt.date | None
    maturity_date: dt.date | None
    defaulted_on: dt.date | None
    accrued_through: dt.date | None
    closed_on: dt.date | None


def _summary(loan: Loan) -> LoanSummary:
    return LoanSummary(
        id=loan.id,
        contract_no=loan.contract_no,
        bank_id=loan.bank_id,
        borrower_id=loan.borrower_id,
        decision_id=loan.decision_id,
        application_id=loan.application_id,
        currency=loan.currency,
        principal=from_fen(loan.principal_fen),
        outstanding_principal=from_fen(loan.outstanding_principal_fen),
        allowance=from_fen(loan.allowance_fen or 0),
        annual_rate=Decimal(loan.annual_rate),
        term_months=loan.term_months,
        method=loan.method,
        status=loan.status,
        grade=loan.grade,
        dpd=loan.dpd,
        contracted_on=loan.contracted_on,
        disbursed_on=loan.disbursed_on,
        maturity_date=loan.maturity_date,
        defaulted_on=loan.defaulted_on,
        accrued_through=loan.accrued_through,
        closed_on=loan.closed_on,
    )


def visible_loan(session: Session, principal: Principal, loan_id: int) -> LoanSummary:
    """The loan as ``principal`` may see it: its bank and its borrower, the regulator and the platform; anyone else
    gets 404 (``not_found``), as for a loan that does not exist."""
    from ippledge.lending import store

    return _summary(store.visible_loan(session, principal, loan_id))


def loan_summary(session: Session, loan_id: int) -> LoanSummary | None:
    """One loan, or ``None`` for an unknown id (no caller scoping: for checks the caller makes itself)."""
    from ippledge.lending.tables import Loan

    loan = session.get(Loan, loan_id)
    return None if loan is None else _summary(loan)


def loan_summaries(session: Session, loan_ids: Iterable[int]) -> dict[int, LoanSummary]:
    """``loan id -> loan`` for the ids that name a loan (any number of ids, read in chunks; no caller scoping)."""
    from ippledge.lending.tables import Loan

    ids = sorted(set(loan_ids))
    out: dict[int, LoanSummary] = {}
    for start in range(0, len(ids), _CHUNK):
        for loan in session.scalars(select(Loan).where(Loan.id.in_(ids[start : start + _CHUNK]))):
            out[loan.id] = _summary(loan)
    return out


# -- the pledges that secure a loan ----------------------------------------------------------------------------------


def pledges_of_loan(session: Session, loan_id: int) -> list[int]:
    """The registered pledges (质押登记) linked to the loan as its security, by pledge id."""
    from ippledge.lending import store

    return store.linked_pledges(session, loan_id)


# -- money received --------------------------------------------------------------------------------------------------


def interest_paid(session: Session, loan_id: int, start: dt.date, end: dt.date) -> Decimal:
    """Interest the borrower paid on the loan (还款、提前还款、结清 receipts) with value dates from ``start`` to
    ``end``, both included (e.g. one calendar year for an interest subsidy)."""
    from ippledge.lending.tables import LoanRepayment as r

    stmt = select(func.coalesce(func.sum(r.interest_fen), 0)).where(
        r.loan_id == loan_id, r.value_date >= start, r.value_date <= end
    )
    return from_fen(int(session.scalar(stmt) or 0))


@dataclass(frozen=True)
class Recoveries:
    """Cash recovered after write-off (核销后收回): the total and the id of the last recovery counted."""

    total: Decimal
    last_id: int  # 0 when there is none


def recoveries(session: Session, loan_id: int, after_id: int = 0) -> Recoveries:
    """The recoveries booked on the loan after the recovery ``after_id`` (all of them with 0), in yuan."""
    from ippledge.lending.tables import LoanRepayment as r

    stmt = select(func.coalesce(func.sum(r.amount_fen), 0), func.coalesce(func.max(r.id), 0)).where(
        r.loan_id == loan_id, r.kind == "recovery", r.id > after_id
    )
    total, last = session.execute(stmt).one()
    return Recoveries(from_fen(int(total)), int(last))


# -- five-tier classification ----------------------------------------------------------------------------------------


def first_npl_on(session: Session, loan_id: int) -> dt.date | None:
    """The date the loan was first classified non-performing (次级 or worse), or ``None`` if it never was."""
    from ippledge.lending.tables import LoanGradeChange as c

    return session.scalar(select(func.min(c.on)).where(c.loan_id == loan_id, c.to_grade.in_(_NPL_GRADES)))


# -- write-off ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteOffFacts:
    """A write-off (核销) of a loan: what it took off the books and how the loan's allowance absorbed it (yuan)."""

    id: int
    loan_id: int
    status: str  # proposed | approved | rejected
    proposed_on: dt.date
    approved_on: dt.date | None
    principal: Decimal
    interest: Decimal
    penalty: Decimal
    allowance_used: Decimal
    allowance_released: Decimal
    entry_id: int | None


def approved_write_off(session: Session, loan_id: int) -> WriteOffFacts | None:
    """The loan's approved write-off, or ``None`` while it has none."""
    from ippledge.lending.tables import LoanWriteOff as w

    row = session.scalars(select(w).where(w.loan_id == loan_id, w.status == "approved")).first()
    if row is None:
        return None
    return WriteOffFacts(
        id=row.id,
        loan_id=row.loan_id,
        status=row.status,
        proposed_on=row.proposed_on,
        approved_on=row.approved_on,
        principal=from_fen(row.principal_fen),
        interest=from_fen(row.interest_fen),
        penalty=from_fen(row.penalty_fen),
        allowance_used=from_fen(row.allowance_used_fen),
        allowance_released=from_fen(row.allowance_released_fen),
        entry_id=row.entry_id,
    )
