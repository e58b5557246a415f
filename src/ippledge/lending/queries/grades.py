"""The five-tier classification (五级分类) as other capabilities read it: a loan's grade history, when it first
became non-performing, and the tiers' labels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.lending.tables import LoanGradeChange

NPL_GRADES = ("substandard", "doubtful", "loss")  # 次级, 可疑, 损失 (``model.Grade.is_npl``)


@dataclass(frozen=True)
class GradeChange:
    """One move of the loan's five-tier grade (五级分类变动): by the daily close (``actor`` ``close``) or the bank."""

    on: dt.date
    from_grade: str
    to_grade: str
    dpd: int
    reason: str | None
    actor: str


def grade_changes(session: Session, loan_id: int) -> list[GradeChange]:
    """The loan's classification history, oldest first."""
    c = LoanGradeChange
    stmt = select(c).where(c.loan_id == loan_id).order_by(c.on, c.id)
    return [GradeChange(x.on, x.from_grade, x.to_grade, x.dpd, x.reason, x.actor) for x in session.scalars(stmt)]


def first_npl_on(session: Session, loan_id: int) -> dt.date | None:
    """The date the loan was first classified non-performing (次级 or worse), or ``None`` if it never was."""
    c = LoanGradeChange
    return session.scalar(select(func.min(c.on)).where(c.loan_id == loan_id, c.to_grade.in_(NPL_GRADES)))


@dataclass(frozen=True)
class GradeLabel:
    """One tier of the five-tier classification (五级分类): its code and Chinese name, best first."""

    code: str
    zh: str


def grade_labels() -> list[GradeLabel]:
    """The five tiers, from normal (正常) to loss (损失)."""
    from ippledge.lending.model.classification import Grade

    return [GradeLabel(g.code, g.zh) for g in Grade]
