"""Published read face (查询接口) of ledger: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

# Reads for the edges (the demo's closing line).
from sqlalchemy.orm import Session

from ippledge.ledger.check import LedgerCheckReport, check_ledger


def check_books(session: Session) -> LedgerCheckReport:
    """Check the whole journal (总账核对): every entry balances, and every registered expectation (each loan's
    balance, each fund pool) agrees with its account."""
    return check_ledger(session)
