"""Disposal end to end on both backends: a written-off loan's patent becomes a lot; two auctions fail (流拍); in the
sale stage (变卖) a co-owner wins at an equal price and reneges (悔拍, deposit forfeited, barred); the next buyer pays;
settlement pays costs, the secured debt (a recovery shared back to the fund and insurer) and the surplus; the release
and the transfer are filed; ``ledger check`` passes after every step and custody ends at zero."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.disposal import postings, service
from ippledge.disposal.tables import DisposalBid, DisposalFiling
from ippledge.kernel.errors import IppledgeError
from ippledge.ledger import service as ledger
from ippledge.ledger.check import check_ledger
from ippledge.ledger.model import EntryDraft, Posting
from ippledge.ledger.queries import balance
from ippledge.pledge.tables import PledgeFiling
from ippledge.registry import queries as registry
from tests.disposal.factories import bidder, claimed_loan
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

H = dt.timedelta(hours=1)


def _refused(factory: sessionmaker[Session], code: str, fn, *args) -> None:  # type: ignore[no-untyped-def]
    with factory() as s:
        with pytest.raises(IppledgeError) as e:
            fn(s, *args)
        assert e.value.code == code, e.value
        assert e.value.status in (404, 409, 422)
        s.rollback()


def test_two_failed_auctions_a_sale_renege_and_settlement(session_factory, risk_desk: RiskDesk) -> None:
    d, f = risk_desk, session_factory
    c = claimed_loan(d)
    agent = c.agent.principal
    bank = d.bank.officer.principal
    today = d.clock.today
    pool_before = d.pool_balance()
    assert_ledger_ok(f, loans=1)

    # the lot: the appraisal of record (the report the loan was granted on), legal status and remaining term
    _refused(f, "not_found", service.open_lot, d.bank2.officer.principal, c.loan_id, today)
    with f.begin() as s:
        lot = service.open_lot(s, agent, c.loan_id, today)
        lot_id, holder = lot.id, lot.agent_id
        assert lot.appraisal == Decimal("8000000.00") and holder == c.agent.party.id
        facts = json.loads(lot.facts)
        (one,) = facts.values()
        assert one["legal_status"] and one["remaining_days"] > 0
    _refused(f, "disposal.lot_exists", service.open_lot, agent, c.loan_id, today)

    # round 1 (一拍): 70% of the appraisal, 30 days' notice; a registered bidder never bids -> 流拍, deposit refunded
    with f.begin() as s:
        r1 = service.schedule_round(s, agent, lot_id, today)
        r1_id, opens, ends = r1.id, r1.opens_at, r1.ends_at
        assert r1.start_price == Decimal("5600000.00") and r1.deposit == Decimal("280000.00")
        assert opens.date() == today + dt.timedelta(days=30) and ends - opens == dt.timedelta(hours=24)
    a = bidder(d)
    with f.begin() as s:
        service.register_bidder(s, agent, r1_id, a.party.id, opens - H)
    with f() as s:
        assert balance(s, postings.account(holder, postings.DEPOSITS, lot_id)) == Decimal("280000.00")
    _refused(f, "disposal.bid_in_notice", service.place_bid, a.principal, r1_id, "5600000", opens - H)
    _refused(f, "disposal.not_ended", service.close_round, agent, r1_id, ends - H)
    with f.begin() as s:
        assert service.close_round(s, agent, r1_id, ends).status == "failed"
    with f.begin() as s:  # a second close changes nothing
        assert service.close_round(s, agent, r1_id, ends + H).closed_at == ends
    _refused(f, "disposal.bid_closed", service.place_bid, a.principal, r1_id, "5600000", ends + H)
    assert_ledger_ok(f, loans=1)

    # round 2 (二拍): at most 20% lower; nobody registers -> 流拍
    _refused(f, "disposal.start_price", service.schedule_round, agent, lot_id, today, "4479999.99")
    with f.begin() as s:
        r2 = service.schedule_round(s, agent, lot_id, today)
        r2_id, ends2 = r2.id, r2.ends_at
        assert r2.start_price == Decimal("4480000.00") and (r2.opens_at.date() - today).days == 15
    with f.begin() as s:
        assert service.close_round(s, agent, r2_id, ends2).status == "failed"

    # the sale stage (变卖) at the last start price: b bids, a co-owner matches at an equal price and wins
    b, co, late = bidder(d), bidder(d), bidder(d)
    with f.begin() as s:
        r3 = service.schedule_round(s, agent, lot_id, today)
        r3_id, opens3, ends3 = r3.id, r3.opens_at, r3.ends_at
        assert r3.stage == "sale" and r3.start_price == Decimal("4480000.00") and ends3 - opens3 == dt.timedelta(60)
        service.register_bidder(s, agent, r3_id, b.party.id, opens3)
        service.register_bidder(s, agent, r3_id, co.party.id, opens3, preemptive=True)
    _refused(f, "disposal.bid_unregistered", service.place_bid, late.principal, r3_id, "4480000", opens3 + H)
    with f.begin() as s:
        service.place_bid(s, b.principal, r3_id, "4480000", opens3 + H)
    _refused(f, "disposal.bid_low", service.place_bid, b.principal, r3_id, "4480000", opens3 + 2 * H)
    with f.begin() as s:  # in the last five minutes: the end moves to five minutes after the bid
        bid = service.place_bid(s, co.principal, r3_id, "4480000", ends3 - dt.timedelta(minutes=1))
        assert bid.seq == 2 and bid.extended and bid.ends_at == ends3 + dt.timedelta(minutes=4)
    _refused(f, "disposal.not_ended", service.close_round, agent, r3_id, ends3)
    with f.begin() as s:
        won = service.close_round(s, agent, r3_id, ends3 + dt.timedelta(minutes=4))
        assert won.status == "won" and won.price == Decimal("4480000.00")
    with f() as s:  # b's deposit came back; the winner's is still held
        assert balance(s, postings.account(holder, postings.DEPOSITS, lot_id)) == Decimal("224000.00")
        assert [x.seq for x in s.scalars(select(DisposalBid).where(DisposalBid.auction_id == r3_id))] == [1, 2]
    assert_ledger_ok(f, loans=1)

    # 悔拍: the co-owner does not pay; its deposit is forfeited into the proceeds and it may not bid on the lot again
    with f.begin() as s:
        assert service.renege(s, agent, r3_id, today).status == "reneged"
        r4 = service.schedule_round(s, agent, lot_id, today)
        r4_id, opens4 = r4.id, r4.opens_at
    _refused(f, "disposal.bidder_barred", service.register_bidder, agent, r4_id, co.party.id, opens4)
    with f.begin() as s:
        service.register_bidder(s, agent, r4_id, late.party.id, opens4)
        service.place_bid(s, late.principal, r4_id, "4500000", opens4 + H)
        service.close_round(s, agent, r4_id, r4.ends_at)
        sold = service.pay(s, agent, r4_id, today)
        assert sold.status == "sold" and sold.buyer_id == late.party.id
    assert_ledger_ok(f, loans=1)

    # settlement: costs, the secured debt (a recovery shared back), the surplus to the pledgor; filings
    _refused(f, "disposal.not_agent", service.settle, agent, lot_id, "30000", today)
    with f.begin() as s:
        debt = service.secured_debt(s, c.loan_id)
        done = service.settle(s, bank, lot_id, "30000", today)
    w = done.waterfall
    assert w.proceeds == Decimal("4500000.00") + Decimal("224000.00")  # the price and the forfeited deposit
    assert w.costs == Decimal("30000.00") and w.debt == debt and w.surplus == w.proceeds - w.costs - debt
    paid_by_others = c.shares["fund"] + c.shares["insurer"]
    assert done.claim_id == c.claim_id and sum(done.clawed_back.values()) == paid_by_others  # the whole loss recovered
    assert d.pool_balance() == pool_before + done.clawed_back["fund"]
    assert_ledger_ok(f, loans=1)
    with f() as s:
        for kind in postings.CHART:
            assert balance(s, postings.account(holder, kind, lot_id)) == Decimal("0.00")
        assert balance(s, f"P{d.bank.id}:income:recovery") == debt
        release = s.get(PledgeFiling, done.release_filings[0])
        assert release is not None and release.kind == "release" and release.status == "submitted"
        filed = {
            (x.kind, x.subject_id) for x in s.scalars(select(DisposalFiling).where(DisposalFiling.lot_id == lot_id))
        }
        assert ("transfer", one_asset(s, lot_id)) in filed and len(filed) == 2
    _refused(f, "disposal.lot_state", service.settle, bank, lot_id, "0", today)
    # the registry records the filed transfer: the buyer owns the patent (TR01), once
    with f() as s:
        (transfer,) = [x.id for x in s.scalars(select(DisposalFiling).where(DisposalFiling.kind == "transfer"))]
    with f.begin() as s:
        service.record_transfer(s, d.registry.principal, transfer, today)
    with f.begin() as s:
        assert service.record_transfer(s, d.registry.principal, transfer, today).recorded_on == today
        assert registry.owner_ids(s, one_asset(s, lot_id)) == [late.party.id]
    with f() as s:  # money taken out of custody outside the rules is caught by the disposal expectation
        custody = postings.account(holder, postings.CUSTODY, lot_id)
        stray = EntryDraft(
            today, "manual", (Posting(custody, Decimal("-1.00")), Posting(f"P{holder}:cash", Decimal("1.00")))
        )
        ledger.post(s, "test", stray)
        assert [m.account for m in check_ledger(s).mismatches if m.source == "disposal"] == [custody]
        s.rollback()


def one_asset(s: Session, lot_id: int) -> int:
    from ippledge.disposal.tables import DisposalLot

    lot = s.get(DisposalLot, lot_id)
    assert lot is not None
    (asset,) = json.loads(lot.asset_ids)
    return int(asset)
