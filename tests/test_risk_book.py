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
