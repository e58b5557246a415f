"""Split previews and simulations over HTTP (``POST /risk-schemes/{code}/split``, ``POST /risk-simulations``)."""

from __future__ import annotations

from ippledge.access.model import PartyKind, Role
from ippledge.risk_sharing.simulation.forecast import MAX_SCENARIOS
from tests.risk_sharing.factories import RiskDesk


def test_split_preview_uses_the_stored_version_and_writes_nothing(risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("300000")
    before = d.pool_balance()
    doc = d.post(d.bank.officer, "/risk-schemes/test-city/split", {"loss": "1000000", "as_of": "2025-06-01"}, 200)
    doc = doc.json()
    assert doc["shares"] == {"fund": "500000.00", "bank": "200000.00", "insurer": "300000.00"}
    assert doc["version"] == "1" and doc["as_of"] == "2025-06-01"
    limited = d.post(d.bank.officer, "/risk-schemes/test-city/split", {"loss": "1000000", "fund_balance": "100000"})
    assert limited.status_code == 200  # a fund balance only binds a scheme whose liability is limited to it
    assert d.post(d.bank.officer, "/risk-schemes/test-city/split", {"loss": "-1"}).status_code == 422
    early = d.post(d.bank.officer, "/risk-schemes/test-city/split", {"loss": "1", "as_of": "2020-01-01"})
    assert early.status_code == 404  # no version in force then
    assert d.pool_balance() == before


def test_simulations_homogeneous_for_anyone_the_live_book_for_the_fund(world, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("300000")
    for amount in ("600000", "400000"):
        lid = d.active_loan(amount=amount, months=6)
        d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    base = {"scheme_code": "test-city", "rho": 0.2, "lgd": 0.6, "scenarios": 2000, "seed": 7}
    homo = d.post(d.bank.officer, "/risk-simulations", {**base, "loans": 500, "pd": 0.02}, 200).json()
    assert homo["backend"] == "numpy" and homo["inputs"]["loans"] == 500
    assert homo["parties"]["fund"]["expected_loss"] > 0
    again = d.post(d.bank.officer, "/risk-simulations", {**base, "loans": 500, "pd": 0.02}, 200).json()
    assert again == homo  # seeded
    book = {**base, "portfolio": True, "sensitivity": "fund:bank"}
    assert d.post(d.bank.officer, "/risk-simulations", book).status_code == 404  # a bank cannot see the whole book
    live = d.post(d.fund_approver, "/risk-simulations", book, 200).json()
    assert live["inputs"]["loans"] == 2 and live["inputs"]["fund_initial"] == 300000.0
    assert live["parties"]["fund"]["q0.999"] <= 300000.0 + 1e-6 and len(live["sensitivity"]) == 5
    regulator = world.user(world.party(PartyKind.REGULATOR), Role.ADMIN)
    assert d.post(regulator, "/risk-simulations", book, 200).json()["inputs"]["loans"] == 2
    for bad, code in (
        ({**base, "scenarios": MAX_SCENARIOS + 1, "loans": 5, "pd": 0.1}, "risk.simulation.scenarios"),
        (base, "risk.simulation.book"),
        ({**base, "loans": 5, "pd": 0.1, "sensitivity": "fund:nobody"}, "risk.sensitivity.party"),
    ):
        r = d.post(d.bank.officer, "/risk-simulations", bad)
        assert r.status_code == 422 and r.json()["code"] == code, r.json()
    assert d.post(d.bank.officer, "/risk-simulations", {**base, "rho": 1.0, "loans": 5, "pd": 0.1}).status_code == 422
