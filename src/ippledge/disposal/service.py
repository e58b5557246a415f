"""Disposal commands (押品处置命令): lots, auction rounds, bidders and bids, close, payment or 悔拍, settlement.

Every command runs in the caller's unit of work (flushes, never commits). A bid locks its round's row (``SELECT ..
FOR UPDATE`` on PostgreSQL; SQLite has one writer), so bids on one lot are totally ordered and each is judged
against the one before it; a refused bid raises before anything is written. A round closes exactly once under the
same lock. Money moves only as ledger entries (``postings``); the recovery goes to lending and, where the loan had
a paid compensation claim, is shared back through risk_sharing at once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as parties
from ippledge.access.model import PartyKind, Principal
from ippledge.disposal import errors, model, postings
from ippledge.disposal.tables import DisposalAuction, DisposalBid, DisposalBidder, DisposalFiling, DisposalLot
from ippledge.kernel.errors import IppledgeError, not_found
from ippledge.kernel.identifiers import uscc
from ippledge.ledger import service as ledger
from ippledge.lending import queries as loans
from ippledge.lending import service as lending
from ippledge.pledge import queries as pledges
from ippledge.pledge import service as pledge_service
from ippledge.registry import legal_status
from ippledge.registry import queries as registry
from ippledge.registry.service import OwnerShare
from ippledge.risk_sharing import queries as risk
from ippledge.risk_sharing import service as risk_service
from ippledge.valuation import queries as valuation

CHINA = dt.timezone(dt.timedelta(hours=8))
OPENING_HOUR = 10  # bidding opens at 10:00 Beijing time on the first day after the notice period
CHANNELS = ("auction", "sale", "agreed", "listing")
_T = TypeVar("_T")


def _locked(stmt: Select[_T]) -> Select[_T]:
    # Refresh what the session already holds: a row read before the lock must be judged as the lock shows it.
    return stmt.with_for_update().execution_options(populate_existing=True)


def _lot(session: Session, lot_id: int, lock: bool = False) -> DisposalLot:
    stmt = select(DisposalLot).where(DisposalLot.id == lot_id)
    lot = session.scalars(_locked(stmt) if lock else stmt).first()
    if lot is None:
        raise not_found("处置标的", "disposal lot", id=lot_id)
    return lot


def _auction(session: Session, auction_id: int, lock: bool = False) -> DisposalAuction:
    stmt = select(DisposalAuction).where(DisposalAuction.id == auction_id)
    row = session.scalars(_locked(stmt) if lock else stmt).first()
    if row is None:
        raise not_found("拍卖场次", "auction round", id=auction_id)
    return row


def get_lot(session: Session, lot_id: int) -> DisposalLot:
    """One lot (a public notice, 公告: any signed-in party may read it); 404 when there is none."""
    return _lot(session, lot_id)


def _require_agent(principal: Principal, lot: DisposalLot) -> None:
    if principal.party_id not in (lot.bank_id, lot.agent_id):
        raise errors.NOT_AGENT()


def _entry(
    session: Session, principal: Principal, kind: str, lot: DisposalLot, amount: Decimal, day: dt.date, key: str
) -> None:
    if amount > 0:
        draft = postings.move(kind, lot.agent_id, lot.id, amount, day, ("disposal_lot", lot.id), key)
        ledger.post(session, principal, draft)


# -- lots -----------------------------------------------------------------------------------------------------------


def _asset_facts(session: Session, asset_ids: list[int], today: dt.date) -> dict[str, object]:
    facts = registry.load_facts(session, asset_ids, today)
    out: dict[str, object] = {}
    for aid in asset_ids:
        f = facts.get(aid)
        if f is None:
            continue
        out[str(aid)] = {
            "number": f.number,
            "kind": f.kind.value,
            "title": f.title,
            "legal_status": f.status.value,
            "remaining_days": None if f.expiry_date is None else max((f.expiry_date - today).days, 0),
            "encumbrances": [
                e
                for e, on in (
                    ("preserved 保全", f.preserved),
                    ("invalidation pending 无效宣告审查中", f.invalidation_pending),
                    ("annuity unpaid 年费未缴", bool(f.unpaid_due_dates)),
                )
                if on
            ],
            "owners": [o.party_id for o in f.owners],
        }
    return out


def open_lot(
    session: Session,
    principal: Principal,
    loan_id: int,
    today: dt.date,
    channel: str = "auction",
    rules: str | None = None,
    appraisal: Decimal | str | None = None,
) -> DisposalLot:
    """标的: the pledged IP in force of a defaulted or written-off loan becomes one lot (a portfolio when several),
    with the appraisal of record (the report the loan was granted on, unless ``appraisal`` is given), the model's
    value and forced-sale value, legal status, encumbrances and remaining term. The bank or its appointed disposal
    agent (处置代理) opens it; the agent, when there is one, holds the deposits and proceeds in custody."""
    loan = loans.loan_summary(session, loan_id)
    agent = risk.disposal_agent(session, loan_id)
    if loan is None or principal.party_id not in (loan.bank_id, agent):
        raise not_found("贷款", "loan", id=loan_id)
    if loan.status != "written_off" and loan.defaulted_on is None:
        raise errors.NOT_DEFAULTED(status=loan.status)
    if channel not in CHANNELS:
        raise errors.LOT_STATE(status=channel, action_zh="使用该处置方式", action_en="use this channel")
    ruleset = model.load_rules(rules)
    live = session.scalars(
        select(DisposalLot.id).where(DisposalLot.loan_id == loan_id, DisposalLot.status != "settled")
    )
    if (existing := live.first()) is not None:
        raise errors.LOT_OPEN(lot_id=existing)
    standing = [s for p in loans.pledges_of_loan(session, loan_id) if (s := pledges.pledge_standing(session, p))]
    in_force = [s for s in standing if s.in_force]
    asset_ids = sorted({a for s in in_force for a in pledges.pledge_asset_ids(session, s.id)})
    if not asset_ids:
        raise errors.NO_PLEDGE()
    if appraisal is None:
        items = [
            valuation.latest_valid(session, loan.application_id, a, loan.contracted_on)
            if loan.application_id is not None
            else None
            for a in asset_ids
        ]
        if any(i is None for i in items):
            raise errors.APPRAISAL(value=None)
        value = sum((i.value for i in items if i is not None), model.ZERO)
    else:
        value = model.appraisal_amount(appraisal)
    models = [valuation.model_values(session, a, today) for a in asset_ids]
    known = [m for m in models if m is not None]
    lot = DisposalLot(
        loan_id=loan_id,
        bank_id=loan.bank_id,
        agent_id=agent or loan.bank_id,
        pledgor_id=in_force[0].pledgor_id,
        pledge_ids=json.dumps([s.id for s in in_force]),
        asset_ids=json.dumps(asset_ids),
        appraisal=value,
        model_value=sum((m.p50 for m in known), model.ZERO) if len(known) == len(asset_ids) else None,
        forced_sale_value=sum((m.forced_sale for m in known), model.ZERO) if len(known) == len(asset_ids) else None,
        facts=json.dumps(_asset_facts(session, asset_ids, today), ensure_ascii=False),
        channel=channel,
        rules_name=ruleset.name,
        rules_version=ruleset.version,
        status="open",
        created_on=today,
    )
    session.add(lot)
    session.flush()
    audit.record(session, principal, "disposal.lot", "disposal_lot", lot.id, {"loan": loan_id, "assets": asset_ids})
    return lot


def rules_of(lot: DisposalLot) -> model.RuleSet:
    return model.load_rules(lot.rules_name)


# -- rounds -----------------------------------------------------------------------------------------------------------


def rounds_of(session: Session, lot_id: int) -> list[DisposalAuction]:
    stmt = select(DisposalAuction).where(DisposalAuction.lot_id == lot_id).order_by(DisposalAuction.number)
    return list(session.scalars(stmt))


def schedule_round(
    session: Session,
    principal: Principal,
    lot_id: int,
    announced_on: dt.date,
    start_price: Decimal | str | None = None,
    deposit: Decimal | str | None = None,
    fmt: str = "english",
) -> DisposalAuction:
    """公告: the next round, English (ascending online bids) or sealed (first- or second-price; auctions only).
    Rounds up to the rule set's count are auctions (the first at least the share of the appraisal, each later one at
    most the step-down below the previous start price); after them comes the sale stage (变卖, English) at the last
    start price. Bidding opens after the notice period; the default start price and deposit are the lowest the rules
    allow."""
    if fmt not in model.FORMATS:
        raise errors.FORMAT(format=fmt, known=list(model.FORMATS))
    lot = _lot(session, lot_id, lock=True)
    _require_agent(principal, lot)
    if lot.status != "open":
        raise errors.LOT_STATE(status=lot.status, action_zh="安排拍卖", action_en="schedule a round")
    rules = rules_of(lot)
    previous = rounds_of(session, lot.id)
    if previous and previous[-1].status not in ("failed", "reneged"):
        raise errors.LOT_STATE(status=previous[-1].status, action_zh="安排下一轮", action_en="schedule the next round")
    number = len(previous) + 1
    sale = number > rules.auction_rounds
    last = previous[-1].start_price if previous else None
    if sale:
        if not rules.sale_at_last_start_price or last is None:
            raise errors.LOT_STATE(status="failed", action_zh="进入变卖", action_en="enter the sale stage")
        if fmt != "english":
            raise errors.LOT_STATE(
                status="sale", action_zh="在变卖阶段密封竞价", action_en="take sealed bids in a sale"
            )
        floor = last
    else:
        floor = model.min_start_price(rules, lot.appraisal, last)
    price = floor if start_price is None else model.appraisal_amount(start_price)
    if price < floor:
        raise errors.START_PRICE(price=str(price), minimum=str(floor))
    low, high = model.deposit_range(rules, price)
    held = low if deposit is None else model.appraisal_amount(deposit)
    if not low <= held <= high:
        raise errors.DEPOSIT_RANGE(deposit=str(held), low=str(low), high=str(high))
    notice = rules.notice_days_first if number == 1 else rules.notice_days_again
    opens_on = announced_on + dt.timedelta(days=notice)
    opens_at = dt.datetime.combine(opens_on, dt.time(OPENING_HOUR), CHINA).astimezone(dt.UTC)
    length = dt.timedelta(days=rules.sale_days) if sale else dt.timedelta(hours=rules.bidding_hours_min)
    row = DisposalAuction(
        lot_id=lot.id,
        number=number,
        stage="sale" if sale else "auction",
        format=fmt,
        start_price=price,
        increment=model.increment(rules, price),
        deposit=held,
        announced_on=announced_on,
        opens_at=opens_at,
        ends_at=opens_at + length,
        status="scheduled",
        bid_count=0,
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "disposal.round", "disposal_auction", row.id, {"lot": lot.id, "price": str(price)})
    return row


# -- bidders and bids ------------------------------------------------------------------------------------------------


def _barred(session: Session, lot_id: int, party_id: int) -> bool:
    stmt = (
        select(DisposalBidder.id)
        .join(DisposalAuction, DisposalAuction.id == DisposalBidder.auction_id)
        .where(
            DisposalAuction.lot_id == lot_id, DisposalBidder.party_id == party_id, DisposalBidder.status == "forfeited"
        )
    )
    return session.scalars(stmt).first() is not None


def register_bidder(
    session: Session, principal: Principal, auction_id: int, party_id: int, at: dt.datetime, preemptive: bool = False
) -> DisposalBidder:
    """报名: the agent registers a party whose identity checks out (an active party with a valid USCC) and whose deposit
    it received: the deposit enters custody through the ledger. A party that reneged on this lot is barred."""
    row = _auction(session, auction_id, lock=True)
    lot = _lot(session, row.lot_id)
    _require_agent(principal, lot)
    if row.status != "scheduled" or at >= row.ends_at:
        raise errors.CLOSED(ends_at=row.ends_at.isoformat())
    party = parties.party(session, party_id)
    try:
        ok = party is not None and party.active and party.uscc is not None and bool(uscc.validate(party.uscc))
    except IppledgeError:
        ok = False
    if not ok:
        raise errors.BIDDER_KYC(party_id=party_id)
    if _barred(session, lot.id, party_id):
        raise errors.BIDDER_BARRED()
    if session.scalars(
        select(DisposalBidder.id).where(DisposalBidder.auction_id == row.id, DisposalBidder.party_id == party_id)
    ).first():
        raise errors.BIDDER_DUPLICATE()
    bidder = DisposalBidder(
        auction_id=row.id,
        party_id=party_id,
        preemptive=preemptive,
        deposit=row.deposit,
        status="held",
        registered_at=at,
    )
    session.add(bidder)
    session.flush()
    _entry(session, principal, "disposal.deposit", lot, row.deposit, at.date(), f"disposal.deposit:{bidder.id}")
    audit.record(session, principal, "disposal.bidder", "disposal_bidder", bidder.id, {"party": party_id})
    return bidder


def place_bid(
    session: Session, principal: Principal, auction_id: int, amount: Decimal | str, at: dt.datetime
) -> DisposalBid:
    """出价 by the principal's party at server time ``at``: judged under the round's lock against the one before it
    (``model.judge_bid``); a refused bid is a 409 naming the reason and writes nothing."""
    try:
        value = model.appraisal_amount(amount)
    except IppledgeError:
        raise errors.BID_AMOUNT(value=str(amount)) from None
    row = _auction(session, auction_id, lock=True)
    lot = _lot(session, row.lot_id)
    rules = rules_of(lot)
    bidder = session.scalars(
        select(DisposalBidder).where(DisposalBidder.auction_id == row.id, DisposalBidder.party_id == principal.party_id)
    ).first()
    leader = session.get(DisposalBidder, row.leader_id) if row.leader_id is not None else None
    state = model.AuctionState(
        opens_at=row.opens_at,
        ends_at=row.ends_at if row.status == "scheduled" else min(row.ends_at, row.closed_at or row.ends_at),
        start_price=row.start_price,
        increment=row.increment,
        price=row.price,
        leader_preemptive=bool(leader and leader.preemptive),
    )
    standing = model.BidderStanding(
        registered=bidder is not None and bidder.status == "held",
        barred=_barred(session, lot.id, principal.party_id),
        preemptive=bool(bidder and bidder.preemptive),
    )
    if row.status != "scheduled":
        raise errors.CLOSED(ends_at=(row.closed_at or row.ends_at).isoformat())
    if row.format == "english":
        accepted = model.judge_bid(rules, state, standing, value, at)
    else:
        again = bidder is not None and (
            session.scalars(
                select(DisposalBid.id).where(DisposalBid.auction_id == row.id, DisposalBid.bidder_id == bidder.id)
            ).first()
            is not None
        )
        accepted = model.judge_sealed_bid(state, standing, value, at, again)
    assert bidder is not None  # the judge refused an unregistered bidder
    row.bid_count += 1
    bid = DisposalBid(
        auction_id=row.id,
        seq=row.bid_count,
        bidder_id=bidder.id,
        amount=accepted.amount,
        at=at,
        ends_at=accepted.ends_at,
        extended=accepted.extended,
    )
    if row.format == "english":  # a sealed round's leader and price stay hidden until the close
        row.price, row.leader_id, row.ends_at = accepted.amount, bidder.id, accepted.ends_at
    session.add(bid)
    try:
        session.flush()
    except IntegrityError:  # UNIQUE (round, seq): a concurrent bid took the number first (SQLite has no row lock)
        raise errors.BID_RACE() from None
    return bid


def close_round(session: Session, principal: Principal, auction_id: int, at: dt.datetime) -> DisposalAuction:
    """成交或流拍: once bidding has ended, the round closes exactly once (a second call changes nothing): with no bid
    it failed (流拍) and the next round may be scheduled; otherwise the leader won. Every other bidder's deposit is
    refunded through the ledger."""
    row = _auction(session, auction_id, lock=True)
    lot = _lot(session, row.lot_id)
    _require_agent(principal, lot)
    if row.status != "scheduled":
        return row
    if at < row.ends_at:
        raise errors.NOT_ENDED(ends_at=row.ends_at.isoformat())
    if row.format != "english":  # open the envelopes: the highest bid wins, at its bid or the next highest
        sealed = [
            model.SealedBid(b.seq, b.bidder_id, b.amount, preemptive)
            for b, preemptive in session.execute(
                select(DisposalBid, DisposalBidder.preemptive)
                .join(DisposalBidder, DisposalBidder.id == DisposalBid.bidder_id)
                .where(DisposalBid.auction_id == row.id)
            )
        ]
        outcome = model.sealed_outcome(row.format, sealed, row.start_price, rules_of(lot))
        if outcome is not None:
            row.leader_id, row.price = outcome
    row.status = "failed" if row.leader_id is None else "won"
    row.closed_at = at
    for b in session.scalars(select(DisposalBidder).where(DisposalBidder.auction_id == row.id)):
        if b.id != row.leader_id and b.status == "held":
            b.status = "refunded"
            _entry(session, principal, "disposal.refund", lot, b.deposit, at.date(), f"disposal.refund:{b.id}")
    session.flush()
    audit.record(session, principal, "disposal.closed", "disposal_auction", row.id, {"status": row.status})
    return row


def _won(
    session: Session, principal: Principal, auction_id: int
) -> tuple[DisposalAuction, DisposalLot, DisposalBidder]:
    row = _auction(session, auction_id, lock=True)
    lot = _lot(session, row.lot_id, lock=True)
    _require_agent(principal, lot)
    if row.status != "won" or row.leader_id is None:
        raise errors.LOT_STATE(status=row.status, action_zh="付款或认定悔拍", action_en="take payment or a default")
    winner = session.get(DisposalBidder, row.leader_id)
    assert winner is not None
    return row, lot, winner


def pay(session: Session, principal: Principal, auction_id: int, today: dt.date) -> DisposalLot:
    """买受人付款: the winner's deposit is applied to the price and the balance paid into custody; the lot is sold."""
    row, lot, winner = _won(session, principal, auction_id)
    assert row.price is not None
    _entry(session, principal, "disposal.apply", lot, winner.deposit, today, f"disposal.apply:{winner.id}")
    _entry(session, principal, "disposal.payment", lot, row.price - winner.deposit, today, f"disposal.payment:{row.id}")
    winner.status, row.status = "applied", "paid"
    lot.status, lot.buyer_id, lot.price = "sold", winner.party_id, row.price
    session.flush()
    audit.record(session, principal, "disposal.paid", "disposal_lot", lot.id, {"price": str(row.price)})
    return lot


