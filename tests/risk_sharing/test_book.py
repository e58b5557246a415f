"""The live enrolled book simulated under its scheme (``ippledge risk simulate --portfolio``)."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from ippledge.cli import app as cli_app
from ippledge.cmd.options import business_day
from ippledge.risk_sharing.simulation.book import PD_BY_GRADE, live_portfolio, simulate_book
from tests.risk_sharing.factories import RiskDesk, scheme_doc

runner = CliRunner()


def test_live_book_uses_outstanding_principal_grade_pd_and_pool_balance(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
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


def test_cli_simulates_the_live_book_as_of_a_date_with_sensitivity(database_url, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("300000")
    for amount in ("600000", "400000"):
        lid = d.active_loan(amount=amount, months=6)
        d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    args = ["risk", "simulate", "--portfolio", "--scheme", "test-city", "--rho", "0.2", "--lgd", "0.6"]
    args += ["--scenarios", "2000", "--seed", "7", "--database-url", database_url]
    r = runner.invoke(cli_app, [*args, "--as-of", "2025-06-03", "--sensitivity", "fund:bank", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["inputs"]["as_of"] == "2025-06-03" and doc["inputs"]["loans"] == 2
    assert len(doc["sensitivity"]) == 5 and doc["parties"]["fund"]["q0.999"] <= 300000.0 + 1e-6
    before = runner.invoke(cli_app, [*args, "--as-of", "1990-01-01"])  # no version of the scheme in force then
    assert before.exit_code == 2 and "risk.scheme" in before.output, before.output


def test_cli_portfolio_as_of_picks_the_scheme_version_in_force(database_url, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("300000")
    lid = d.active_loan(amount="600000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    v2 = scheme_doc(version="2", effective_from="2026-01-01")
    v2["tiers"] = [{"max_balance": None, "shares": {"fund": 8000, "bank": 2000}}]
    d.post(d.operator, "/risk-schemes", v2, 201)
    base = ["risk", "simulate", "--portfolio", "--scheme", "test-city", "--rho", "0.2", "--lgd", "0.6"]
    base += ["--scenarios", "500", "--seed", "7", "--json", "--database-url", database_url]

    def run(*extra: str) -> dict:
        r = runner.invoke(cli_app, [*base, *extra])
        assert r.exit_code == 0, r.output
        return json.loads(r.output)

    old, new = run("--as-of", "2025-06-03"), run("--as-of", "2026-03-01")
    assert (old["inputs"]["version"], old["inputs"]["as_of"]) == ("1", "2025-06-03")
    assert (new["inputs"]["version"], new["inputs"]["as_of"]) == ("2", "2026-03-01")
    assert old["inputs"]["loans"] == new["inputs"]["loans"] == 1
    # version 1 has an insurer share, version 2 none
    assert old["parties"]["insurer"]["expected_loss"] > 0 == new["parties"]["insurer"]["expected_loss"]
    today = run()["inputs"]  # default: the version in force on today's business date (China)
    assert today["as_of"] == business_day(None).isoformat() and today["version"] == "2"
    bad = runner.invoke(cli_app, [*base, "--as-of", "2025-13-01"])
    assert bad.exit_code == 2 and "risk.cli.as_of" in bad.output


def test_each_loan_lgd_is_at_the_forced_sale_value_its_decision_recorded(session_factory, risk_desk: RiskDesk) -> None:
    """Decision record 0008: the forced-sale value of the pledged IP feeds LGD; the book figure only fills gaps."""
    from decimal import Decimal

    from ippledge.credit.tables import CreditDecision
    from ippledge.lending import queries as lending

    d = risk_desk
    d.scheme_with_pool("300000")
    lids = [d.active_loan(amount=a, months=6) for a in ("600000", "400000")]
    for lid in lids:
        d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    with session_factory.begin() as s:
        decision = s.get(CreditDecision, lending.loan_summary(s, lids[0]).decision_id)  # type: ignore[union-attr]
        decision.forced_sale = Decimal("150000")  # as a decision with a model valuation records it
    with session_factory() as s:
        portfolio, _, _ = live_portfolio(s, "test-city", 0.6)
        # (600,000 - 150,000) / 600,000 = 0.75; the other decision recorded no forced-sale value: the book's 0.6
        assert list(portfolio.lgd) == [0.75, 0.6]
        _, inputs = simulate_book(s, "test-city", rho=0.2, lgd=0.6, scenarios=500, seed=7, as_of=dt.date(2025, 6, 3))
    assert inputs["lgd"] == 0.6 and abs(inputs["lgd_mean"] - 0.675) < 1e-12
