"""Supervision commands (监管统计): the regulator records each bank's overall NPL ratio for a period.

The ratio is an input from outside the platform (the bank's whole book, not its IP loans); the tolerance check
compares the IP-loan NPL ratio with it. A correction is a new record: earlier reports stay reproducible.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as access
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.text import check_name
from ippledge.lending import queries as lending
from ippledge.supervision import errors, model, store
from ippledge.supervision.tables import LoanCorrection, OverallNplRatio


def record_overall_npl(
    session: Session, principal: Principal, bank_id: int, period_end: dt.date, ratio: Decimal, today: dt.date
) -> OverallNplRatio:
    """Record ``bank_id``'s overall NPL ratio (a fraction) for the period ending ``period_end``: the regulator's
    admin or analyst only; refused for a party that is not a bank or a ratio outside 0..1."""
    principal.require_kind(PartyKind.REGULATOR)
    principal.require(Role.ADMIN, Role.ANALYST)
    if access.party_kind(session, bank_id) is not PartyKind.BANK:
        raise errors.NOT_A_BANK(bank_id=bank_id)
    if not Decimal(0) <= ratio <= Decimal(1):
        raise errors.RATIO_RANGE(ratio=str(ratio))
    row = OverallNplRatio(
        bank_id=bank_id,
        period_end=period_end,
        ratio_ppm=store.to_ppm(ratio),
        recorded_on=today,
        recorded_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "supervision.overall_npl_recorded",
        "supervision_overall_npl",
        row.id,
        {"bank_id": bank_id, "period_end": period_end.isoformat(), "ratio": str(store.from_ppm(row.ratio_ppm))},
    )
    return row


def record_correction(
    session: Session,
    principal: Principal,
    loan_id: int,
    grade: str,
    effective_on: dt.date,
    reason: str,
    today: dt.date,
) -> LoanCorrection:
    """Record a back-dated correction of a loan's reported grade (报送更正), effective from ``effective_on`` (between
    the disbursement and today): the regulator's admin or analyst only. Reports of periods ending before the
    effective date do not change, and reports as of a date before today are reproduced without it."""
    principal.require_kind(PartyKind.REGULATOR)
    principal.require(Role.ADMIN, Role.ANALYST)
    loan = lending.loan_summary(session, loan_id)
    if loan is None or loan.disbursed_on is None:
        raise errors.UNKNOWN_LOAN(loan_id=loan_id)
    if grade not in model.GRADES:
        raise errors.UNKNOWN_GRADE(grade=grade, known=", ".join(model.GRADES))
    if not loan.disbursed_on <= effective_on <= today:
        raise errors.CORRECTION_FUTURE(
            effective_on=effective_on.isoformat(), today=today.isoformat(), disbursed_on=loan.disbursed_on.isoformat()
        )
    row = LoanCorrection(
        loan_id=loan_id,
        grade=grade,
        effective_on=effective_on,
        recorded_on=today,
        reason=check_name(reason, "reason"),
        recorded_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "supervision.grade_corrected",
        "supervision_loan_correction",
        row.id,
        {"loan_id": loan_id, "grade": grade, "effective_on": effective_on.isoformat()},
    )
    return row
