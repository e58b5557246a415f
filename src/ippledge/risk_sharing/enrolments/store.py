"""Enrolment reads (方案登记查询): a loan's enrolment, a scheme's enrolled loans."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ippledge.db import among
from ippledge.risk_sharing.enrolments.tables import Enrolment


def enrolment_of(session: Session, loan_id: int) -> Enrolment | None:
    """The loan's enrolment, if it is enrolled."""
    return session.scalars(select(Enrolment).where(Enrolment.loan_id == loan_id)).first()


def enrolled_among(session: Session, loan_ids: list[int]) -> set[int]:
    """Which of these loans are enrolled (one query for a monitoring pass's thousands of loans)."""
    return set(session.scalars(select(Enrolment.loan_id).where(among(Enrolment.loan_id, loan_ids))))


def enrolled_loan_ids(session: Session, scheme_code: str) -> list[int]:
    """Every loan enrolled in ``scheme_code``, by id."""
    stmt = select(Enrolment.loan_id).where(Enrolment.scheme_code == scheme_code).order_by(Enrolment.loan_id)
    return list(session.scalars(stmt))


def enrolments_in(session: Session, visible: Select[Enrolment], scheme_code: str | None) -> list[Enrolment]:
    """The enrolments of ``visible`` (the caller's scoped select), of one scheme when given, newest first."""
    stmt = visible if scheme_code is None else visible.where(Enrolment.scheme_code == scheme_code)
    return list(session.scalars(stmt.order_by(Enrolment.enrolled_on.desc(), Enrolment.id.desc())))
