"""Disposal as other capabilities, reports and the console read it (published read face): the outcomes of closed
auction rounds, a round's bids as the public notice shows them, a party's registration in a round."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.disposal.learning import RoundOutcome
from ippledge.disposal.tables import DisposalAuction, DisposalBid, DisposalBidder, DisposalLot
from ippledge.kernel.clock import CHINA

CLOSED = ("failed", "won", "paid", "reneged")
SOLD = ("won", "paid", "reneged")


def round_outcomes(session: Session) -> list[RoundOutcome]:
    """Every closed auction round (not the sale stage): its start share of the appraisal, sold or not, and the
    realised price share; the lot's IP kind (its first asset's; ``portfolio`` when the kinds differ)."""
    stmt = (
        select(DisposalAuction, DisposalLot.appraisal, DisposalLot.facts)
        .join(DisposalLot, DisposalLot.id == DisposalAuction.lot_id)
        .where(DisposalAuction.stage == "auction", DisposalAuction.status.in_(CLOSED))
        .order_by(DisposalAuction.id)
    )
    out: list[RoundOutcome] = []
    for row, appraisal, facts in session.execute(stmt):
        kinds = {str(f.get("kind")) for f in json.loads(facts).values()}
        kind = kinds.pop() if len(kinds) == 1 else "portfolio"
        sold = row.status in SOLD
        out.append(
            RoundOutcome(
                ip_kind=kind,
                reserve_ratio=float(row.start_price / appraisal),
                sold=sold,
                price_ratio=float(row.price / appraisal) if sold and row.price is not None else None,
            )
        )
    return out


@dataclass(frozen=True)
class ClosedRound:
    """An auction round (not the sale stage) closed on ``closed_on``: sold or not, its lot's appraisal, its price."""

    auction_id: int
    closed_on: dt.date
    sold: bool
    appraisal: Decimal
    price: Decimal | None


def rounds_closed(session: Session, start: dt.date, end: dt.date) -> list[ClosedRound]:
    """The auction rounds closed from ``start`` to ``end`` inclusive (by the date of ``closed_at``), by id; for the
    regulator's statistics (plugged into ``supervision.ports``). Days are China's (closed_at is a UTC instant)."""
    stmt = (
        select(DisposalAuction, DisposalLot.appraisal)
        .join(DisposalLot, DisposalLot.id == DisposalAuction.lot_id)
        .where(
            DisposalAuction.stage == "auction",
            DisposalAuction.status.in_(CLOSED),
            DisposalAuction.closed_at >= dt.datetime.combine(start, dt.time(), CHINA),
            DisposalAuction.closed_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), CHINA),
        )
        .order_by(DisposalAuction.id)
    )
    out = []
    for row, appraisal in session.execute(stmt):
        assert row.closed_at is not None
        sold = row.status in SOLD
        on = row.closed_at.astimezone(CHINA).date()  # the business day in China
        out.append(ClosedRound(row.id, on, sold, appraisal, row.price if sold else None))
    return out


@dataclass(frozen=True)
class BidView:
    """One bid as the public notice shows it (出价记录): the bidder only by its number (竞买号), and whether it is the
    reader's own."""

    seq: int
    amount: Decimal
    at: dt.datetime
    extended: bool
    bidder_no: int
    mine: bool


def round_bids(session: Session, auction_id: int, party_id: int) -> list[BidView]:
    """A round's bids, newest first. A sealed round still open shows the reader only its own bids: the others stay
    sealed until the close (decision 0024)."""
    row = session.get(DisposalAuction, auction_id)
    if row is None:
        return []
    sealed = row.format != "english" and row.status == "scheduled"
    stmt = (
        select(DisposalBid, DisposalBidder.party_id)
        .join(DisposalBidder, DisposalBidder.id == DisposalBid.bidder_id)
        .where(DisposalBid.auction_id == auction_id)
        .order_by(DisposalBid.seq.desc())
    )
    return [
        BidView(b.seq, b.amount, b.at, b.extended, b.bidder_id, pid == party_id)
        for b, pid in session.execute(stmt)
        if not sealed or pid == party_id
    ]


def registration(session: Session, auction_id: int, party_id: int) -> str | None:
    """The party's standing in a round (报名状态: held, refunded, applied, forfeited), or None when not registered."""
    stmt = select(DisposalBidder.status).where(
        DisposalBidder.auction_id == auction_id, DisposalBidder.party_id == party_id
    )
    return session.scalars(stmt).first()
