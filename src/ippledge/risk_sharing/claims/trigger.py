"""The claim trigger (代偿触发): the date a scheme's trigger was met by the loan's state.

Days past due (the loan's ``dpd`` as of the last business day closed), first classified 次级 or worse, the approved
write-off, or N months after the loan first became an NPL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ippledge.kernel.calendar import add_months
from ippledge.lending import queries as lending
from ippledge.lending.queries import LoanSummary, WriteOffFacts
from ippledge.risk_sharing.model import Scheme, TriggerKind


def write_off_of(session: Session, loan_id: int) -> WriteOffFacts | None:
    """The loan's approved write-off, if any."""
    return lending.approved_write_off(session, loan_id)


def triggered_on(session: Session, scheme: Scheme, loan: LoanSummary, today: dt.date) -> dt.date | None:
    """The date the scheme's trigger was met, or ``None`` when it has not been (yet)."""
    kind, value = scheme.trigger.kind, scheme.trigger.value
    if kind is TriggerKind.DAYS_PAST_DUE:
        if loan.dpd < value:
            return None
        return (loan.accrued_through or today) - dt.timedelta(days=loan.dpd - value)
    if kind is TriggerKind.WRITE_OFF:
        wo = write_off_of(session, loan.id)
        return None if wo is None else wo.approved_on
    npl = lending.first_npl_on(session, loan.id)
    if npl is None:
        return None
    if kind is TriggerKind.FIRST_SUBSTANDARD:
        return npl
    due = add_months(npl, value)
    return due if due <= today else None
