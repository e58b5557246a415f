"""A seeded market for console tests: a firm with an active loan, a second application whose decision awaits the
approver, and IP free to apply with; every step through the JSON API, as a real desk would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tests.access.factories import PASSWORD
from tests.lending.factories import LoanDesk
from tests.registry.factories import Asset


@dataclass
class Seeded:
    desk: LoanDesk
    loan_id: int
    application_id: int
    decision_id: int
    free_assets: list[Asset]
    password: str = PASSWORD


def seed(world: Any, app: Any) -> Seeded:
    d = LoanDesk(world, app)
    loan_id = d.active_loan()
    inv = d.patent()
    version = d.product()
    a = d.apply([inv], consents=[d.bank.id, d.valuer.party.id])
    d.valuation(a["id"], [inv], ["6000000"], valuer=d.valuer)
    r = d.propose(a["id"], version, amount="1500000")
    assert r.status_code == 201, r.text
    free = [d.patent(), d.patent()]
    return Seeded(d, loan_id, a["id"], r.json()["id"], free)


def username(actor: Any) -> str:
    return str(actor.username)


@dataclass
class Market:
    """Every desk's day at once: filings submitted to the registry, a valuation task open at the valuer, a claim
    filed with the fund, a year of statistics for the regulator; the business date ends on ``today``."""

    desk: Any  # tests.risk_sharing.factories.RiskDesk
    to_register: int
    to_refuse: int
    registered_asset_id: int
    valuation_task_id: int
    valuation_app_id: int
    claim_id: int
    claim_loan_id: int
    analyst: Any
    today: dt.date
    password: str = PASSWORD


def market(world: Any, app: Any, session_factory: Any) -> Market:
    from ippledge.access.model import PartyKind, Role
    from tests.risk_sharing.factories import RiskDesk

    d = RiskDesk(world, app, session_factory)
    d.scheme_with_pool("2000000")
    a, b = d.approved(), d.approved()  # two filings submitted to the registry, not yet decided
    inv = d.patent()
    v_app = d.apply([inv], consents=[d.bank.id, d.valuer.party.id])
    task = d.post(d.bank.officer, f"/applications/{v_app['id']}/valuation", {"valuer_id": d.valuer.party.id}, 201)
    lid = d.active_loan(amount="600000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    d.clock.today = dt.date(2025, 9, 22)
    d.write_off(lid)
    ev = {"loan_id": lid, "statement": "核销后申请补偿", "documents": ["doc:writeoff-approval", "doc:court-ruling"]}
    claim = d.post(d.bank.officer, "/risk-claims", ev, 201).json()
    d.clock.today = dt.date(2025, 9, 23)
    analyst = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    return Market(
        d,
        a.filing_id,
        b.filing_id,
        a.assets[0].id,
        task.json()["id"],
        v_app["id"],
        claim["id"],
        lid,
        analyst,
        d.clock.today,
    )
