"""A renewal keeps the scheme's share (续贷纳入, decision 0042), on both backends: the new loan a renewal makes is
enrolled in the old loan's scheme when the scheme's eligibility allows (a renewal's loan has no credit decision: its
LPR is the fixing of its contract date), and a refusal is recorded on the renewal with the scheme's reasons while
the renewal itself stands."""

from __future__ import annotations

import datetime as dt

from ippledge.risk_sharing import queries as risk_queries
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk


def _renew_near_maturity(d: RiskDesk, lid: int, **over: str) -> dict:  # type: ignore[type-arg]
    maturity = dt.date.fromisoformat(d.get(d.bank.officer, f"/loans/{lid}").json()["maturity_date"])
    d.clock.today = maturity - dt.timedelta(days=10)
    body = {"kind": "no_repayment", "months": 12, "reason": "经营正常，申请无还本续贷", **over}
    return d.post(d.bank.approver, f"/loans/{lid}/renewal", body, 201).json()  # type: ignore[no-any-return]


def test_a_renewal_enrols_the_new_loan_in_the_old_loans_scheme(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("200000")
    lid = d.active_loan(amount="600000", months=6, method="bullet")
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    renewal = _renew_near_maturity(d, lid)
    assert renewal["risk_sharing"] == {
        "scheme_code": "test-city", "enrolled": True, "code": None, "reason_zh": None, "reason_en": None,
    }  # fmt: skip
    new = renewal["new_loan_id"]
    with session_factory() as s:
        assert risk_queries.risk_sharers(s, [new], d.clock.today)[new].scheme_code == "test-city"
    assert_ledger_ok(session_factory)


def test_a_renewal_the_scheme_refuses_says_so_and_still_stands(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("200000")
    lid = d.active_loan(amount="600000", months=6, method="bullet")
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    renewal = _renew_near_maturity(d, lid, annual_rate="0.06")  # above the scheme's 1.4 x LPR cap
    carry = renewal["risk_sharing"]
    assert carry["scheme_code"] == "test-city" and carry["enrolled"] is False
    assert carry["code"] == "risk.enrol.ineligible" and "rate exceeds the cap" in carry["reason_en"], carry
    assert "利率超过上限" in carry["reason_zh"]
    new = d.get(d.bank.officer, f"/loans/{renewal['new_loan_id']}").json()
    assert new["status"] == "active"  # the renewal stands without the scheme's share
    with session_factory() as s:
        assert renewal["new_loan_id"] not in risk_queries.risk_sharers(s, [renewal["new_loan_id"]], d.clock.today)
    assert_ledger_ok(session_factory)


def test_a_renewal_of_a_loan_in_no_scheme_carries_nothing(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    lid = d.active_loan(amount="600000", months=6, method="bullet")
    assert _renew_near_maturity(d, lid)["risk_sharing"] is None
