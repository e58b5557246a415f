"""Disposal as other capabilities, reports and the console read it (published read face): the outcomes of closed
auction rounds, a round's bids as the public notice shows them, a party's registration in a round, and for the
disposal agent (处置机构) a round's bidders, a lot's filings and the lots with work to do."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.disposal.learning import RoundOutcome
from ippledge.disposal.tables import DisposalAuction, DisposalBid, DisposalBidder, DisposalFiling, DisposalLot
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


@dataclass(frozen=True)
class BidderView:
    """A registered bidder (竞买人) as its round's agent sees it: the party, its deposit and the deposit's state."""

    id: int
    party_id: int
    preemptive: bool
    deposit: Decimal
    status: str
    registered_at: dt.datetime


def round_bidders(session: Session, auction_id: int) -> list[BidderView]:
    """A round's registered bidders in the order they registered (for the lot's bank and agent only: callers check)."""
    stmt = select(DisposalBidder).where(DisposalBidder.auction_id == auction_id).order_by(DisposalBidder.id)
    return [
        BidderView(b.id, b.party_id, b.preemptive, b.deposit, b.status, b.registered_at) for b in session.scalars(stmt)
    ]


@dataclass(frozen=True)
class FilingView:
    """A filing a settlement made (过户/解押): the asset or pledge it is about, and whether the registry recorded it."""

    id: int
    kind: str
    subject_id: int
    filed_on: dt.date
    recorded_on: dt.date | None


def filings_of(session: Session, lot_id: int) -> list[FilingView]:
    stmt = select(DisposalFiling).where(DisposalFiling.lot_id == lot_id).order_by(DisposalFiling.id)
    return [FilingView(f.id, f.kind, f.subject_id, f.filed_on, f.recorded_on) for f in session.scalars(stmt)]


@dataclass(frozen=True)
class LotWork:
    """A lot with a step due from its bank or agent (待办): ``close`` (bidding ended), ``payment`` (won, unpaid),
    ``next_round`` (the last round failed or was reneged), ``settle`` (sold; the bank's), with the round and when."""

    lot_id: int
    step: str
    round_number: int | None
    due_at: dt.datetime | None


def lots_to_work(session: Session, party_id: int, bank: bool, now: dt.datetime) -> list[LotWork]:
    """The unsettled lots where ``party_id`` is the bank or the agent, each with its next step (``bank``: the party
    is the lot's bank, which alone settles). One query for the lots and one for their rounds."""
    lots = list(
        session.scalars(
            select(DisposalLot)
            .where(
                DisposalLot.status != "settled",
                (DisposalLot.bank_id == party_id) | (DisposalLot.agent_id == party_id),
            )
            .order_by(DisposalLot.id)
        )
    )
    last: dict[int, DisposalAuction] = {}
    if lots:
        stmt = select(DisposalAuction).where(DisposalAuction.lot_id.in_([x.id for x in lots]))
        for row in session.scalars(stmt.order_by(DisposalAuction.number)):
            last[row.lot_id] = row
    out: list[LotWork] = []
    for lot in lots:
        r: DisposalAuction | None = last.get(lot.id)
        if lot.status == "sold":
            if bank and lot.bank_id == party_id:
                out.append(LotWork(lot.id, "settle", None, None))
        elif r is None:
            out.append(LotWork(lot.id, "next_round", None, None))
        elif r.status == "scheduled" and r.ends_at <= now:
            out.append(LotWork(lot.id, "close", r.number, r.ends_at))
        elif r.status == "won":
            out.append(LotWork(lot.id, "payment", r.number, r.closed_at))
        elif r.status in ("failed", "reneged"):
            out.append(LotWork(lot.id, "next_round", r.number, r.closed_at))
    return out
