"""Compensation claims (补偿申请): trigger, filing with evidence, the fund's maker-checker review, payout, clawback.

* **Trigger** (代偿触发) from the loan's state under the enrolled version (``trigger.triggered_on``): days past due,
  first classified 次级 or worse, write-off, N months after it became an NPL.
* **Filing**: the lending bank, within ``claim_window_days`` of the trigger, with a statement and document refs.
  The fund must decide within :data:`REVIEW_WORKING_DAYS` working days (``review_due``; assumption: no source
  gives the limit; the Haidian fast track is 15 days).
* **Review**: a FUND_REVIEWER of the fund proposes payment; a different APPROVER of the fund decides
  (``access.decide`` refuses self-approval). On approval the loss is computed (principal at default less recoveries
  so far; interest receivable as the scheme's interest rule says) and split by ``model.split_loss``
  (``assessment.assess``) with the caps used so far and the pool balance from the ledger. The pool never goes
  negative. Under a scheme whose liability is limited to the fund (Haikou) the fund's share is capped at its balance
  and the rest falls to the scheme's overflow party (the bank). Under any other scheme the fund keeps its full
  share; the part its pool cannot pay is a debt to the bank (应付代偿, ``owed`` on the fund's share row,
  ``risk.fund_debt``), paid first-in-first-out out of the next contributions into the pool (``debts.pay_down``).
* **Payout**: one ledger entry per paying party (fund pool, insurer, guarantor, valuer, IP operations institution ->
  bank). The valuer (Zhongshan's 4%) is the valuation firm whose external report backed the loan's credit decision
  (``assessment.valuer_of``); a loan valued internally by the bank has no external valuer. A share whose party the
  platform cannot name (no cover, no external valuer) falls to the bank too (``capped_by`` = ``no_party``).
* **Advance** (预付, Shanghai): when the scheme has an ``advance_ratio_bp`` below 100% and the claim is approved
  before the loan is written off, ``advance_ratio`` of the net loss is paid now (at most what the paying parties owe,
  shared among them pro rata; status ``advanced``), as ``model.advance_amount`` shows it; after the
  write-off the fund reviews again and a different approver settles (``settlement.settle_claim``).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import service as access
from ippledge.access.model import RISK_CLAIM, Principal, Role
from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.errors import not_found
from ippledge.ledger import service as ledger
from ippledge.lending import queries as lending
from ippledge.risk_sharing.claims import notices, store
from ippledge.risk_sharing.claims.assessment import assess, fund_paid_on, payers_of
from ippledge.risk_sharing.claims.model import advance_shares, cash_only, pays_advance, resolve_shares
from ippledge.risk_sharing.claims.tables import ZERO, Claim, ClaimShare
from ippledge.risk_sharing.claims.trigger import triggered_on, write_off_of
from ippledge.risk_sharing.enrolments import store as enrolments
from ippledge.risk_sharing.errors import (
    CLAIM_BANK,
    CLAIM_EVIDENCE,
    CLAIM_EXISTS,
    CLAIM_NOT_ENROLLED,
    CLAIM_NOT_TRIGGERED,
    CLAIM_NOT_WRITTEN_OFF,
    CLAIM_STATE,
    CLAIM_WINDOW_CLOSED,
)
from ippledge.risk_sharing.model import Party
from ippledge.risk_sharing.pools import postings
from ippledge.risk_sharing.schemes import store as schemes

REVIEW_WORKING_DAYS = 20


def file_claim(
    session: Session, principal: Principal, loan_id: int, statement: str, documents: list[str], today: dt.date
) -> Claim:
    """The lending bank files a claim for an enrolled loan whose trigger has been met, within the window."""
    loan = lending.visible_loan(session, principal, loan_id)
    if principal.party_id != loan.bank_id:
        raise CLAIM_BANK(loan_id=loan.id)
    principal.require(Role.CREDIT_OFFICER, Role.APPROVER)
    if not (statement or "").strip():
        raise CLAIM_EVIDENCE()
    enrolment = enrolments.enrolment_of(session, loan.id)
    if enrolment is None:
        raise CLAIM_NOT_ENROLLED(loan_id=loan.id)
    scheme = schemes.scheme_version(session, enrolment.scheme_code, enrolment.scheme_version)
    on = triggered_on(session, scheme, loan, today)
    if on is None:
        raise CLAIM_NOT_TRIGGERED(trigger=scheme.trigger.kind.value, value=scheme.trigger.value)
    if scheme.claim_window_days is not None and (today - on).days > scheme.claim_window_days:
        raise CLAIM_WINDOW_CLOSED(days=scheme.claim_window_days, triggered_on=str(on))
    if store.open_claim(session, loan.id) is not None:
        raise CLAIM_EXISTS(loan_id=loan.id)
    claim = Claim(
        loan_id=loan.id,
        enrolment_id=enrolment.id,
        scheme_code=scheme.code,
        scheme_version=scheme.version,
        bank_id=loan.bank_id,
        fund_id=enrolment.fund_id,
        trigger_kind=scheme.trigger.kind.value,
        triggered_on=on,
        filed_on=today,
        review_due=default_calendar().add_working_days(today, REVIEW_WORKING_DAYS),
        evidence=json.dumps({"statement": statement, "documents": list(documents)}, ensure_ascii=False),
        status="filed",
    )
    session.add(claim)
    session.flush()
    audit.record(session, principal, "risk.claim_filed", RISK_CLAIM, claim.id, {"loan_id": loan.id})
    notices.claim_event(session, claim, "risk.claim_filed", {"review_due": str(claim.review_due)})
    return claim


def fund_claim(session: Session, principal: Principal, claim_id: int) -> Claim:
    """A claim the caller's fund reviews (404 for anyone else, who may not know that it exists)."""
    claim = scope.get_visible(session, Claim, claim_id, principal)
    if principal.party_id != claim.fund_id:
        raise not_found("补偿申请", "compensation claim", id=claim_id)
    return claim


