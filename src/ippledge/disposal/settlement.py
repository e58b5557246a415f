"""Settlement (清偿): 以物抵债, the waterfall, the clawback, the release and transfer filings, and the outcome that
valuation learns from.

Money moves only as ledger entries (``postings``); the recovery goes to lending and, where the loan had a paid
compensation claim, is shared back through risk_sharing at once. Every command runs in the caller's unit of work.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal
from ippledge.disposal import errors, model, postings
from ippledge.disposal.common import _entry, _lot, rounds_of, rules_of
from ippledge.disposal.tables import DisposalFiling, DisposalLot
from ippledge.kernel.errors import not_found
from ippledge.ledger import service as ledger
from ippledge.lending import queries as loans
from ippledge.lending import service as lending
from ippledge.pledge import queries as pledges
from ippledge.pledge import service as pledge_service
from ippledge.registry import legal_status
from ippledge.registry.service import OwnerShare
from ippledge.risk_sharing import queries as risk
from ippledge.risk_sharing import service as risk_service
from ippledge.valuation.outcomes import service as outcomes


def take_in_satisfaction(session: Session, principal: Principal, lot_id: int, today: dt.date) -> DisposalLot:
    """以物抵债: the bank, as creditor, takes the lot in satisfaction of the debt when the rule set provides for it,
    after a failed auction (流拍) at that round's reserve (its start price), or after a failed sale stage (变卖不成) at
    the sale stage's price. The bank pays that price into custody (its foreclosed asset at that price); settlement
    then pays costs and the debt back to it and any surplus to the pledgor (补交差价), and files the transfer to the
    bank and the release."""
    lot = _lot(session, lot_id, lock=True)
    if principal.party_kind is not PartyKind.BANK or principal.party_id != lot.bank_id:
        raise errors.NOT_AGENT()
    if lot.status != "open":
        raise errors.LOT_STATE(status=lot.status, action_zh="以物抵债", action_en="take it in satisfaction")
    if not rules_of(lot).satisfaction_at_reserve:
        raise errors.SATISFACTION(reason=f"rule set {lot.rules_name} does not provide for it")
    rounds = rounds_of(session, lot.id)
    if not rounds or rounds[-1].status != "failed":
        raise errors.SATISFACTION(reason="the last round is not a failed auction or sale stage")
    price = model.satisfaction_price(rounds[-1].stage, rounds[-1].start_price)
    ledger.post(
        session, principal, postings.satisfaction(lot.bank_id, lot.id, price, today, f"disposal.satisfy:{lot.id}")
    )
    _entry(session, principal, "disposal.payment", lot, price, today, f"disposal.payment:satisfaction:{lot.id}")
    lot.status, lot.buyer_id, lot.price, lot.satisfied = "sold", lot.bank_id, price, True
    session.flush()
    detail = {"price": str(price), "after": rounds[-1].stage, "round": rounds[-1].number}
    audit.record(session, principal, "disposal.satisfied", "disposal_lot", lot.id, detail)
    return lot


# -- settlement -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    """How one lot's proceeds were paid (清偿): the waterfall, and what the recovery returned to the payers."""

    lot_id: int
    waterfall: model.Waterfall
    claim_id: int | None
    clawed_back: dict[str, Decimal]
    release_filings: list[int]
    transfer_filings: list[int]


def secured_debt(
    session: Session, loan_id: int, principal: Principal | None = None, today: dt.date | None = None
) -> Decimal:
    """What the pledge still secures: on a written-off loan, what the write-off took off the books (principal,
    interest, penalty) less every recovery since; on a defaulted loan still on the books, what paying it off on
    ``today`` would take (lending's payoff quote: overdue principal, interest and penalty, the rest of the principal
    and interest to the day), as the bank ``principal`` sees it; nothing once the loan is repaid."""
    wo = loans.approved_write_off(session, loan_id)
    if wo is not None:
        return max(wo.principal + wo.interest + wo.penalty - loans.recoveries(session, loan_id).total, model.ZERO)
    loan = loans.loan_summary(session, loan_id)
    if loan is None or loan.status != "active":
        return model.ZERO
    if principal is None or today is None:
        raise errors.NOT_WRITTEN_OFF()
    return lending.payoff_quote(session, principal, loan_id, today).total


def _pay_debt(
    session: Session, principal: Principal, lot: DisposalLot, amount: Decimal, debt: Decimal, today: dt.date
) -> None:
    """The secured debt paid from the proceeds: a recovery on a written-off loan; on a loan still on the books the
    proceeds enter the borrower's settlement account and repay it in lending's allocation order (overdue penalty,
    interest, principal, then the rest of the principal), paying it off when they cover the payoff quote."""
    key = f"disposal:{lot.id}"
    if loans.approved_write_off(session, lot.loan_id) is not None:
        lending.record_recovery(session, principal, lot.loan_id, amount, today, key, today=today)
        return
    loan = loans.loan_summary(session, lot.loan_id)
    assert loan is not None
    lending.deposit(session, principal, loan.borrower_id, amount, today, key, today=today)
    if amount >= debt:
        lending.payoff(session, principal, lot.loan_id, today, key, today=today)
    else:
        lending.repay(session, principal, lot.loan_id, amount, today, key, prepay=True, today=today)


