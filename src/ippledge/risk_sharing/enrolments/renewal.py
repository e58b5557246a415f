"""A renewal's scheme enrolment (续贷纳入): the old loan's enrolment carried to the new loan a renewal makes.

A renewal (续贷 / 无还本续贷) repays the old loan with a new one on the same pledge; the fund's and insurer's share of
the risk was agreed for the old loan. ``carry_enrolment`` enrols the new loan in the old loan's scheme through the
ordinary ``enrol`` (the scheme version in force on the renewal date, its eligibility checked again on the new loan's
facts), inside a savepoint: a refusal writes nothing and is returned with the scheme's reasons, for the renewal to
record; the renewal itself stands. Plugged into ``lending.renewal_ports`` by the composition root (decision 0042).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.kernel.errors import IppledgeError
from ippledge.lending.renewal_ports import SchemeCarry
from ippledge.risk_sharing.enrolments import store
from ippledge.risk_sharing.enrolments.service import enrol


def carry_enrolment(
    session: Session, approver: Principal, old_loan_id: int, new_loan_id: int, today: dt.date
) -> SchemeCarry | None:
    """Enrol ``new_loan_id`` in the scheme ``old_loan_id`` is enrolled in; ``None`` when the old loan had none."""
    old = store.enrolment_of(session, old_loan_id)
    if old is None:
        return None
    try:
        with session.begin_nested():  # a refusal leaves nothing half-written; the renewal goes on
            enrol(session, approver, new_loan_id, old.scheme_code, today)
    except IppledgeError as refused:
        return SchemeCarry(old.scheme_code, False, refused.code, refused.message_zh, refused.message_en)
    return SchemeCarry(old.scheme_code, True)
