"""Published read face (查询接口) of ledger: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.ledger import store
from ippledge.ledger.check import LedgerCheckReport, check_ledger
from ippledge.ledger.store import EntryView


def balance(session: Session, account_code: str, as_of: dt.date | None = None) -> Decimal:
    """Natural balance (余额) of one account, from entries dated on or before ``as_of`` (all entries if ``None``).

    Natural: positive on the normal side of the account's type (``ledger.accounts``). A malformed code is
    ``ledger.account_format``; an account never posted to has 0.00.
    """
    return store.balance(session, account_code, as_of)


def balances_of(session: Session, codes: Iterable[str], as_of: dt.date | None = None) -> dict[str, Decimal]:
    """Natural balances of the given accounts (any number, read in chunks); an account never posted to has 0.00."""
    return store.balances_of(session, codes, as_of)


def balances(session: Session, prefix: str, as_of: dt.date | None = None) -> dict[str, Decimal]:
    """Natural balances of every posted account whose code starts with ``prefix`` (e.g. ``"P7:loan:"``), by code."""
    return store.balances(session, prefix, as_of)


def entries_for(session: Session, ref_type: str, ref_id: object) -> list[EntryView]:
    """Every entry (分录) about one business record (``ref_type``, ``ref_id``), oldest first."""
    return store.entries_for(session, ref_type, ref_id)


def entry_by_key(session: Session, idempotency_key: str) -> EntryView | None:
    """The entry written under ``idempotency_key`` (幂等键), or ``None`` if none was."""
    entry = store.by_key(session, idempotency_key)
    return None if entry is None else store.view(entry)


# Reads for the edges (the demo's closing line).


def check_books(session: Session, as_of: dt.date | None = None) -> LedgerCheckReport:
    """Check the whole journal (总账核对): every entry balances, and every registered expectation (each loan's
    balance, each fund pool) agrees with its account; with ``as_of``, no entry is dated after that business date."""
    return check_ledger(session, as_of=as_of)
