"""Published read face (查询接口) of ledger: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.ledger import store
from ippledge.ledger.store import EntryView


def balances_of(session: Session, codes: Iterable[str], as_of: dt.date | None = None) -> dict[str, Decimal]:
    """Natural balances of the given accounts (any number, read in chunks); an account never posted to has 0.00."""
    return store.balances_of(session, codes, as_of)


def entry_by_key(session: Session, idempotency_key: str) -> EntryView | None:
    """The entry written under ``idempotency_key`` (幂等键), or ``None`` if none was."""
    entry = store.by_key(session, idempotency_key)
    return None if entry is None else store.view(entry)
