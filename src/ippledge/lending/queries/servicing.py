"""Servicing (贷款变更) as other capabilities read it: the extensions (展期) a bank's approver must decide, and the
loans with any servicing change on record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.lending.tables import Loan, LoanExtension, LoanRateChange, LoanRenewal


@dataclass(frozen=True)
class ExtensionToDecide:
    """A proposed extension (展期申请) the bank's approver must decide by ``decide_by`` (working days)."""

    id: int
    loan_id: int
    contract_no: str
    months: int
    proposed_on: dt.date
    proposed_by: str
    decide_by: dt.date | None


def extensions_to_decide(session: Session, bank_id: int) -> list[ExtensionToDecide]:
    """The bank's proposed extensions, the earliest deadline first."""
    e = LoanExtension
    stmt = (
        select(e.id, e.loan_id, Loan.contract_no, e.months, e.applied_on, e.actor, e.decide_by)
        .join(Loan, Loan.id == e.loan_id)
        .where(Loan.bank_id == bank_id, e.status == "proposed")
        .order_by(e.decide_by, e.id)
    )
    return [ExtensionToDecide(*row) for row in session.execute(stmt)]


def serviced_loan_ids(session: Session) -> list[int]:
    """The loans with a servicing change on record: an extension (展期), a repricing (重定价), a recall (提前收回) or a
    renewal (续贷, both loans), ascending."""
    ext = select(LoanExtension.loan_id).where(LoanExtension.status == "approved")
    ids = set(session.scalars(ext)) | set(session.scalars(select(LoanRateChange.loan_id)))
    ids |= set(session.scalars(select(Loan.id).where(Loan.recalled_on.is_not(None))))
    for old, new in session.execute(select(LoanRenewal.old_loan_id, LoanRenewal.new_loan_id)):
        ids |= {old, new}
    return sorted(ids)
