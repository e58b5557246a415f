"""Daily revaluation of pledged IP (both backends): values and LTV recorded, a breach emits one event, CLI."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from ippledge.access.model import PartyKind
from ippledge.access.tables import Party
from ippledge.cli import app as cli_app
from ippledge.kernel.money import from_fen
from ippledge.lending.tables import Loan, LoanPledge
from ippledge.outbox.events import OutboxAudience, OutboxEvent
from ippledge.pledge.tables import Pledge, PledgeItem
from ippledge.registry.tables import IpAsset, IpOwner
from ippledge.simulation.generate import generate
from ippledge.simulation.load import load
from ippledge.simulation.spec import SMALL
from ippledge.valuation.engine.tables import ModelValuation
from ippledge.valuation.revaluation import DEFAULT_LTV_THRESHOLD_BP, revalue_pledged
from ippledge.valuation.tables import PledgeRevaluation

SPEC = SMALL.scaled(0.05)
AS_OF = SPEC.as_of


def _pledge_with_loan(engine: Engine, factory: sessionmaker[Session]) -> tuple[int, int]:
    load(engine, generate(SPEC, 4))
    with factory.begin() as s:
        bank = s.scalar(select(Party.id).where(Party.kind == PartyKind.BANK.value).limit(1))
        registry = s.scalar(select(Party.id).where(Party.kind == PartyKind.REGISTRY.value).limit(1))
        asset, owner = s.execute(
            select(IpAsset.id, IpOwner.party_id)
            .join(IpOwner, IpOwner.ip_asset_id == IpAsset.id)
            .where(IpAsset.status == "in_force", IpAsset.subtype == "invention")
            .limit(1)
        ).one()
        pledge = Pledge(
            registration_no="ZX-TEST-1",
            registry_id=registry,
            pledgor_id=owner,
            pledgee_id=bank,
            debt_amount=Decimal("100000.00"),
            debt_end=AS_OF + dt.timedelta(days=365),
            effective_on=AS_OF - dt.timedelta(days=30),
            status="in_force",
        )
        s.add(pledge)
        s.flush()
        s.add(PledgeItem(pledge_id=pledge.id, ip_asset_id=asset))
        loan = Loan(
            contract_no="L-TEST-1",
            bank_id=bank,
            borrower_id=owner,
            principal=Decimal("100000.00"),
            annual_rate=Decimal("0.035"),
            penalty_uplift=Decimal("0.5"),
            method="equal_instalment",
            term_months=12,
            contracted_on=AS_OF - dt.timedelta(days=30),
            status="active",
            outstanding_principal=Decimal("1.00"),
        )
        s.add(loan)
        s.flush()
        s.add(LoanPledge(loan_id=loan.id, pledge_id=pledge.id))
        return pledge.id, loan.id


def test_revaluation_records_ltv_and_a_breach_once(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    pledge_id, loan_id = _pledge_with_loan(engine, session_factory)
    with session_factory.begin() as s:
        first = revalue_pledged(s, AS_OF, seed=1)
    assert first.pledges == 1 and first.assets == 1 and first.breaches == []
    with session_factory() as s:
        row = s.scalar(select(PledgeRevaluation))
        assert row is not None and row.previous_fen is None and row.outstanding_fen == 1_00
        assert row.collateral_value_fen == s.scalar(select(ModelValuation.collateral_value_fen))
        # the pledge rate stands on the model's market value (P50), the footing of the lending cap, not forced sale
        assert row.market_value_fen == row.pledge_market_fen == s.scalar(select(ModelValuation.value_p50_fen))
        assert row.market_value_fen >= row.collateral_value_fen
        assert row.loan_ltv_bp is not None and row.loan_ltv_bp < DEFAULT_LTV_THRESHOLD_BP
    # The loan grows beyond the IP's value: the next day's revaluation flags the breach, once.
    next_day = AS_OF + dt.timedelta(days=1)
    with session_factory.begin() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None
        loan.outstanding_principal = from_fen(row.market_value_fen * 2 or 1)
        second = revalue_pledged(s, next_day, seed=1)
    assert second.breaches == [pledge_id] and second.ltv_bp[pledge_id] in (20_000, None)
    with session_factory.begin() as s:
        again = revalue_pledged(s, next_day, seed=1)  # a rerun replaces the day's rows, no second event
    assert again.breaches == []
    with session_factory() as s:
        events = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "valuation.ltv_breach")).all()
        assert len(events) == 1
        pledge = s.get(Pledge, pledge_id)
        assert pledge is not None
        heard = set(s.scalars(select(OutboxAudience.party_id).where(OutboxAudience.event_id == events[0].id)))
        assert heard == {pledge.pledgee_id, pledge.pledgor_id}  # the bank, and the firm that may add security
        latest = s.scalar(select(PledgeRevaluation).where(PledgeRevaluation.as_of == next_day))
        assert latest is not None and latest.previous_fen == row.collateral_value_fen and latest.change_bp == 0
        assert s.scalar(select(func.count()).select_from(PledgeRevaluation)) == 2


def test_cli_revalues_the_pledged_book(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    pledge_id, _ = _pledge_with_loan(engine, session_factory)
    if engine.dialect.name == "postgresql":
        return  # the CLI opens its own engine; the private test schema is not on its search path
    url = engine.url.render_as_string(hide_password=False)
    base = ["value", "--pledged", "--as-of", AS_OF.isoformat(), "--database-url", url]
    r = CliRunner().invoke(cli_app, [*base, "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert (doc["as_of"], doc["pledges"], doc["assets"], doc["breaches"]) == (AS_OF.isoformat(), 1, 1, [])
    assert doc["ltv_bp"][str(pledge_id)] is not None and doc["ltv_bp"][str(pledge_id)] < DEFAULT_LTV_THRESHOLD_BP
    r = CliRunner().invoke(cli_app, base)
    assert r.exit_code == 0 and r.output.strip() == "revalued 1 IP under 1 pledges; LTV breaches: 0"
    assert CliRunner().invoke(cli_app, ["value", "--pledged", "--all", "--database-url", url]).exit_code == 2


def test_the_trigger_stands_on_the_cap_the_loan_was_lent_at(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    """A loan lent at a 25% cap is flagged once its pledge rate on the model's value passes 31.25% (the model then
    values the IP at least 20% below the appraisal of record), far below the 60% fallback."""
    from ippledge.lending import queries as lending_queries
    from ippledge.valuation import ports

    pledge_id, loan_id = _pledge_with_loan(engine, session_factory)
    ports.plug_ltv_caps(lambda _s, ids: {pid: 2_500 for pid in ids})  # as a credit decision at 25% records it
    try:
        with session_factory.begin() as s:
            first = revalue_pledged(s, AS_OF, seed=1)
            value = s.scalar(select(PledgeRevaluation.pledge_market_fen))
            assert value and first.breaches == []
            loan = s.get(Loan, loan_id)
            assert loan is not None
            loan.outstanding_principal = from_fen(value * 30 // 100)  # 30%: above the cap, inside the tolerance
        with session_factory.begin() as s:
            assert revalue_pledged(s, AS_OF + dt.timedelta(days=1), seed=1).breaches == []
            loan = s.get(Loan, loan_id)
            assert loan is not None
            loan.outstanding_principal = from_fen(value * 32 // 100)  # 32% > 31.25%
        with session_factory.begin() as s:
            third = revalue_pledged(s, AS_OF + dt.timedelta(days=2), seed=1)
        assert third.breaches == [pledge_id]
        with session_factory() as s:
            event = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "valuation.ltv_breach")).one()
            body = json.loads(event.payload)
            assert (body["threshold_bp"], body["ltv_cap_bp"]) == (3_125, 2_500)
    finally:
        ports.plug_ltv_caps(lending_queries.ltv_cap_by_pledge)  # as the composition root plugs it


def test_a_revaluation_writes_the_numbers_and_explains_them_when_opened(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    """Decision 0041: the monitoring revaluation stores model values without assumptions and explanation; opening the
    valuation (value_one, the asset's valuation page) writes them, the same as an eager valuation, numbers unchanged."""
    from ippledge.valuation.engine import service as engine_service

    _pledge_with_loan(engine, session_factory)
    with session_factory.begin() as s:
        revalue_pledged(s, AS_OF, seed=1)
    with session_factory() as s:
        mv = s.scalars(select(ModelValuation).where(ModelValuation.as_of == AS_OF)).one()
        assert mv.explanation == engine_service.UNEXPLAINED and mv.assumptions == engine_service.UNEXPLAINED
        asset, numbers = mv.ip_asset_id, (mv.value_p50_fen, mv.collateral_value_fen, mv.score, mv.legal_score)
    with session_factory.begin() as s:
        opened = engine_service.value_one(s, asset, AS_OF, seed=1)
        assert (opened.value_p50_fen, opened.collateral_value_fen, opened.score, opened.legal_score) == numbers
        lazy = (json.loads(opened.explanation), json.loads(opened.assumptions))
        assert "register_changed" not in lazy[0]
    with session_factory.begin() as s:  # an eager valuation of the same IP and date gives the same text
        s.execute(ModelValuation.__table__.delete())
        engine_service.value_subset(s, [asset], AS_OF, seed=1)
        eager = s.scalars(select(ModelValuation).where(ModelValuation.ip_asset_id == asset)).one()
        assert (json.loads(eager.explanation), json.loads(eager.assumptions)) == lazy
        assert (eager.value_p50_fen, eager.collateral_value_fen, eager.score, eager.legal_score) == numbers