def settle(session: Session, principal: Principal, lot_id: int, costs: Decimal | str, today: dt.date) -> Settlement:
    """清偿: the bank pays the sold lot's proceeds (with any forfeited deposits) down the waterfall — disposal costs,
    then the secured debt (a recovery on a written-off loan; a repayment, or the payoff, of a defaulted loan still on
    the books), then the surplus to the pledgor, each a ledger entry — shares a recovery back to the fund, insurer
    and others on the loan's paid claim, and files the pledge release (with the settlement as proof) and the transfer
    of each IP to the buyer (TR01)."""
    lot = _lot(session, lot_id, lock=True)
    if principal.party_kind is not PartyKind.BANK or principal.party_id != lot.bank_id:
        raise errors.NOT_AGENT()
    if lot.status != "sold" or lot.buyer_id is None:
        raise errors.LOT_STATE(status=lot.status, action_zh="结算", action_en="settle")
    cost = model.ZERO if str(costs).strip() in ("", "0", "0.0", "0.00", "None") else model.appraisal_amount(costs)
    debt = secured_debt(session, lot.loan_id, principal, today)
    proceeds = ledger.balance(session, postings.account(lot.agent_id, postings.PROCEEDS, lot.id))
    split = model.waterfall(proceeds, cost, debt)
    _entry(session, principal, "disposal.costs", lot, split.costs, today, f"disposal.costs:{lot.id}")
    _entry(session, principal, "disposal.debt", lot, split.debt, today, f"disposal.debt:{lot.id}")
    _entry(session, principal, "disposal.surplus", lot, split.surplus, today, f"disposal.surplus:{lot.id}")
    claim_id = risk.paid_claim_of_loan(session, lot.loan_id)
    clawed: dict[str, Decimal] = {}
    if split.debt > 0:
        _pay_debt(session, principal, lot, split.debt, debt, today)
        if claim_id is not None:
            before = risk.clawed_back_by_role(session, claim_id)
            risk_service.share_back(session, principal, claim_id, today)
            after = risk.clawed_back_by_role(session, claim_id)
            clawed = {k: v - before.get(k, model.ZERO) for k, v in after.items() if v != before.get(k, model.ZERO)}
    releases: list[int] = []
    proof = f"押品处置清偿 disposal settled: lot {lot.id}"
    for pledge_id in json.loads(lot.pledge_ids):
        standing = pledges.pledge_standing(session, pledge_id)
        if standing is None or not standing.in_force:
            continue
        filing = pledge_service.create_release_filing(session, principal, pledge_id, "处置 disposed", today, proof)
        pledge_service.confirm(session, principal, filing.id)
        pledge_service.submit(session, principal, filing.id, today)
        session.add(
            DisposalFiling(lot_id=lot.id, kind="release", subject_id=pledge_id, reference=filing.id, filed_on=today)
        )
        releases.append(filing.id)
    transfers: list[int] = []
    for asset_id in json.loads(lot.asset_ids):
        detail = json.dumps({"event": "TR01", "to": [[lot.buyer_id, 10000]], "price": str(lot.price)})
        f = DisposalFiling(lot_id=lot.id, kind="transfer", subject_id=asset_id, detail=detail, filed_on=today)
        session.add(f)
        session.flush()
        transfers.append(f.id)
    lot.status, lot.settled_on = "settled", today
    session.flush()
    _report_outcome(session, principal, lot, today)
    audit.record(
        session,
        principal,
        "disposal.settled",
        "disposal_lot",
        lot.id,
        {"costs": str(split.costs), "debt": str(split.debt), "surplus": str(split.surplus)},
    )
    return Settlement(lot.id, split, claim_id, clawed, releases, transfers)


def _report_outcome(session: Session, principal: Principal, lot: DisposalLot, today: dt.date) -> None:
    """成交结果 to valuation: what the lot was appraised at and fetched, so the liquidity model and the valuer league
    table learn from it (valuation sits below disposal and keeps its own record)."""
    rounds = rounds_of(session, lot.id)
    paid = next((r for r in reversed(rounds) if r.status == "paid"), None)
    channel = "satisfaction" if lot.satisfied else (paid.stage if paid is not None else lot.channel)
    record = outcomes.SaleRecord(
        reference=f"disposal-lot:{lot.id}",
        channel=channel,
        asset_ids=[int(a) for a in json.loads(lot.asset_ids)],
        report_ids=[int(r) for r in json.loads(lot.report_ids or "[]")],
        appraised=lot.appraisal,
        model_value=lot.model_value,
        sold=not lot.satisfied,
        price=lot.price,
        rounds=len(rounds),
        closed_on=today,
    )
    outcomes.record_realised_sale(session, principal, record)


def record_transfer(session: Session, principal: Principal, filing_id: int, effective_date: dt.date) -> DisposalFiling:
    """登记过户: the registry officer records a filed transfer (TR01) to the buyer; the pledgee consented by selling.
    Recording it twice changes nothing."""
    filing = session.get(DisposalFiling, filing_id)
    if filing is None or filing.kind != "transfer":
        raise not_found("过户申请", "transfer filing", id=filing_id)
    if filing.recorded_on is not None:
        return filing
    lot = _lot(session, filing.lot_id)
    assert lot.buyer_id is not None
    legal_status.transfer(
        session,
        principal,
        filing.subject_id,
        owners=[OwnerShare(lot.buyer_id)],
        effective_date=effective_date,
        pledgee_consent=True,
        pledgee_consent_id=lot.bank_id,
    )
    filing.recorded_on = effective_date
    session.flush()
    return filing
