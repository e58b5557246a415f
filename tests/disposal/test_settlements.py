"""Disposal beyond the written-off English case, on both backends: sealed second- and first-price rounds, settling a
defaulted loan still on the books (paid off, or repaid in part), and 以物抵债 (the bank takes the lot at the reserve
after a failed auction) with the clawback to the fund and insurer and the transfer to the bank; ``ledger check``
after every step."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from ippledge.cli import app
from ippledge.disposal import postings, queries, service
from ippledge.disposal.learning import RoundOutcome
from ippledge.disposal.tables import DisposalAuction, DisposalBidder, DisposalFiling
from ippledge.ledger.queries import balance
from ippledge.lending import queries as loans
from ippledge.lending import service as lending
from ippledge.registry import queries as registry
from tests.disposal.factories import bidder, claimed_loan
from tests.disposal.test_flow import _refused, one_asset
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

H = dt.timedelta(hours=1)


def _defaulted(d: RiskDesk, f: sessionmaker[Session], amount: str = "600000") -> int:
    lid = d.active_loan(amount=amount, months=6)
    with f.begin() as s:
        lending.declare_default(s, d.bank.approver2.principal, lid, d.clock.today, "经营停止")
    return lid


def test_sealed_second_price_round_settles_a_defaulted_loan_by_payoff(session_factory, risk_desk: RiskDesk) -> None:
    d, f = risk_desk, session_factory
    lid = _defaulted(d, f)
    bank, today = d.bank.officer.principal, d.clock.today
    with f.begin() as s:
        lot = service.open_lot(s, bank, lid, today, appraisal="1000000")
        lot_id, holder, pledgor = lot.id, lot.agent_id, lot.pledgor_id
    _refused(f, "disposal.format", service.schedule_round, bank, lot_id, today, None, None, "dutch")
    with f.begin() as s:
        r = service.schedule_round(s, bank, lot_id, today, fmt="sealed_second")
        rid, opens, ends, start = r.id, r.opens_at, r.ends_at, r.start_price
        assert r.format == "sealed_second" and start == Decimal("700000.00")
    a, b, c, late = bidder(d), bidder(d), bidder(d), bidder(d)
    with f.begin() as s:
        for x in (a, b, c):
            service.register_bidder(s, bank, rid, x.party.id, opens)
    _refused(f, "disposal.bid_unregistered", service.place_bid, late.principal, rid, "800000", opens + H)
    _refused(f, "disposal.bid_low", service.place_bid, a.principal, rid, "699999.99", opens + H)
    with f.begin() as s:  # sealed: below the previous bid is fine, nothing is revealed, no extension
        service.place_bid(s, a.principal, rid, "900000", opens + H)
        service.place_bid(s, b.principal, rid, "760000", opens + 2 * H)
        last = service.place_bid(s, c.principal, rid, "1200000", ends - dt.timedelta(minutes=1))
        assert not last.extended and last.ends_at == ends
    _refused(f, "disposal.sealed_once", service.place_bid, a.principal, rid, "950000", opens + 3 * H)
    with f() as s:
        row = s.get(DisposalAuction, rid)
        assert row is not None and row.price is None and row.leader_id is None and row.bid_count == 3
    with f.begin() as s:
        won = service.close_round(s, bank, rid, ends)
        assert won.status == "won" and won.price == Decimal("900000.00")  # the second-highest bid (Vickrey)
        winner = s.get(DisposalBidder, won.leader_id)
        assert winner is not None and winner.party_id == c.party.id
    assert_ledger_ok(f, loans=1)
    with f.begin() as s:
        service.pay(s, bank, rid, today)
    assert_ledger_ok(f, loans=1)

    with f() as s:
        held = balance(s, f"P{d.firm.party.id}:settlement")
    with f.begin() as s:  # the secured debt of a loan still on the books: what paying it off today takes
        debt = service.secured_debt(s, lid, bank, today)
        assert debt == lending.payoff_quote(s, bank, lid, today).total and debt >= Decimal("600000")
        done = service.settle(s, bank, lot_id, "20000", today)
    w = done.waterfall
    assert (w.proceeds, w.costs, w.debt) == (Decimal("900000.00"), Decimal("20000.00"), debt)
    assert w.surplus == w.proceeds - w.costs - debt and done.claim_id is None and done.clawed_back == {}
    assert_ledger_ok(f, loans=1)
    with f() as s:
        loan = loans.loan_summary(s, lid)
        assert loan is not None and loan.status == "repaid" and loan.outstanding_principal == 0
        for kind in postings.CHART:
            assert balance(s, postings.account(holder, kind, lot_id)) == Decimal("0.00")
        assert balance(s, f"P{d.firm.party.id}:settlement") == held  # the debt's part all went to the loan
        assert pledgor == d.firm.party.id and len(done.release_filings) == 1 and len(done.transfer_filings) == 1


def test_sealed_first_price_pays_its_bid_and_a_short_sale_repays_in_part(session_factory, risk_desk: RiskDesk) -> None:
    d, f = risk_desk, session_factory
    lid = _defaulted(d, f)
    bank, today = d.bank.officer.principal, d.clock.today
    with f.begin() as s:
        lot = service.open_lot(s, bank, lid, today, appraisal="400000")
        r = service.schedule_round(s, bank, lot.id, today, fmt="sealed_first")
        lot_id, rid, opens, ends = lot.id, r.id, r.opens_at, r.ends_at
    a, co = bidder(d), bidder(d)
    with f.begin() as s:
        service.register_bidder(s, bank, rid, a.party.id, opens)
        service.register_bidder(s, bank, rid, co.party.id, opens, preemptive=True)
    with f.begin() as s:  # equal bids: the pre-emption holder (a co-owner) wins although it bid later
        service.place_bid(s, a.principal, rid, "330000", opens + H)
        service.place_bid(s, co.principal, rid, "330000", opens + 2 * H)
    with f.begin() as s:
        won = service.close_round(s, bank, rid, ends)
        assert won.price == Decimal("330000.00")
        winner = s.get(DisposalBidder, won.leader_id)
        assert winner is not None and winner.party_id == co.party.id
        service.pay(s, bank, rid, today)
    with f() as s:
        before = loans.loan_summary(s, lid)
        assert before is not None
    with f.begin() as s:
        done = service.settle(s, bank, lot_id, "0", today)
    assert done.waterfall.debt == Decimal("330000.00") and done.waterfall.surplus == 0
    assert_ledger_ok(f, loans=1)
    with f() as s:  # repaid in part through lending's allocation: the loan stays on the books, smaller
        after = loans.loan_summary(s, lid)
        assert after is not None and after.status == "active"
        assert Decimal(0) < after.outstanding_principal < before.outstanding_principal - Decimal("300000")


def test_taken_in_satisfaction_after_a_failed_auction(session_factory, risk_desk: RiskDesk, database_url: str) -> None:
    d, f = risk_desk, session_factory
    c = claimed_loan(d)
    agent, bank, today = c.agent.principal, d.bank.officer.principal, d.clock.today
    pool_before = d.pool_balance()
    with f.begin() as s:
        lot = service.open_lot(s, agent, c.loan_id, today)
        lot_id, holder = lot.id, lot.agent_id
    _refused(f, "disposal.satisfaction", service.take_in_satisfaction, bank, lot_id, today)  # no failed round yet
    with f.begin() as s:
        r1 = service.schedule_round(s, agent, lot_id, today)
        service.close_round(s, agent, r1.id, r1.ends_at)  # 流拍
    assert_ledger_ok(f, loans=1)
    _refused(f, "disposal.not_agent", service.take_in_satisfaction, agent, lot_id, today)  # the creditor's act
    with f.begin() as s:
        lot = service.take_in_satisfaction(s, bank, lot_id, today)
        assert lot.satisfied and lot.status == "sold" and lot.buyer_id == d.bank.id
        assert lot.price == Decimal("5600000.00")  # the failed round's reserve (70% of 8,000,000)
    assert_ledger_ok(f, loans=1)
    _refused(f, "disposal.lot_state", service.take_in_satisfaction, bank, lot_id, today)
    _refused(f, "disposal.lot_state", service.schedule_round, agent, lot_id, today)
    with f() as s:
        assert balance(s, postings.account(d.bank.id, postings.FORECLOSED, lot_id)) == Decimal("5600000.00")
        assert balance(s, postings.account(holder, postings.PROCEEDS, lot_id)) == Decimal("5600000.00")
    with f.begin() as s:
        debt = service.secured_debt(s, c.loan_id)
        done = service.settle(s, bank, lot_id, "10000", today)
    w = done.waterfall
    assert w.debt == debt and w.surplus == Decimal("5600000.00") - Decimal("10000.00") - debt  # 补交差价 to the pledgor
    assert sum(done.clawed_back.values()) == c.shares["fund"] + c.shares["insurer"]
    assert d.pool_balance() == pool_before + done.clawed_back["fund"]
    assert_ledger_ok(f, loans=1)
    with f() as s:
        (transfer,) = [
            x.id
            for x in s.scalars(
                select(DisposalFiling).where(DisposalFiling.lot_id == lot_id, DisposalFiling.kind == "transfer")
            )
        ]
    with f.begin() as s:
        service.record_transfer(s, d.registry.principal, transfer, today)
    with f() as s:
        assert registry.owner_ids(s, one_asset(s, lot_id)) == [d.bank.id]  # the bank now owns the patent
        assert balance(s, postings.account(d.bank.id, postings.FORECLOSED, lot_id)) == Decimal("5600000.00")
    assert_ledger_ok(f, loans=1)
    with f() as s:  # what the round taught: one failed round at 70% of the appraisal
        assert queries.round_outcomes(s) == [RoundOutcome("patent", 0.7, False, None)]
    out = CliRunner().invoke(app, ["disposal", "outcomes", "--json", "--database-url", database_url])
    assert out.exit_code == 0, out.output
    (everything, patents) = json.loads(out.stdout)
    assert everything["ip_kind"] == "all" and patents["rounds"] == 1 and patents["sell_through"] == 0
    assert patents["suggested_start_share"] == 0.7  # nothing sold: no reason to ask above the legal minimum
