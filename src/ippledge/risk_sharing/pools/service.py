"""Pools and contributions (资金池与注资): the fund sets up the pool of a scheme and pays money into it.

Who may write: the fund administrator (admin or approver) for its own pool. What the fund owes banks on claims is paid
out of a contribution by the package's command face (``risk_sharing.service.contribute``), which runs
``claims.debts.pay_down`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.money import positive_money
from ippledge.ledger import service as ledger
from ippledge.risk_sharing.errors import POOL_EXISTS, SCHEME_UNKNOWN
from ippledge.risk_sharing.pools import postings, store
from ippledge.risk_sharing.pools.tables import FundContribution, FundPool
from ippledge.risk_sharing.schemes import store as schemes


def create_pool(session: Session, principal: Principal, scheme_code: str) -> FundPool:
    """The fund administrator sets up the pool of a stored scheme (one pool per scheme)."""
    principal.require_kind(PartyKind.FUND)
    principal.require(Role.ADMIN, Role.APPROVER)
    schemes.version_row(session, scheme_code)
    if store.find_pool(session, scheme_code) is not None:
        raise POOL_EXISTS(code=scheme_code)
    row = FundPool(scheme_code=scheme_code, fund_id=principal.party_id)
    session.add(row)
    session.flush()
    audit.record(session, principal, "risk.pool_created", "risk_fund_pool", row.id, {"scheme": scheme_code})
    return row


def contribute(
    session: Session, principal: Principal, scheme_code: str, amount: Decimal | str, day: dt.date, key: str
) -> tuple[FundPool, bool]:
    """注资: money paid into the pool (a ledger entry, once per ``key``); returns the pool, locked, and whether this
    call paid it in (``False``: a replay of the same key)."""
    row = store.visible_pool(session, principal, scheme_code, lock=True)
    if principal.party_id != row.fund_id:
        raise SCHEME_UNKNOWN(code=scheme_code)  # no probing of another fund's pool
    principal.require(Role.ADMIN, Role.APPROVER)
    value = positive_money(amount)
    draft = postings.contribution(row.fund_id, scheme_code, value, day, row.id, f"risk.contribution:{key}")
    entry = ledger.post(session, principal, draft)
    if session.scalars(select(FundContribution).where(FundContribution.entry_id == entry.id)).first() is not None:
        return row, False
    session.add(FundContribution(pool_id=row.id, value_date=day, amount=value, entry_id=entry.id))
    session.flush()
    audit.record(session, principal, "risk.contribution", "risk_fund_pool", row.id, {"amount": str(value)})
    return row, True
