"""Recoveries after payout (追偿返还): money recovered from the borrower or by disposal is shared back.

The bank records a recovery on the written-off loan (``lending.record_recovery``: Dr bank cash / Cr recovery income);
``share_back`` then passes each paying party its part of *all* recoveries since payout, in the proportions each
actually bore (``model.share_recovery`` on the cumulative amount, so repeated recoveries never drift by a fen):
one ``risk.clawback`` entry per party, bank -> fund pool / insurer / guarantor / valuer. While the fund still owes the
bank part of its share (应付代偿), its part of a recovery first reduces that debt (``risk.clawback_offset``, no cash).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access.model import Principal, Role
from ippledge.kernel.errors import not_found
from ippledge.ledger import service as ledger
from ippledge.lending import queries as loans
from ippledge.lending import service as lending
from ippledge.risk_sharing.claims import notices, store
from ippledge.risk_sharing.claims.model import Allocation, share_recovery
from ippledge.risk_sharing.claims.tables import ZERO, Claim
from ippledge.risk_sharing.errors import CLAIM_NOT_PAID
from ippledge.risk_sharing.model import Party
from ippledge.risk_sharing.pools import postings
from ippledge.risk_sharing.schemes import store as schemes


def _bank_claim(session: Session, principal: Principal, claim_id: int) -> Claim:
    claim = scope.get_visible(session, Claim, claim_id, principal)
    if principal.party_id != claim.bank_id:
        raise not_found("补偿申请", "compensation claim", id=claim_id)
    principal.require(Role.CREDIT_OFFICER, Role.APPROVER)
    if claim.status != "paid":
        raise CLAIM_NOT_PAID(status=claim.status)
    return claim


def allocation_of(session: Session, claim: Claim) -> Allocation:
    """The split the claim was paid on (after caps), as recoveries are shared back on it."""
    shares = {Party(s.role): s.amount for s in store.shares_of(session, claim.id)}
    return Allocation(claim.loss, claim.interest, claim.tier_index or 0, shares, shares)


def share_back(session: Session, principal: Principal, claim_id: int, today: dt.date) -> Claim:
    """Share back every recovery recorded on the loan since payout (idempotent: nothing new, nothing posted)."""
    claim = _bank_claim(session, principal, claim_id)
    scheme = schemes.scheme_version(session, claim.scheme_code, claim.scheme_version)
    new = loans.recoveries(session, claim.loan_id, after_id=claim.recovery_mark)
    if not new.total or not scheme.recovery_clawback:
        return claim
    allocation = allocation_of(session, claim)
    cumulative = min(claim.recovered + new.total, allocation.total)
    shared = share_recovery(allocation, cumulative).shares
    for row in store.shares_of(session, claim.id):
        party = Party(row.role)
        due = shared.get(party, ZERO) - row.clawed_back
        if party is Party.BANK or row.party_id is None or due <= 0:
            continue
        key = f"risk.clawback:{claim.id}:{party.value}:{cumulative}"
        offset = min(due, row.owed)
        if offset:  # the fund still owes the bank: set its part off against the debt
            draft = postings.clawback_offset(
                row.party_id, claim.scheme_code, claim.bank_id, offset, today, claim.id, f"{key}:offset"
            )
            ledger.post(session, principal, draft)
            row.owed -= offset
        if due > offset:
            draft = postings.clawback(
                row.party_id,
                claim.bank_id,
                due - offset,
                today,
                claim.id,
                key,
                claim.scheme_code if party is Party.FUND else None,
            )
            ledger.post(session, principal, draft)
        row.clawed_back += due
    claim.recovered, claim.recovery_mark = cumulative, new.last_id
    session.flush()
    audit.record(session, principal, "risk.clawback", "risk_claim", claim.id, {"recovered": str(cumulative)})
    notices.claim_event(session, claim, "risk.clawback", {"recovered": str(cumulative)})
    return claim


def recover(
    session: Session,
    principal: Principal,
    claim_id: int,
    amount: Decimal | str,
    day: dt.date,
    key: str,
    today: dt.date | None = None,
) -> Claim:
    """Record a recovery on the claim's loan (value date ``day``, not after the business date ``today``) and share it
    back in one step."""
    claim = _bank_claim(session, principal, claim_id)
    ref = f"risk:{claim.id}:{key}"
    lending.record_recovery(session, principal, claim.loan_id, amount, day, ref, today=today)
    return share_back(session, principal, claim.id, day)
