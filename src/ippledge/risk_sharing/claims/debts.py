"""The fund's debts to banks (应付代偿): the part of a fund's claim share its pool could not pay.

Under a scheme whose liability is not limited to the fund, a claim the pool cannot pay in full leaves the fund owing
the bank the rest (``ClaimShare.owed``, ``risk.fund_debt``: fund payable / bank receivable). Every contribution
into that pool then pays the debts down first-in-first-out (oldest claim first), each payment a ``risk.debt_payment``
entry, in the contribution's transaction, as far as the pool's balance goes: the pool never goes negative.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal
from ippledge.ledger import service as ledger
from ippledge.risk_sharing.claims import notices
from ippledge.risk_sharing.claims.tables import ZERO, Claim, ClaimShare
from ippledge.risk_sharing.model import Party
from ippledge.risk_sharing.pools import postings
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.pools.tables import FundPool


def pay_down(session: Session, principal: Principal, pool: FundPool, day: dt.date) -> Decimal:
    """Pay what the fund owes on the scheme's claims, oldest first, out of the pool's balance; returns what was paid.

    The caller holds the pool row locked (``pools.store.pool(..., lock=True)``), as claim decisions do."""
    cash = pools.pool_balance(session, pool)
    oldest_first = (
        select(ClaimShare, Claim)
        .join(Claim, Claim.id == ClaimShare.claim_id)
        .where(Claim.scheme_code == pool.scheme_code, ClaimShare.role == Party.FUND.value, ClaimShare.owed > 0)
        .order_by(func.coalesce(Claim.settled_on, Claim.decided_on), Claim.id)
    )
    paid = ZERO
    for share, claim in session.execute(oldest_first.with_for_update()).all():
        if cash <= 0:
            break
        amount = min(cash, share.owed)
        key = f"risk.debt_payment:{claim.id}:{share.owed}"  # the debt only falls, so each key is used once
        draft = postings.debt_payment(pool.fund_id, pool.scheme_code, claim.bank_id, amount, day, claim.id, key)
        ledger.post(session, principal, draft)
        share.owed -= amount
        cash -= amount
        paid += amount
        details = {"paid": str(amount), "owed": str(share.owed)}
        audit.record(session, principal, "risk.fund_debt_paid", "risk_claim", claim.id, details)
        notices.claim_event(session, claim, "risk.fund_debt_paid", details)
    session.flush()
    return paid
