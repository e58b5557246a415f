"""Enrolment reads (方案登记查询): a loan's enrolment, a scheme's enrolled loans."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.risk_sharing.enrolments.tables import Enrolment


def enrolment_of(session: Session, loan_id: int) -> Enrolment | None:
    """The loan's enrolment, if it is enrolled."""
    return session.scalars(select(Enrolment).where(Enrolment.loan_id == loan_id)).first()


def enrolled_loan_ids(session: Session, scheme_code: str) -> list[int]:
    """Every loan enrolled in ``scheme_code``, by id."""
    stmt = select(Enrolment.loan_id).where(Enrolment.scheme_code == scheme_code).order_by(Enrolment.loan_id)
    return list(session.scalars(stmt))
