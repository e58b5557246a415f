"""The claim trigger (代偿触发): the date a scheme's trigger was met by the loan's state.

Days past due (the loan's ``dpd`` as of the last business day closed), first classified 次级 or worse, the approved
write-off, or N months after the loan first became an NPL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.kernel.calendar import add_months
from ippledge.lending.tables import Loan, LoanGradeChange, LoanWriteOff
from ippledge.risk_sharing.model import Scheme, TriggerKind

NPL_GRADES = ("substandard", "doubtful", "loss")


def _first_npl(session: Session, loan: Loan) -> dt.date | None:
    stmt = select(func.min(LoanGradeChange.on)).where(
        LoanGradeChange.loan_id == loan.id, LoanGradeChange.to_grade.in_(NPL_GRADES)
    )
    return session.scalar(stmt)


def write_off_of(session: Session, loan_id: int) -> LoanWriteOff | None:
    """The loan's approved write-off, if any."""
    stmt = select(LoanWriteOff).where(LoanWriteOff.loan_id == loan_id, LoanWriteOff.status == "approved")
    return session.scalars(stmt).first()


def triggered_on(session: Session, scheme: Scheme, loan: Loan, today: dt.date) -> dt.date | None:
    """The date the scheme's trigger was met, or ``None`` when it has not been (yet)."""
    kind, value = scheme.trigger.kind, scheme.trigger.value
    if kind is TriggerKind.DAYS_PAST_DUE:
        if loan.dpd < value:
            return None
        return (loan.accrued_through or today) - dt.timedelta(days=loan.dpd - value)
    if kind is TriggerKind.WRITE_OFF:
        wo = write_off_of(session, loan.id)
        return None if wo is None else wo.approved_on
    npl = _first_npl(session, loan)
    if npl is None:
        return None
    if kind is TriggerKind.FIRST_SUBSTANDARD:
        return npl
    due = add_months(npl, value)
    return due if due <= today else None
