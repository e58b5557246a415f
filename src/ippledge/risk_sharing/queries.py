"""Published read face (查询接口) of risk_sharing: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.risk_sharing.claims import store as claims
from ippledge.risk_sharing.model import Scheme
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.schemes import store as schemes


def scheme_in_force(session: Session, code: str, as_of: dt.date | None = None) -> Scheme:
    """The scheme ``code`` as stored, in the version in force on ``as_of`` (the newest when ``as_of`` is None);
    ``risk.scheme.unknown`` when there is none."""
    return schemes.scheme_in_force(session, code, as_of)


@dataclass(frozen=True)
class PoolPosition:
    """A scheme's fund pool: its cash (``balance``, never negative) and what its fund still owes banks on claims
    because the pool was short (``owed``, 应付代偿)."""

    scheme_code: str
    fund_id: int
    balance: Decimal
    owed: Decimal


def pool_position(session: Session, scheme_code: str) -> PoolPosition:
    """The pool of ``scheme_code`` (``risk.pool.missing`` when the scheme has none)."""
    row = pools.pool(session, scheme_code)
    return PoolPosition(
        row.scheme_code, row.fund_id, pools.pool_balance(session, row), claims.owed(session, scheme_code)
    )
