"""Risk-sharing queries (风险分担查询): the scheme version in force, pools and their balance, caps used so far.

Also registers the party scoping of the risk tables: a claim is seen by its bank and its fund, an enrolment also by
the borrower, a cover by its provider and payer, a subsidy application by the enterprise, its bank and the fund; the
platform operator and the regulator see all.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.kernel.errors import NotFoundError
from ippledge.kernel.money import from_fen
from ippledge.ledger.accounts import account_code
from ippledge.ledger.store import balance
from ippledge.risk_sharing import schemes
from ippledge.risk_sharing.ledger_entries import FUND_POOL
from ippledge.risk_sharing.model import Party, Scheme
from ippledge.risk_sharing.tables import (
    Claim,
    ClaimShare,
    Cover,
    Enrolment,
    FundPool,
    SchemeVersion,
    SubsidyApplication,
)

ALL = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})


def unknown_scheme(code: str, as_of: dt.date | None = None) -> NotFoundError:
    when = f"（{as_of}）" if as_of else ""
    return NotFoundError(
        f"没有风险分担方案 {code}{when}",
        f"no risk-sharing scheme {code}" + (f" in force on {as_of}" if as_of else ""),
        code="risk.scheme.unknown",
        details={"code": code},
    )


def version_row(session: Session, code: str, as_of: dt.date | None = None) -> SchemeVersion:
    """The version of ``code`` in force on ``as_of`` (the newest when ``as_of`` is None)."""
    stmt = select(SchemeVersion).where(SchemeVersion.code == code)
    if as_of is not None:
        stmt = stmt.where(
            SchemeVersion.effective_from <= as_of,
            or_(SchemeVersion.effective_to.is_(None), SchemeVersion.effective_to > as_of),
        )
    row = session.scalars(stmt.order_by(SchemeVersion.effective_from.desc(), SchemeVersion.id.desc())).first()
    if row is None:
        raise unknown_scheme(code, as_of)
    return row


def scheme_of(row: SchemeVersion) -> Scheme:
    return schemes.from_dict(json.loads(row.body))


def scheme_version(session: Session, code: str, version: str) -> Scheme:
    row = session.scalars(
        select(SchemeVersion).where(SchemeVersion.code == code, SchemeVersion.version == version)
    ).first()
    if row is None:
        raise unknown_scheme(code)
    return scheme_of(row)


def pool(session: Session, code: str, lock: bool = False) -> FundPool:
    stmt = select(FundPool).where(FundPool.scheme_code == code)
    row = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFoundError(f"方案 {code} 尚未设立资金池", f"scheme {code} has no fund pool", code="risk.pool.missing")
    return row


def pool_balance(session: Session, pool_row: FundPool) -> Decimal:
    """The pool's cash, read from the ledger (the book of record)."""
    return balance(session, account_code(pool_row.fund_id, FUND_POOL, pool_row.scheme_code))


def fund_paid(session: Session, code: str, year: int, bank_id: int | None = None) -> Decimal:
    """What the fund of ``code`` has paid on claims in ``year`` (to ``bank_id`` only, when given), net of nothing."""
    stmt = (
        select(func.coalesce(func.sum(ClaimShare.amount_fen), 0))
        .join(Claim, Claim.id == ClaimShare.claim_id)
        .where(Claim.scheme_code == code, Claim.paid_year == year, ClaimShare.role == Party.FUND.value)
    )
    if bank_id is not None:
        stmt = stmt.where(Claim.bank_id == bank_id)
    return from_fen(int(session.scalar(stmt) or 0))


def enrolment_of(session: Session, loan_id: int) -> Enrolment | None:
    return session.scalars(select(Enrolment).where(Enrolment.loan_id == loan_id)).first()


def shares_of(session: Session, claim_id: int) -> list[ClaimShare]:
    return list(session.scalars(select(ClaimShare).where(ClaimShare.claim_id == claim_id).order_by(ClaimShare.role)))


def register_rules() -> None:
    """Called by the composition root (``ippledge.wiring``), never on import."""
    scope.register(Claim, scope.ScopeRule(("bank_id", "fund_id"), ALL, "补偿申请", "compensation claim"))
    scope.register(Enrolment, scope.ScopeRule(("bank_id", "fund_id", "borrower_id"), ALL, "方案登记", "enrolment"))
    scope.register(Cover, scope.ScopeRule(("provider_id", "payer_id"), ALL, "保险/担保", "cover"))
    scope.register(
        SubsidyApplication,
        scope.ScopeRule(("enterprise_id", "bank_id", "fund_id"), ALL, "补贴申请", "subsidy application"),
    )
