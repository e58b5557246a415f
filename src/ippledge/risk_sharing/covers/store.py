"""Cover reads (保险/担保查询): who pays an insurer's or guarantor's share of a claim, premiums received."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Select, and_, extract, func, or_, select
from sqlalchemy.orm import Session

from ippledge.kernel.money import money
from ippledge.risk_sharing.covers.tables import Cover
from ippledge.risk_sharing.model import Party

ROLE_OF_KIND = {"pooled_insurance": Party.INSURER, "loan_insurance": Party.INSURER, "guarantee": Party.GUARANTOR}


def provider_for(session: Session, loan_id: int, scheme_code: str, role: Party, on: dt.date) -> int | None:
    """Who pays ``role``'s share of a claim: the cover in force on ``on`` (the trigger date), per-loan first."""
    kinds = [k for k, r in ROLE_OF_KIND.items() if r is role]
    stmt = (
        select(Cover)
        .where(
            Cover.kind.in_(kinds),
            Cover.status == "active",
            Cover.start_on <= on,
            Cover.end_on >= on,
            or_(Cover.loan_id == loan_id, and_(Cover.loan_id.is_(None), Cover.scheme_code == scheme_code)),
        )
        .order_by(Cover.loan_id.is_(None), Cover.id)
    )
    cover = session.scalars(stmt).first()
    return None if cover is None else cover.provider_id


def pooled_policyholder(session: Session, scheme_code: str) -> int | None:
    """The IP operations institution of a scheme: the policyholder of its pooled insurance (``None``: no such cover)."""
    pooled = session.scalars(
        select(Cover).where(Cover.kind == "pooled_insurance", Cover.scheme_code == scheme_code)
    ).first()
    return None if pooled is None else pooled.payer_id


def premiums_paid(session: Session, loan_id: int, kinds: tuple[str, ...], year: int) -> Decimal:
    """What was paid on the loan's covers of ``kinds`` that started in ``year`` (a premium or fee subsidy's basis)."""
    stmt = select(func.coalesce(func.sum(Cover.paid), 0)).where(
        Cover.loan_id == loan_id, Cover.kind.in_(kinds), extract("year", Cover.start_on) == year
    )
    return money(session.scalar(stmt) or 0)


def provided_by(session: Session, visible: Select[Cover], provider_id: int) -> list[Cover]:
    """The covers ``provider_id`` wrote, among those the caller may see (its scoped select), newest first."""
    return list(session.scalars(visible.where(Cover.provider_id == provider_id).order_by(Cover.id.desc())))
