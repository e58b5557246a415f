"""The cube's outcomes on both backends: a pool as it stood at a past period end (the ledger's entries dated up to
then), a claim's time to cash in working days, and the pure rules of time-to-cash, sell-through and conversion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from ippledge.access.model import PartyKind, Role
from ippledge.supervision import outcomes
from tests.risk_sharing.factories import RiskDesk


def test_pool_as_of_a_past_period_end_and_claim_time_to_cash(world, app, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    d.scheme_with_pool("200000", liability_limited_to_fund=True)
    pooled_on = d.clock.today
    lid = d.active_loan(amount="600000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    d.clock.today = dt.date(2025, 9, 22)  # a Monday
    d.write_off(lid)
    ev = {"loan_id": lid, "statement": "核销后申请补偿", "documents": ["doc:writeoff-approval"]}
    cid = d.post(d.bank.officer, "/risk-claims", ev, 201).json()["id"]
    d.clock.today = dt.date(2025, 9, 25)  # three working days later
    d.post(d.both, f"/risk-claims/{cid}/review", {"note": "材料齐全"}, 200)
    d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True, "reason": "同意"}, 200)

    def stats(start: dt.date, end: dt.date) -> dict:
        return dict(d.get(regulator, f"/supervision/statistics?start={start}&end={end}").json())

    before = stats(pooled_on, dt.date(2025, 9, 21))
    [pool] = before["pools"]
    assert pool["balance"] == "200000.00" and pool["enrolled_outstanding"] == "600000.00"
    assert pool["leverage"] == "3.00"
    assert before["outcomes"]["time_to_cash"] == {"claims": 0, "median_days": None, "p90_days": None}
    after = stats(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    [pool] = after["pools"]
    assert pool["balance"] == "0.00" and pool["enrolled_outstanding"] == "0.00" and pool["leverage"] is None
    assert after["outcomes"]["time_to_cash"] == {"claims": 1, "median_days": "3.0", "p90_days": 3}
    disposal = after["outcomes"]["disposal"]
    assert disposal is not None and disposal["rounds_closed"] == 0 and disposal["sell_through"] is None
    assert after["outcomes"]["whitelist"]["engagements"] == 0


def test_time_to_cash_counts_working_days_median_and_nearest_rank_p90() -> None:
    monday = dt.date(2025, 9, 22)
    pairs = [(monday, monday + dt.timedelta(days=n)) for n in (0, 1, 2, 3)]  # 0, 1, 2, 3 working days
    t = outcomes.time_to_cash(pairs)
    assert t.claims == 4 and t.median_days == D("1.5") and t.p90_days == 3
    # across the National Day holiday (1-8 October 2025): 30 September to 9 October is one working day
    t = outcomes.time_to_cash([(dt.date(2025, 9, 30), dt.date(2025, 10, 9))])
    assert t.median_days == D("1.0") and t.p90_days == 1
    assert outcomes.time_to_cash([]) == outcomes.TimeToCash(0, None, None)


def test_sell_through_realisation_and_conversion() -> None:
    r = outcomes.disposal([(True, D("100"), D("80")), (False, D("50"), None), (True, D("100"), D("70"))])
    assert (r.rounds_closed, r.rounds_sold, r.sell_through) == (3, 2, D("0.6667"))
    assert r.proceeds == D("150") and r.realisation == D("0.7500")
    assert outcomes.disposal([]).sell_through is None
    w = outcomes.whitelist(8, 2, D("3000000"))
    assert w.conversion == D("0.2500") and outcomes.whitelist(0, 0, D(0)).conversion is None
