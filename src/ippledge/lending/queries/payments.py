"""Money paid out and received on loans (放款与收息): disbursements to a set of borrowers (the funnel's "lent"
stage) and the interest a borrower paid over a period (an interest subsidy's base)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from ippledge.db import Fen
from ippledge.lending.queries.summaries import ZERO
from ippledge.lending.tables import Loan, LoanRepayment


@dataclass(frozen=True)
class Disbursement:
    """A loan paid out (放款): who lent to whom, when and how much (yuan)."""

    loan_id: int
    bank_id: int
    borrower_id: int
    disbursed_on: dt.date
    principal: Decimal


def disbursements_to(session: Session, borrower_ids: Iterable[int], since: dt.date) -> list[Disbursement]:
    """Loans disbursed to these borrowers on or after ``since``, oldest first (the funnel's "lent" stage)."""
    ids = sorted(set(borrower_ids))
    out: list[Disbursement] = []
    for start in range(0, len(ids), 5_000):
        stmt = (
            select(Loan.id, Loan.bank_id, Loan.borrower_id, Loan.disbursed_on, Loan.principal)
            .where(
                Loan.borrower_id.in_(ids[start : start + 5_000]),
                Loan.disbursed_on.is_not(None),
                Loan.disbursed_on >= since,
            )
            .order_by(Loan.disbursed_on, Loan.id)
        )
        out.extend(
            Disbursement(int(a), int(b), int(c), d, p) for a, b, c, d, p in session.execute(stmt) if d is not None
        )
    return out


def interest_paid(session: Session, loan_id: int, start: dt.date, end: dt.date) -> Decimal:
    """Interest the borrower paid on the loan (还款、提前还款、结清 receipts) with value dates from ``start`` to
    ``end``, both included (e.g. one calendar year for an interest subsidy)."""
    r = LoanRepayment
    stmt = select(type_coerce(func.coalesce(func.sum(r.interest), 0), Fen)).where(
        r.loan_id == loan_id, r.value_date >= start, r.value_date <= end
    )
    paid = session.scalar(stmt)
    return paid if paid is not None else ZERO
