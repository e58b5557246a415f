"""Subsidy reads (补贴查询): what a scheme's fund has paid in subsidies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ippledge.kernel.money import money
from ippledge.risk_sharing.subsidies.tables import SubsidyApplication, SubsidyRule


def paid_total(session: Session, scheme_code: str, on: dt.date | None = None) -> Decimal:
    """Every subsidy the fund of ``scheme_code`` has paid (by the end of ``on`` when given)."""
    stmt = (
        select(func.coalesce(func.sum(SubsidyApplication.amount), 0))
        .join(SubsidyRule, SubsidyRule.id == SubsidyApplication.rule_id)
        .where(SubsidyRule.scheme_code == scheme_code, SubsidyApplication.status == "paid")
    )
    if on is not None:
        stmt = stmt.where(SubsidyApplication.paid_on <= on)
    return money(session.scalar(stmt) or 0)


def paid_by_bank(session: Session, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Subsidies paid from ``start`` to ``end`` (both included), by the lending bank of the subsidised loan."""
    a = SubsidyApplication
    stmt = (
        select(a.bank_id, func.sum(a.amount))
        .where(a.status == "paid", a.paid_on >= start, a.paid_on <= end)
        .group_by(a.bank_id)
    )
    return {int(b): money(total or 0) for b, total in session.execute(stmt)}


def applications_in(
    session: Session, visible: Select[SubsidyApplication], scheme_code: str | None
) -> list[tuple[SubsidyApplication, SubsidyRule]]:
    """The subsidy applications of ``visible`` (the caller's scoped select) with their rule, of one scheme's fund
    when given, newest first."""
    stmt = visible.add_columns(SubsidyRule).join(SubsidyRule, SubsidyRule.id == SubsidyApplication.rule_id)
    if scheme_code is not None:
        stmt = stmt.where(SubsidyRule.scheme_code == scheme_code)
    rows = session.execute(stmt.order_by(SubsidyApplication.applied_on.desc(), SubsidyApplication.id.desc()))
    return [(a, r) for a, r in rows]
