"""Pool reads (资金池查询): a scheme's pool and its cash, read from the ledger (the book of record)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.kernel.money import money
from ippledge.ledger import queries as ledger
from ippledge.ledger.accounts import account_code
from ippledge.risk_sharing.errors import POOL_MISSING
from ippledge.risk_sharing.pools.postings import FUND_POOL
from ippledge.risk_sharing.pools.tables import FundContribution, FundPool

OVERSEERS = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})  # see every pool, claim, cover and enrolment


def find_pool(session: Session, code: str) -> FundPool | None:
    """The pool of scheme ``code``, if it has one."""
    return session.scalars(select(FundPool).where(FundPool.scheme_code == code)).first()


def pool(session: Session, code: str, lock: bool = False) -> FundPool:
    """The pool of scheme ``code`` (``risk.pool.missing`` when there is none); ``lock`` holds it for the transaction,
    as every payment out of the pool does."""
    stmt = select(FundPool).where(FundPool.scheme_code == code)
    row = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise POOL_MISSING(code=code)
    return row


def visible_pool(session: Session, principal: Principal, code: str, lock: bool = False) -> FundPool:
    """The pool of scheme ``code`` if the caller may see it (its fund, the overseers, the scheme's insured IP
    operator: ``access.scope``); ``risk.pool.missing`` otherwise, the same answer as for a scheme without a pool, so
    nobody learns of another fund's pool."""
    stmt = scope.scoped(FundPool, principal).where(FundPool.scheme_code == code)
    row = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise POOL_MISSING(code=code)
    return row


def pool_balance(session: Session, pool_row: FundPool, as_of: dt.date | None = None) -> Decimal:
    """The pool's cash, read from the ledger (the book of record): from the entries dated on or before ``as_of``
    (every entry when None)."""
    return ledger.balance(session, account_code(pool_row.fund_id, FUND_POOL, pool_row.scheme_code), as_of)


def pools(session: Session) -> list[FundPool]:
    """Every fund pool, in scheme code order."""
    return list(session.scalars(select(FundPool).order_by(FundPool.scheme_code)))


def contributed(session: Session, pool_row: FundPool) -> Decimal:
    """Every contribution paid into the pool (注资合计)."""
    stmt = select(func.coalesce(func.sum(FundContribution.amount), 0)).where(FundContribution.pool_id == pool_row.id)
    return money(session.scalar(stmt) or 0)


def scheme_codes(session: Session) -> list[str]:
    """The codes of the schemes that have a fund pool, in code order."""
    return [str(c) for c in session.scalars(select(FundPool.scheme_code).order_by(FundPool.scheme_code))]
