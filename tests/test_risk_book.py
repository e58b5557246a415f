"""The live enrolled book simulated under its scheme (``ippledge risk simulate --portfolio``)."""

from __future__ import annotations

import datetime as dt

from ippledge.risk_sharing.book import PD_BY_GRADE, live_portfolio, simulate_book
from tests.risk_db_support import RiskDesk


def test_live_book_uses_outstanding_principal_grade_pd_and_pool_balance(world, app, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    d.scheme_with_pool("300000")
    lids = [d.active_loan(amount=a, months=6) for a in ("600000", "400000")]
    for lid in lids:
        d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    d.post(d.bank.approver2, f"/loans/{lids[1]}/grade", {"grade": "substandard", "reason": "停产"}, 200)
    with session_factory() as s:
        portfolio, balance, n = live_portfolio(s, "test-city", 0.6)
        assert n == 2 and balance == 300000.0
        assert list(portfolio.exposure) == [600000.0, 400000.0]
        assert list(portfolio.pd) == [PD_BY_GRADE["normal"], PD_BY_GRADE["substandard"]]
        a, inputs = simulate_book(s, "test-city", rho=0.2, lgd=0.6, scenarios=2000, seed=7, as_of=dt.date(2025, 6, 3))
        b, _ = simulate_book(s, "test-city", rho=0.2, lgd=0.6, scenarios=2000, seed=7, as_of=dt.date(2025, 6, 3))
    assert a.summary() == b.summary()  # seeded
    summary = a.summary()
    assert inputs["loans"] == 2 and inputs["fund_initial"] == 300000.0
    # the fund pays at most its balance in every scenario
    assert summary["parties"]["fund"]["q0.999"] <= 300000.0 + 1e-6
    assert summary["parties"]["bank"]["expected_loss"] > 0


def test_cli_simulates_the_live_book_as_of_a_date_with_sensitivity(world, app, session_factory, database_url) -> None:
    import json

    from typer.testing import CliRunner

    from ippledge.cli import app as cli

    d = RiskDesk(world, app, session_factory)
    d.scheme_with_pool("300000")
    for amount in ("600000", "400000"):
        lid = d.active_loan(amount=amount, months=6)
        d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    args = ["risk", "simulate", "--portfolio", "--scheme", "test-city", "--rho", "0.2", "--lgd", "0.6"]
    args += ["--scenarios", "2000", "--seed", "7", "--database-url", database_url]
    r = CliRunner().invoke(cli, [*args, "--as-of", "2025-06-03", "--sensitivity", "fund:bank", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["inputs"]["as_of"] == "2025-06-03" and doc["inputs"]["loans"] == 2
    assert len(doc["sensitivity"]) == 5 and doc["parties"]["fund"]["q0.999"] <= 300000.0 + 1e-6
    before = CliRunner().invoke(cli, [*args, "--as-of", "1990-01-01"])  # no version of the scheme in force then
    assert before.exit_code == 2 and "risk.scheme" in before.output, before.output
