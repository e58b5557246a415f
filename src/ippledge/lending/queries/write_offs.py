"""Write-offs (核销) and the year's figures (年末指标): a loan's write-off, recoveries since (核销后收回), the loss
net of them, and the book at a period's end with the period's write-offs added back. Unscoped reads: the caller has
been allowed to see the loan, or reports for the platform itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from ippledge.db import Fen
from ippledge.ledger.accounts import account_code
from ippledge.ledger.queries import balance
from ippledge.lending.queries.grades import NPL_GRADES
from ippledge.lending.queries.summaries import ZERO, loan_figures
from ippledge.lending.tables import Loan, LoanRepayment, LoanWriteOff


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
    w = LoanWriteOff
    row = session.scalars(select(w).where(w.loan_id == loan_id, w.status == "approved")).first()
    if row is None:
        return None
    return WriteOffFacts(*(getattr(row, f.name) for f in fields(WriteOffFacts)))


def write_off_of(session: Session, loan_id: int) -> WriteOffFacts | None:
    """The loan's latest write-off in any status (proposed, approved or rejected), or ``None``: what the loan's page
    shows and which decision the checker takes. The caller has already been allowed to see the loan."""
    w = LoanWriteOff
    row = session.scalars(select(w).where(w.loan_id == loan_id).order_by(w.id.desc())).first()
    if row is None:
        return None
    return WriteOffFacts(*(getattr(row, f.name) for f in fields(WriteOffFacts)))


@dataclass(frozen=True)
class Recoveries:
    """Cash recovered after write-off (核销后收回): the total and the id of the last recovery counted."""

    total: Decimal
    last_id: int  # 0 when there is none


def recoveries(session: Session, loan_id: int, after_id: int = 0) -> Recoveries:
    """The recoveries booked on the loan after the recovery ``after_id`` (all of them with 0), in yuan."""
    r = LoanRepayment
    stmt = select(type_coerce(func.coalesce(func.sum(r.amount), 0), Fen), func.coalesce(func.max(r.id), 0)).where(
        r.loan_id == loan_id, r.kind == "recovery", r.id > after_id
    )
    total, last = session.execute(stmt).one()
    return Recoveries(total, int(last))


def write_off_loss(session: Session, loan_id: int) -> Decimal | None:
    """A written-off loan's loss: what the write-off took off the books less every recovery since (None if none)."""
    off = approved_write_off(session, loan_id)
    if off is None:
        return None
    return off.principal + off.interest + off.penalty - recoveries(session, loan_id).total


def _share(num: Decimal, den: Decimal) -> Decimal | None:
    return None if den <= 0 else (num / den).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class YearEndFigures:
    """The book at the end of a period and the loans written off in it (yuan). Ratios on the book as it stands
    flatter a bank that wrote its NPLs off; the ``*_with_write_offs`` ratios add the period's write-offs back."""

    start: dt.date
    end: dt.date
    outstanding: Decimal  # active loans' principal at the end
    npl: Decimal  # of which non-performing (次级 + 可疑 + 损失)
    allowance: Decimal  # loan-loss allowance held (贷款损失准备)
    written_off_loans: int
    written_off_principal: Decimal
    written_off: Decimal  # principal, interest and penalty taken off the books
    allowance_used: Decimal  # allowance the write-offs consumed
    recovered: Decimal  # cash recovered in the period on written-off loans (核销后收回)
    general_reserve: Decimal  # 一般风险准备 held in equity (appropriated at year end, 财金〔2012〕20号)

    @property
    def loss(self) -> Decimal:
        """What the write-offs cost net of recoveries."""
        return self.written_off - self.recovered

    @property
    def npl_ratio(self) -> Decimal | None:
        return _share(self.npl, self.outstanding)

    @property
    def npl_ratio_with_write_offs(self) -> Decimal | None:
        return _share(self.npl + self.written_off_principal, self.outstanding + self.written_off_principal)

    @property
    def provision_coverage(self) -> Decimal | None:
        return _share(self.allowance, self.npl)

    @property
    def provision_coverage_with_write_offs(self) -> Decimal | None:
        return _share(self.allowance + self.allowance_used, self.npl + self.written_off_principal)


def year_end_figures(session: Session, start: dt.date, end: dt.date) -> YearEndFigures:
    """The book on ``end`` and the write-offs approved (and recoveries received) from ``start`` to ``end``. Unscoped:
    for the platform's own reports (the demo), never for a caller's request."""
    active = loan_figures(session, status="active")
    w = LoanWriteOff
    offs = list(session.scalars(select(w).where(w.status == "approved", w.approved_on >= start, w.approved_on <= end)))
    r = LoanRepayment
    recovered = session.scalar(
        select(type_coerce(func.coalesce(func.sum(r.amount), 0), Fen)).where(
            r.kind == "recovery", r.value_date >= start, r.value_date <= end
        )
    )
    banks = sorted(set(session.scalars(select(Loan.bank_id).distinct())))
    reserve = sum((balance(session, account_code(b, "general_reserve")) for b in banks), ZERO)
    return YearEndFigures(
        start=start,
        end=end,
        outstanding=sum((ln.outstanding for ln in active), ZERO),
        npl=sum((ln.outstanding for ln in active if ln.grade in NPL_GRADES), ZERO),
        allowance=sum((ln.allowance for ln in active), ZERO),
        written_off_loans=len(offs),
        written_off_principal=sum((x.principal for x in offs), ZERO),
        written_off=sum((x.principal + x.interest + x.penalty for x in offs), ZERO),
        allowance_used=sum((x.allowance_used for x in offs), ZERO),
        recovered=recovered if recovered is not None else ZERO,
        general_reserve=reserve,
    )