def renege(session: Session, principal: Principal, auction_id: int, today: dt.date) -> DisposalAuction:
    """悔拍: the winner did not pay. Its deposit is forfeited into the proceeds (it pays costs, then any shortfall on
    the re-sale, then the debt, as the waterfall does), it may not bid on the lot again, and the lot is re-auctioned."""
    row, lot, winner = _won(session, principal, auction_id)
    _entry(session, principal, "disposal.forfeit", lot, winner.deposit, today, f"disposal.forfeit:{winner.id}")
    winner.status, row.status = "forfeited", "reneged"
    session.flush()
    audit.record(session, principal, "disposal.reneged", "disposal_auction", row.id, {"party": winner.party_id})
    return row


def take_in_satisfaction(session: Session, principal: Principal, lot_id: int, today: dt.date) -> DisposalLot:
    """以物抵债: after a failed auction (流拍) the bank, as creditor, takes the lot at that round's reserve (its start
    price) in satisfaction of the debt, when the rule set provides for it. The bank pays the reserve into custody (its
    foreclosed asset at that price); settlement then pays costs and the debt back to it and any surplus to the
    pledgor (补交差价), and files the transfer to the bank and the release."""
    lot = _lot(session, lot_id, lock=True)
    if principal.party_kind is not PartyKind.BANK or principal.party_id != lot.bank_id:
        raise errors.NOT_AGENT()
    if lot.status != "open":
        raise errors.LOT_STATE(status=lot.status, action_zh="以物抵债", action_en="take it in satisfaction")
    if not rules_of(lot).satisfaction_at_reserve:
        raise errors.SATISFACTION(reason=f"rule set {lot.rules_name} does not provide for it")
    rounds = rounds_of(session, lot.id)
    if not rounds or rounds[-1].status != "failed" or rounds[-1].stage != "auction":
        raise errors.SATISFACTION(reason="the last round is not a failed auction")
    price = rounds[-1].start_price
    ledger.post(
        session, principal, postings.satisfaction(lot.bank_id, lot.id, price, today, f"disposal.satisfy:{lot.id}")
    )
    _entry(session, principal, "disposal.payment", lot, price, today, f"disposal.payment:satisfaction:{lot.id}")
    lot.status, lot.buyer_id, lot.price, lot.satisfied = "sold", lot.bank_id, price, True
    session.flush()
    audit.record(session, principal, "disposal.satisfied", "disposal_lot", lot.id, {"price": str(price)})
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
    audit.record(
        session,
        principal,
        "disposal.settled",
        "disposal_lot",
        lot.id,
        {"costs": str(split.costs), "debt": str(split.debt), "surplus": str(split.surplus)},
    )
    return Settlement(lot.id, split, claim_id, clawed, releases, transfers)


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
