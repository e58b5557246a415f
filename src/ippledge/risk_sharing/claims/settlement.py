"""Settlement of an advance (预付清算): after the write-off the advanced claim is settled on the final net loss.

The fund's reviewer proposes the settlement (``service.propose_payment`` on an ``advanced`` claim, once the loan is
written off); a different APPROVER of the fund settles (``settle_claim``, maker-checker through ``access.decide``).
The final split is computed on the written-off principal less every recovery so far, with the caps counting this
claim's advance as part of the final share. Each party then pays the difference (``risk.payout``), or the bank returns
an over-advance (``risk.settlement``); what the fund's pool cannot pay of its final share (a scheme not limited to
the fund) is owed to the bank (``risk.fund_debt``). Recoveries after settlement are shared back on the settled amounts.

The approver may instead reject the proposed settlement (预付清算驳回, with a reason): the approval is decided as
rejected, no money moves, and the claim goes back to ``advanced`` so that the reviewer can propose again (e.g. after
more recoveries).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import service as access
from ippledge.access.model import Principal
from ippledge.ledger import service as ledger
from ippledge.risk_sharing.claims import notices, service, store
from ippledge.risk_sharing.claims.assessment import assess, fund_paid_on, payers_of
from ippledge.risk_sharing.claims.model import resolve_shares
from ippledge.risk_sharing.claims.tables import ZERO, Claim, ClaimShare
from ippledge.risk_sharing.claims.trigger import write_off_of
from ippledge.risk_sharing.errors import CLAIM_NOT_WRITTEN_OFF, CLAIM_STATE
from ippledge.risk_sharing.model import Party
from ippledge.risk_sharing.pools import postings


def _reject(session: Session, principal: Principal, claim: Claim, reason: str | None) -> Claim:
    assert claim.approval_id is not None
    access.decide(session, principal, claim.approval_id, False, reason)  # needs a reason; never the proposer
    claim.status = "advanced"
    session.flush()
    audit.record(session, principal, "risk.claim_settlement_rejected", "risk_claim", claim.id, {"reason": reason})
    notices.claim_event(session, claim, "risk.claim_settled", {"reason": reason})
    return claim


def settle_claim(
    session: Session,
    principal: Principal,
    claim_id: int,
    today: dt.date,
    approve: bool = True,
    reason: str | None = None,
) -> Claim:
    """A different approver of the fund settles an advanced claim; each party pays or gets back the difference.

    With ``approve=False`` (a reason required) the proposed settlement is rejected: nothing is posted and the claim is
    ``advanced`` again."""
    claim = service.fund_claim(session, principal, claim_id)
    if claim.status != "settling" or claim.approval_id is None:
        raise CLAIM_STATE(status=claim.status, wanted="proposed for settlement")
    if not approve:
        return _reject(session, principal, claim, reason)
    if write_off_of(session, claim.loan_id) is None:
        raise CLAIM_NOT_WRITTEN_OFF(loan_id=claim.loan_id)
    access.decide(session, principal, claim.approval_id, True, None)
    scheme, allocation, mark, balance, owed = assess(session, claim, today, fund_paid_on(session, claim))
    payers = payers_of(session, claim, claim.triggered_on)
    final, capped = resolve_shares(allocation, payers)
    rows = {Party(r.role): r for r in store.shares_of(session, claim.id)}
    for party, amount in final.items():
        row = rows.get(party)
        if row is None:
            row = ClaimShare(claim_id=claim.id, role=party.value, party_id=payers.get(party), amount=ZERO, owed=ZERO)
            session.add(row)
        new_owed = owed if party is Party.FUND else ZERO  # the pool pays what it holds; the rest is owed (应付代偿)
        delta = amount - new_owed - (row.amount - row.owed)
        if party is Party.FUND and new_owed > row.owed:
            debt = service.record_debt(session, principal, claim, new_owed - row.owed, today)
            row.settlement_entry_id = debt
        row.owed = new_owed
        if party is not Party.BANK and delta:
            payer = row.party_id
            assert payer is not None  # resolve_shares moved every share without a party to the bank
            template = postings.payout if delta > 0 else postings.settlement_refund
            draft = template(
                payer,
                claim.bank_id,
                abs(delta),
                today,
                claim.id,
                f"risk.settle:{claim.id}:{party.value}",
                claim.scheme_code if party is Party.FUND else None,
            )
            row.settlement_entry_id = ledger.post(session, principal, draft).id
        row.amount = amount
        row.uncapped = allocation.uncapped.get(party, ZERO)
        row.capped_by = ",".join(capped.get(party, []))
    claim.balance = balance
    claim.loss, claim.interest = allocation.loss, allocation.interest
    claim.tier_index, claim.paid_year, claim.recovery_mark = allocation.tier_index, today.year, mark
    claim.status, claim.settled_on = "paid", today
    session.flush()
    audit.record(
        session,
        principal,
        "risk.claim_settled",
        "risk_claim",
        claim.id,
        {"shares": {p.value: str(v) for p, v in final.items()}, "scheme": scheme.code, "fund_owed": str(owed)},
    )
    notices.claim_event(session, claim, "risk.claim_settled", {"shares": {p.value: str(v) for p, v in final.items()}})
    return claim
