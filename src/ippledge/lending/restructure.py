"""Restructuring (贷款重组), 商业银行金融资产风险分类办法 (2023) art. 19-20.

``restructure`` flags an active loan as restructured on a date (not after the business date): it is then at least
关注 special mention, or at least 次级 substandard when the debtor is in financial difficulty and the loan was
already non-performing, for an observation period of a year (``model.classification.restructure_floor``,
``observation_ends``). The grade rises to that floor at once (a ``LoanGradeChange`` row); ``set_grade`` refuses a
better grade until the observation period ends. The changed repayment terms themselves are the contract's business,
not recorded here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal
from ippledge.kernel.clock import business_date
from ippledge.lending import store
from ippledge.lending.contracts import require_bank_staff
from ippledge.lending.errors import REASON_REQUIRED, RESTRUCTURE_STATE
from ippledge.lending.model.classification import grade_of, observation_ends, restructure_floor
from ippledge.lending.model.value_date import check_value_date
from ippledge.lending.tables import Loan, LoanGradeChange
from ippledge.outbox.events import publish


def restructure(
    session: Session,
    officer: Principal,
    loan_id: int,
    reason: str,
    *,
    on: dt.date | None = None,
    debtor_in_difficulty: bool = False,
    today: dt.date | None = None,
) -> Loan:
    """Flag the loan restructured on ``on`` (default the business date ``today``; ``None``: today in China)."""
    store.visible_loan(session, officer, loan_id)
    loan = store.lock_loan(session, loan_id)
    require_bank_staff(officer, loan)
    if loan.status != "active":
        raise RESTRUCTURE_STATE(status=loan.status)
    if not (reason or "").strip():
        raise REASON_REQUIRED(action_zh="贷款重组", action_en="a restructuring")
    limit = today or business_date()
    day = check_value_date(on or limit, limit, what_zh="重组日")
    return flag_restructured(session, officer, loan, reason, day, debtor_in_difficulty)


def flag_restructured(
    session: Session, officer: Principal, loan: Loan, reason: str, day: dt.date, debtor_in_difficulty: bool
) -> Loan:
    """Set the restructuring floor on a loan the caller has already checked and locked (also used by extension)."""
    before = grade_of(loan.grade)
    floor = restructure_floor(before, debtor_in_difficulty)
    loan.restructured_on, loan.restructure_floor = day, floor.code
    if floor > before:
        why = f"贷款重组，观察期内不优于{floor.zh} / restructured: at least {floor.code} during observation"
        session.add(
            LoanGradeChange(
                loan_id=loan.id,
                on=day,
                from_grade=before.code,
                to_grade=floor.code,
                dpd=loan.dpd,
                reason=why,
                actor=officer.actor,
            )
        )
        loan.grade, loan.grade_reason = floor.code, reason
    session.flush()
    payload = {
        "loan_id": loan.id,
        "on": day.isoformat(),
        "floor": floor.code,
        "observation_ends": observation_ends(day).isoformat(),
        "reason": reason,
    }
    audit.record(session, officer, "lending.restructured", "loan", loan.id, payload)
    publish(session, "lending.restructured", payload, loan.bank_id, also=(loan.borrower_id,))
    return loan
