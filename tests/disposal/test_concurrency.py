"""1,000 concurrent bids on one lot (PostgreSQL, the issue's load): totally ordered, every accepted bid at least the
previous plus the increment, the extension applied exactly as the rule says, one close, exactly one winner, deposits
balance."""

from __future__ import annotations

import datetime as dt
import random
import threading
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.disposal import model, postings, service
from ippledge.disposal.tables import DisposalAuction, DisposalBid, DisposalBidder
from ippledge.kernel.errors import IppledgeError
from ippledge.ledger.queries import balance
from tests.disposal.factories import bidder
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

THREADS = 10
ATTEMPTS = 100  # per thread: 1,000 bids in all (the load), some rejected as overtaken


def test_concurrent_bids_on_one_lot(
    engine: Engine, session_factory: sessionmaker[Session], risk_desk: RiskDesk
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are what is tested: PostgreSQL only")
    d, f = risk_desk, session_factory
    lid = d.active_loan(amount="600000", months=6)
    d.write_off(lid)
    bank = d.bank.officer.principal
    with f.begin() as s:
        lot = service.open_lot(s, bank, lid, d.clock.today, appraisal="1000000")
        r = service.schedule_round(s, bank, lot.id, d.clock.today)
        lot_id, rid, start, step, opens, ends0 = lot.id, r.id, r.start_price, r.increment, r.opens_at, r.ends_at
    bidders = [bidder(d) for _ in range(THREADS)]
    with f.begin() as s:
        for b in bidders:
            service.register_bidder(s, bank, rid, b.party.id, opens)
    outcomes: list[str] = []
    lock = threading.Lock()

    def bid(n: int) -> None:
        rng = random.Random(n)
        for j in range(ATTEMPTS):
            at = ends0 - dt.timedelta(minutes=7) + dt.timedelta(seconds=10 * j + n)  # crosses the last 5 minutes
            try:
                with f.begin() as s:
                    now = s.get(DisposalAuction, rid)
                    assert now is not None
                    amount = (now.price or start - step) + step * rng.randint(1, 2)
                    service.place_bid(s, bidders[n].principal, rid, amount, at)
                got = "accepted"
            except IppledgeError as e:
                got = e.code
            except Exception as e:  # anything else (a duplicate sequence number) fails the test below
                got = repr(e)
            with lock:
                outcomes.append(got)

    threads = [threading.Thread(target=bid, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(outcomes) <= {"accepted", "disposal.bid_low", "disposal.bid_closed"}
    with f() as s:
        bids = list(s.scalars(select(DisposalBid).where(DisposalBid.auction_id == rid).order_by(DisposalBid.seq)))
        rules = model.load_rules()
    assert len(bids) == outcomes.count("accepted") > THREADS
    assert [b.seq for b in bids] == list(range(1, len(bids) + 1))  # totally ordered, no gaps
    ends, price = ends0, None
    for b in bids:  # replay: each bid judged against the one before it, the extension exactly as the rule says
        least = start if price is None else price + step
        assert b.amount >= least and b.at < ends
        moved = max(ends, b.at + dt.timedelta(minutes=5)) if b.at >= ends - dt.timedelta(minutes=5) else ends
        assert b.ends_at == moved and b.extended == (moved != ends)
        ends, price = moved, b.amount
    assert any(b.extended for b in bids) and rules.extension_minutes == 5

    closes: list[str] = []

    def close() -> None:
        try:
            with f.begin() as s:
                row = service.close_round(s, bank, rid, ends + dt.timedelta(minutes=1))
                closes.append(f"{row.status}@{row.closed_at}")
        except Exception as e:  # a failure shows in the assertion below
            closes.append(repr(e))

    closers = [threading.Thread(target=close) for _ in range(4)]
    for t in closers:
        t.start()
    for t in closers:
        t.join()
    assert len(set(closes)) == 1 and closes[0].startswith("won@")  # closed once; the others saw the same close
    with f() as s:
        row = s.get(DisposalAuction, rid)
        assert row is not None and row.price == bids[-1].amount
        rows = list(s.scalars(select(DisposalBidder).where(DisposalBidder.auction_id == rid)))
        held = [b for b in rows if b.status == "held"]
        assert [b.id for b in held] == [bids[-1].bidder_id]  # exactly one winner keeps its deposit
        assert all(b.status == "refunded" for b in rows if b.id != row.leader_id)
        deposits = balance(s, postings.account(lot.agent_id, postings.DEPOSITS, lot_id))
        custody = balance(s, postings.account(lot.agent_id, postings.CUSTODY, lot_id))
        assert deposits == custody == held[0].deposit == Decimal(r.deposit)
    assert_ledger_ok(f, loans=1)