def propose_payment(session: Session, reviewer: Principal, claim_id: int, note: str, today: dt.date) -> Claim:
    """The fund's reviewer (maker) proposes to pay (a filed claim) or to settle (an advanced claim once the loan is
    written off); the payload shows the split on today's caps."""
    claim = fund_claim(session, reviewer, claim_id)
    reviewer.require(Role.FUND_REVIEWER)
    if claim.status not in ("filed", "advanced"):
        raise CLAIM_STATE(status=claim.status, wanted="filed or advanced")
    settle = claim.status == "advanced"
    if settle and write_off_of(session, claim.loan_id) is None:
        raise CLAIM_NOT_WRITTEN_OFF(loan_id=claim.loan_id)
    preview = assess(session, claim, today, paid_before=fund_paid_on(session, claim) if settle else ZERO)
    shares = {p.value: str(v) for p, v in preview.allocation.shares.items()}
    payload = {"note": note, "shares": shares, "fund_owed": str(preview.owed)}
    approval = access.propose(session, reviewer, RISK_CLAIM, claim.id, "settle" if settle else "pay", payload)
    claim.status, claim.approval_id = ("settling" if settle else "proposed"), approval.id
    session.flush()
    return claim


def decide(
    session: Session, approver: Principal, claim_id: int, approve: bool, reason: str | None, today: dt.date
) -> Claim:
    """A different approver of the fund decides; on approval every party's share is paid through the ledger."""
    claim = fund_claim(session, approver, claim_id)
    if claim.status != "proposed" or claim.approval_id is None:
        raise CLAIM_STATE(status=claim.status, wanted="proposed")
    access.decide(session, approver, claim.approval_id, approve, reason)
    claim.decided_on = today
    if not approve:
        claim.status = "rejected"
        session.flush()
        return claim
    scheme, allocation, mark, balance, owed = assess(session, claim, today)
    payers = payers_of(session, claim, claim.triggered_on)  # the covers in force when the loss was triggered
    shares, capped = resolve_shares(allocation, payers)
    advance = pays_advance(scheme, write_off_of(session, claim.loan_id) is not None)
    if advance:  # 预付: the advance ratio of the net loss, at most what the others owe, shared pro rata among them
        shares, capped = cash_only(shares, capped, owed)  # an advance is paid from cash; no debt before settlement
        shares, owed = advance_shares(scheme, allocation.total, shares), ZERO
    claim.balance = balance
    claim.loss, claim.interest = allocation.loss, allocation.interest
    claim.tier_index, claim.paid_year, claim.recovery_mark = allocation.tier_index, today.year, mark
    claim.status = "advanced" if advance else "paid"
    session.flush()
    for party, amount in shares.items():
        row = ClaimShare(
            claim_id=claim.id,
            role=party.value,
            party_id=payers.get(party),
            amount=amount,
            uncapped=allocation.uncapped.get(party, ZERO),
            capped_by=",".join(capped.get(party, [])),
            advanced=amount if advance and party is not Party.BANK else ZERO,
            owed=owed if party is Party.FUND else ZERO,
        )
        if party is not Party.BANK and amount > 0:
            payer = payers[party]
            assert payer is not None
            paid = pay_share(session, approver, claim, party, payer, amount - row.owed, today)
            debt = record_debt(session, approver, claim, row.owed, today)  # only the fund's, when short
            row.entry_id = paid or debt
        session.add(row)
    session.flush()
    audit.record(
        session,
        approver,
        "risk.claim_advanced" if advance else "risk.claim_paid",
        RISK_CLAIM,
        claim.id,
        {"shares": {p.value: str(v) for p, v in shares.items()}, "scheme": scheme.code, "fund_owed": str(owed)},
    )
    notices.claim_event(
        session,
        claim,
        "risk.claim_decided",
        {"shares": {p.value: str(v) for p, v in shares.items()}, "fund_owed": str(owed)},
    )
    return claim


def pay_share(
    session: Session, principal: Principal, claim: Claim, party: Party, payer: int, amount: Decimal, today: dt.date
) -> int | None:
    """Post one party's payment to the bank (``risk.payout``); returns the entry id (None when nothing is due)."""
    if amount <= 0:
        return None
    fund_scheme = claim.scheme_code if party is Party.FUND else None
    key = f"risk.payout:{claim.id}:{party.value}"
    draft = postings.payout(payer, claim.bank_id, amount, today, claim.id, key, fund_scheme)
    return ledger.post(session, principal, draft).id


def record_debt(session: Session, principal: Principal, claim: Claim, amount: Decimal, today: dt.date) -> int | None:
    """应付代偿: the fund owes the bank ``amount`` on this claim (``risk.fund_debt``); paid from later contributions."""
    if amount <= 0:
        return None
    key = f"risk.fund_debt:{claim.id}:{amount}"
    draft = postings.fund_debt(claim.fund_id, claim.scheme_code, claim.bank_id, amount, today, claim.id, key)
    entry = ledger.post(session, principal, draft)
    audit.record(session, principal, "risk.fund_debt", RISK_CLAIM, claim.id, {"owed": str(amount)})
    return entry.id
