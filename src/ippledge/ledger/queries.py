"""Published read face (查询接口) of ledger: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session


def balance(session: Session, account_code: str, as_of: dt.date | None = None) -> Decimal:
    """The natural balance of one account (see ``ledger.accounts``), from entries dated on or before ``as_of``
    (every entry when ``None``); an account never posted to has 0.00."""
    from ippledge.ledger import store

    return store.balance(session, account_code, as_of)
