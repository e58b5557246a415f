"""Auction rounds (拍卖场次): the next round's notice, bidders and their deposits, bids, the close, payment or 悔拍.

A bid locks its round's row (``SELECT .. FOR UPDATE`` on PostgreSQL; SQLite has one writer), so bids on one lot are
totally ordered and each is judged against the one before it; a refused bid raises before anything is written. A
round closes exactly once under the same lock. Deposits move only as ledger entries (``postings``). Every command runs
in the caller's unit of work (flushes, never commits).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as parties
from ippledge.access.model import Principal
from ippledge.disposal import errors, model
from ippledge.disposal.common import (
    CHINA,
    OPENING_HOUR,
    _auction,
    _entry,
    _lot,
    _require_agent,
    rounds_of,
    rules_of,
)
from ippledge.disposal.tables import DisposalAuction, DisposalBid, DisposalBidder, DisposalLot
from ippledge.kernel.errors import IppledgeError
from ippledge.kernel.identifiers import uscc

# -- rounds -----------------------------------------------------------------------------------------------------------


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
