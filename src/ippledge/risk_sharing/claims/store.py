"""Claim reads (补偿申请查询): a claim's shares, what a fund has paid in a year, what it still owes banks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ippledge.kernel.money import money
from ippledge.risk_sharing.claims.tables import Claim, ClaimShare
from ippledge.risk_sharing.model import Party

OPEN = ("filed", "proposed", "advanced", "settling", "paid")  # a claim in one of these blocks another on the loan


def shares_of(session: Session, claim_id: int) -> list[ClaimShare]:
    """What each party bore of the claim, by role."""
    return list(session.scalars(select(ClaimShare).where(ClaimShare.claim_id == claim_id).order_by(ClaimShare.role)))


def open_claim(session: Session, loan_id: int) -> Claim | None:
    """The loan's claim that is open or paid, if any."""
    return session.scalars(select(Claim).where(Claim.loan_id == loan_id, Claim.status.in_(OPEN))).first()


def fund_paid(session: Session, code: str, year: int, bank_id: int | None = None) -> Decimal:
    """What the fund of ``code`` has paid on claims in ``year`` (to ``bank_id`` only, when given), net of nothing."""
    stmt = (
        select(func.coalesce(func.sum(ClaimShare.amount), 0))
        .join(Claim, Claim.id == ClaimShare.claim_id)
        .where(Claim.scheme_code == code, Claim.paid_year == year, ClaimShare.role == Party.FUND.value)
    )
    if bank_id is not None:
        stmt = stmt.where(Claim.bank_id == bank_id)
    return money(session.scalar(stmt) or 0)


def owed(session: Session, code: str) -> Decimal:
    """What the fund of scheme ``code`` still owes banks on claims (应付代偿)."""
    stmt = (
        select(func.coalesce(func.sum(ClaimShare.owed), 0))
        .join(Claim, Claim.id == ClaimShare.claim_id)
        .where(Claim.scheme_code == code, ClaimShare.role == Party.FUND.value)
    )
    return money(session.scalar(stmt) or 0)


class FundTotals(NamedTuple):
    """The fund's side of a scheme's claims: its shares, what of them it still owes, what came back to it."""

    shares: Decimal
    owed: Decimal
    clawed_back: Decimal


def fund_totals(session: Session, code: str) -> FundTotals:
    """The fund's shares of every claim of scheme ``code``, what it still owes of them and what was clawed back."""
    stmt = (
        select(
            func.coalesce(func.sum(ClaimShare.amount), 0),
            func.coalesce(func.sum(ClaimShare.owed), 0),
            func.coalesce(func.sum(ClaimShare.clawed_back), 0),
        )
        .join(Claim, Claim.id == ClaimShare.claim_id)
        .where(Claim.scheme_code == code, ClaimShare.role == Party.FUND.value)
    )
    shares, owed_now, back = session.execute(stmt).one()
    return FundTotals(money(shares), money(owed_now), money(back))


def recovered_count(session: Session, code: str) -> int:
    """How many claims of scheme ``code`` had recoveries shared back."""
    stmt = select(func.count(Claim.id)).where(Claim.scheme_code == code, Claim.recovered > 0)
    return int(session.scalar(stmt) or 0)


def losses(session: Session, code: str) -> Decimal:
    """The net losses of the claims of scheme ``code`` (those decided so far)."""
    stmt = select(func.coalesce(func.sum(Claim.loss), 0)).where(Claim.scheme_code == code)
    return money(session.scalar(stmt) or 0)


PAID = ("paid", "advanced", "settling")  # the money reached the bank at the decision (an advance is paid too)


def paid_between(session: Session, start: dt.date, end: dt.date) -> list[Claim]:
    """The claims paid or advanced with a decision dated from ``start`` to ``end`` inclusive, by id."""
    stmt = (
        select(Claim)
        .where(Claim.status.in_(PAID), Claim.decided_on >= start, Claim.decided_on <= end)
        .order_by(Claim.id)
    )
    return list(session.scalars(stmt))


def claims_covered_by(session: Session, provider_id: int) -> list[Claim]:
    """Claims on loans a cover of ``provider_id`` protects (one loan's, or every loan of its scheme), and claims where
    it bore a share: what an insurer or guarantor reviews, newest first."""
    from ippledge.risk_sharing.covers.tables import Cover

    mine = select(Cover).where(Cover.provider_id == provider_id).subquery()
    stmt = select(Claim).where(
        or_(
            Claim.loan_id.in_(select(mine.c.loan_id).where(mine.c.loan_id.is_not(None))),
            Claim.scheme_code.in_(select(mine.c.scheme_code).where(mine.c.scheme_code.is_not(None))),
            Claim.id.in_(select(ClaimShare.claim_id).where(ClaimShare.party_id == provider_id)),
        )
    )
    return list(session.scalars(stmt.order_by(Claim.id.desc())))
