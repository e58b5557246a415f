"""Loans as other capabilities read them (贷款摘要): one loan, a caller's scoped read, the whole book as summaries or
headline figures. Typed; party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.lending import store
from ippledge.lending.tables import Loan

CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LoanSummary:
    """A loan (贷款) as other capabilities read it: parties, amounts in yuan, state and dates.

    ``status`` is ``contracted | active | repaid | written_off``; ``grade`` the five-tier grade's code
    (``model.Grade``); ``dpd`` the days past due as of ``accrued_through`` (the last close that carried the loan);
    ``allowance`` the loan-loss allowance the last close booked for it."""

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
    branch_id: int | None = None  # the bank unit that signed it (银行机构), when the signer was posted
    officer_id: int | None = None  # the credit officer who signed it (客户经理)


def _summary(loan: Loan) -> LoanSummary:
    return LoanSummary(
        id=loan.id,
        contract_no=loan.contract_no,
        bank_id=loan.bank_id,
        borrower_id=loan.borrower_id,
        decision_id=loan.decision_id,
        application_id=loan.application_id,
        currency=loan.currency,
        principal=loan.principal,
        outstanding_principal=loan.outstanding_principal,
        allowance=loan.allowance,
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
        branch_id=loan.branch_id,
        officer_id=loan.officer_id,
    )


def visible_loan(session: Session, principal: Principal, loan_id: int) -> LoanSummary:
    """The loan as ``principal`` may see it: its bank and its borrower, the regulator and the platform; anyone else
    gets 404 (``not_found``), as for a loan that does not exist."""
    return _summary(store.visible_loan(session, principal, loan_id))


def loan_summary(session: Session, loan_id: int) -> LoanSummary | None:
    """One loan, or ``None`` for an unknown id (no caller scoping: for checks the caller makes itself)."""
    loan = session.get(Loan, loan_id)
    return None if loan is None else _summary(loan)


def loan_summaries(session: Session, loan_ids: Iterable[int]) -> dict[int, LoanSummary]:
    """``loan id -> loan`` for the ids that name a loan (any number of ids, read in chunks; no caller scoping)."""
    ids = sorted(set(loan_ids))
    out: dict[int, LoanSummary] = {}
    for start in range(0, len(ids), CHUNK):
        for loan in session.scalars(select(Loan).where(Loan.id.in_(ids[start : start + CHUNK]))):
            out[loan.id] = _summary(loan)
    return out


def loans(session: Session, status: str | None = None) -> list[LoanSummary]:
    """Every loan (in one ``status`` if given), by id: the platform's whole book, for reports (no caller scoping)."""
    stmt = select(Loan).order_by(Loan.id)
    if status is not None:
        stmt = stmt.where(Loan.status == status)
    return [_summary(loan) for loan in session.scalars(stmt)]


_SUMMARY_COLUMNS = (
    Loan.id,
    Loan.contract_no,
    Loan.bank_id,
    Loan.borrower_id,
    Loan.decision_id,
    Loan.application_id,
    Loan.currency,
    Loan.principal,
    Loan.outstanding_principal,
    Loan.allowance,
    Loan.annual_rate,
    Loan.term_months,
    Loan.method,
    Loan.status,
    Loan.grade,
    Loan.dpd,
    Loan.contracted_on,
    Loan.disbursed_on,
    Loan.maturity_date,
    Loan.defaulted_on,
    Loan.accrued_through,
    Loan.closed_on,
    Loan.branch_id,
    Loan.officer_id,
)


def disbursed_loans(session: Session) -> list[LoanSummary]:
    """Every disbursed loan, by id, read as plain rows (no ORM objects): the same summaries as ``loans`` for the
    reports that read the whole book (supervision), several times faster on a large book."""
    stmt = select(*_SUMMARY_COLUMNS).where(Loan.disbursed_on.is_not(None)).order_by(Loan.id)
    out = []
    for r in session.execute(stmt):
        row = dict(r._mapping)  # keys are the attribute names, which are LoanSummary's fields
        row["annual_rate"] = Decimal(row["annual_rate"])
        out.append(LoanSummary(**row))
    return out


# Reads for the edges (the demo's year in numbers).


@dataclass(frozen=True)
class LoanFigures:
    """A loan's headline figures (贷款概况): who lent, its state and grade, and its amounts in yuan."""

    loan_id: int
    bank_id: int
    status: str
    grade: str  # five-tier grade code (``normal`` ... ``loss``)
    disbursed_on: dt.date | None
    principal: Decimal
    outstanding: Decimal
    allowance: Decimal  # loan-loss allowance held (贷款损失准备)


def loan_figures(session: Session, status: str | None = None) -> list[LoanFigures]:
    """Every loan (of ``status`` when given) with its headline figures, in id order. Unscoped: for the platform's
    own reports (the demo), never for a caller's request."""
    stmt = select(Loan).order_by(Loan.id)
    if status is not None:
        stmt = stmt.where(Loan.status == status)
    return [
        LoanFigures(
            loan_id=ln.id,
            bank_id=ln.bank_id,
            status=ln.status,
            grade=ln.grade,
            disbursed_on=ln.disbursed_on,
            principal=ln.principal,
            outstanding=ln.outstanding_principal,
            allowance=ln.allowance,
        )
        for ln in session.scalars(stmt)
    ]
