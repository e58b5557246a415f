"""What disposal teaches valuation, on both backends: a settled lot is recorded in valuation's own table of realised
sales; with earlier disposals of the same kind and field it moves the calibrated forced-sale discount (and so the
engine's collateral value) and the valuer's league row gains realised / appraised. And 以物抵债 after a failed sale
stage (变卖不成): two failed auctions, a failed sale stage, the bank takes the patent at the sale price, settlement pays
the waterfall and the clawback, the transfer is filed and recorded; ``ledger check`` after every step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.disposal import postings, service
from ippledge.disposal.tables import DisposalFiling, DisposalLot
from ippledge.ledger.queries import balance
from ippledge.registry import queries as registry
from ippledge.valuation.engine import service as engine
from ippledge.valuation.governance import queries as governance
from ippledge.valuation.outcomes import queries as outcomes
from ippledge.valuation.outcomes import service as record
from ippledge.valuation.outcomes.tables import RealisedSale
from tests.disposal.factories import bidder, claimed_loan
from tests.disposal.test_flow import _refused, one_asset
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

H = dt.timedelta(hours=1)


def _earlier_sale(s: Session, ref: str, asset_id: int, price: str, day: dt.date) -> None:
    """An earlier disposal of the same kind and field (as another lot would have reported it)."""
    sale = record.SaleRecord(ref, "auction", [asset_id], [], Decimal("1000000"), None, True, Decimal(price), 1, day)
    record.record_realised_sale(s, "test", sale)


def test_a_settled_lot_moves_the_discount_and_the_league_row(session_factory, risk_desk: RiskDesk) -> None:
    d, f = risk_desk, session_factory
    c = claimed_loan(d)
    agent, bank, today = c.agent.principal, d.bank.officer.principal, d.clock.today
    with f.begin() as s:
        lot = service.open_lot(s, agent, c.loan_id, today)
        lot_id, reports = lot.id, lot.report_ids
        asset = one_asset(s, lot_id)
        kind, field = record.classify(s, [asset])
        assert kind == "patent" and reports != "[]"  # field: the IPC class of the patent (none here)
        for n in (1, 2):  # two earlier sales at half the value: below the three sales a discount needs
            _earlier_sale(s, f"other-platform:{n}", asset, "500000", today - dt.timedelta(days=n))
    with f() as s:
        before = outcomes.calibration(s, today).cell(kind, field)
        assert (before.discount, before.discount_from, before.sold) == (0.30, "prior", 2)
        factor_before = engine.liquidity_on(s, today).factors(np.array([kind]), np.array([field]))
        league_before = {r.valuer_id: r for r in governance.league(s, today)}
    assert all(r.realised_over_appraised is None for r in league_before.values())

    # the lot sells in its first round at 6,000,000 against the appraisal of record of 8,000,000
    b = bidder(d)
    with f.begin() as s:
        r1 = service.schedule_round(s, agent, lot_id, today)
        rid, opens, ends = r1.id, r1.opens_at, r1.ends_at
        service.register_bidder(s, agent, rid, b.party.id, opens)
    with f.begin() as s:
        service.place_bid(s, b.principal, rid, "6000000", opens + H)
    with f.begin() as s:
        service.close_round(s, agent, rid, ends)
        service.pay(s, agent, rid, today)
    with f() as s:  # nothing is learnt before the lot settles
        assert s.scalars(select(RealisedSale).where(RealisedSale.reference == f"disposal-lot:{lot_id}")).first() is None
    with f.begin() as s:
        service.settle(s, bank, lot_id, "10000", today)
    assert_ledger_ok(f, loans=1)

    with f() as s:
        row = s.scalars(select(RealisedSale).where(RealisedSale.reference == f"disposal-lot:{lot_id}")).one()
        assert (row.kind, row.ipc_field, row.channel, row.sold, row.rounds) == (kind, field, "auction", True, 1)
        assert row.price == Decimal("6000000.00") and row.appraised == Decimal("8000000.00")
        after = outcomes.calibration(s, today).cell(kind, field)
        # the third sale: (20 x 0.30 + 0.5 + 0.5 + 0.25) / (20 + 3), the lot measured against its appraisal
        assert after.discount_from == "observed" and after.discount == pytest.approx((6.0 + 1.25) / 23)
        assert after.sell_through_from == "prior"  # three lots: below the five sell-through needs
        factor_after = engine.liquidity_on(s, today).factors(np.array([kind]), np.array([field]))
        assert float(np.asarray(factor_after).ravel()[0]) == pytest.approx(0.40 * (1 - (6.0 + 1.25) / 23))
        assert float(np.asarray(factor_after).ravel()[0]) < float(np.asarray(factor_before).ravel()[0])
        league_after = {r.valuer_id: r for r in governance.league(s, today)}
    (valuer,) = [v for v, r in league_after.items() if r.realised_over_appraised is not None]
    assert league_after[valuer].realised_over_appraised == pytest.approx(0.75)
    assert league_after[valuer].realised_reports == 1 and league_after[valuer].realised == 1
    with f() as s:  # and the engine prices forced sale with it: collateral = P50 x the calibrated factor
        mv = engine.value_one(s, asset, today)
        assert mv.collateral_value_fen == pytest.approx(mv.value_p50_fen * 0.40 * (1 - 7.25 / 23), abs=1)
        s.rollback()


def test_taken_in_satisfaction_after_a_failed_sale_stage(session_factory, risk_desk: RiskDesk) -> None:
    d, f = risk_desk, session_factory
    c = claimed_loan(d)
    agent, bank, today = c.agent.principal, d.bank.officer.principal, d.clock.today
    pool_before = d.pool_balance()
    with f.begin() as s:
        lot = service.open_lot(s, agent, c.loan_id, today)
        lot_id, holder = lot.id, lot.agent_id
    for _ in range(2):  # 一拍, 二拍: nobody bids
        with f.begin() as s:
            r = service.schedule_round(s, agent, lot_id, today)
            assert service.close_round(s, agent, r.id, r.ends_at).status == "failed"
    with f.begin() as s:  # 变卖 at the last start price, for 60 days
        sale = service.schedule_round(s, agent, lot_id, today)
        sale_id, sale_ends = sale.id, sale.ends_at
        assert sale.stage == "sale" and sale.start_price == Decimal("4480000.00")
    _refused(f, "disposal.satisfaction", service.take_in_satisfaction, bank, lot_id, today)  # the sale is running
    b = bidder(d)
    with f.begin() as s:  # a bidder registers but never bids: its deposit comes back at the close
        service.register_bidder(s, agent, sale_id, b.party.id, sale.opens_at)
    with f.begin() as s:
        assert service.close_round(s, agent, sale_id, sale_ends).status == "failed"  # 变卖不成
    assert_ledger_ok(f, loans=1)
    _refused(f, "disposal.not_agent", service.take_in_satisfaction, agent, lot_id, today)
    with f.begin() as s:
        taken = service.take_in_satisfaction(s, bank, lot_id, today)
        assert taken.satisfied and taken.buyer_id == d.bank.id and taken.price == Decimal("4480000.00")
    assert_ledger_ok(f, loans=1)
    _refused(f, "disposal.lot_state", service.schedule_round, agent, lot_id, today)
    with f.begin() as s:
        debt = service.secured_debt(s, c.loan_id)
        done = service.settle(s, bank, lot_id, "20000", today)
    w = done.waterfall
    assert w.proceeds == Decimal("4480000.00") and w.debt == min(debt, w.proceeds - w.costs)
    assert sum(done.clawed_back.values()) > 0 and d.pool_balance() == pool_before + done.clawed_back["fund"]
    assert_ledger_ok(f, loans=1)
    with f() as s:
        for kind in postings.CHART:
            assert balance(s, postings.account(holder, kind, lot_id)) == Decimal("0.00")
        assert balance(s, postings.account(d.bank.id, postings.FORECLOSED, lot_id)) == Decimal("4480000.00")
        (transfer,) = s.scalars(
            select(DisposalFiling.id).where(DisposalFiling.lot_id == lot_id, DisposalFiling.kind == "transfer")
        )
        row = s.scalars(select(RealisedSale).where(RealisedSale.reference == f"disposal-lot:{lot_id}")).one()
        assert (row.channel, row.sold, row.price, row.rounds) == ("satisfaction", False, None, 3)
    with f.begin() as s:
        service.record_transfer(s, d.registry.principal, transfer, today)
    with f() as s:
        assert registry.owner_ids(s, one_asset(s, lot_id)) == [d.bank.id]
        settled = s.get(DisposalLot, lot_id)
        assert settled is not None and settled.status == "settled"
    assert_ledger_ok(f, loans=1)
