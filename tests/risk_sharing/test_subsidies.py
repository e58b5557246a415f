"""Subsidies as data: the Beijing-style interest subsidy computed from interest actually paid, capped per firm per
year, refused above LPR x 1.4; applied for by the firm, approved by the fund (maker-checker), paid via the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.ledger.store import balance
from ippledge.risk_sharing.subsidies.model import BEIJING_INTEREST_2021
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk


def _loan_with_interest_paid(d: RiskDesk) -> tuple[int, Decimal]:
    lid = d.active_loan(amount="600000", months=6)
    first = d.get(d.bank.officer, f"/loans/{lid}").json()["schedule"][0]
    d.clock.today = dt.date.fromisoformat(first["due_date"])
    d.deposit(first["interest"])
    d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": first["payment"]}, 201)
    return lid, Decimal(first["interest"])


def _rule(d: RiskDesk, code: str, **over: object) -> int:
    rule = {**BEIJING_INTEREST_2021, "code": code, **over}
    return int(d.post(d.operator, "/risk-subsidy-rules", {"scheme_code": "test-city", "rule": rule}, 201).json()["id"])


def test_interest_subsidy_from_interest_paid_capped_and_paid(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("1000000")
    lid, interest = _loan_with_interest_paid(d)
    assert interest == Decimal("1750.00")
    rule = _rule(d, "bj-interest")
    app_ = d.post(d.firm, "/risk-subsidies", {"rule_id": rule, "loan_id": lid, "year": 2025}, 201).json()
    assert app_["basis"] == "1750.00" and app_["amount"] == "700.00"  # 40% of interest actually paid
    again = d.post(d.firm, "/risk-subsidies", {"rule_id": rule, "loan_id": lid, "year": 2025})
    assert again.status_code == 409 and again.json()["code"] == "risk.subsidy.exists"
    assert d.post(d.bank.officer, f"/risk-subsidies/{app_['id']}/review").status_code in (403, 404)
    d.post(d.both, f"/risk-subsidies/{app_['id']}/review", None, 200)
    own = d.post(d.both, f"/risk-subsidies/{app_['id']}/decision", {"approve": True})
    assert own.status_code == 403 and own.json()["code"] == "access.self_approval"
    d.post(d.fund_approver, f"/risk-subsidies/{app_['id']}/decision", {"approve": True}, 200)
    with session_factory() as s:
        before = balance(s, f"P{d.firm.party.id}:settlement")
    paid = d.post_key(d.fund_approver, f"/risk-subsidies/{app_['id']}/payment", {}, 200).json()
    assert paid["status"] == "paid"
    with session_factory() as s:
        assert balance(s, f"P{d.firm.party.id}:settlement") == before + Decimal("700.00")
    assert d.pool_balance() == Decimal("999300.00")
    assert_ledger_ok(session_factory, loans=1)

    # a per-firm annual cap smaller than 40% of the interest: the subsidy is the cap, and nothing more this year
    capped = _rule(d, "bj-interest-capped", per_firm_annual_cap="500")
    c = d.post(d.firm, "/risk-subsidies", {"rule_id": capped, "loan_id": lid, "year": 2025}, 201).json()
    assert c["computed"] == "700.00" and c["amount"] == "500.00"


def test_interest_subsidy_refused_above_the_rate_cap_with_every_reason(risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("1000")
    lid, _ = _loan_with_interest_paid(d)
    d.set_revenue(d.firm.party.id, Decimal("300000000"))
    strict = _rule(d, "bj-strict", rate_cap={"kind": "lpr_multiple", "value": "1.1"})  # 3.5% > 3.0% x 1.1
    r = d.post(d.firm, "/risk-subsidies", {"rule_id": strict, "loan_id": lid, "year": 2025})
    assert r.status_code == 422 and r.json()["code"] == "risk.subsidy.refused"
    assert {x["code"] for x in r.json()["details"]["reasons"]} == {"risk.subsidy.rate_cap", "risk.subsidy.revenue_cap"}
    nothing = _rule(d, "bj-none")
    d.set_revenue(d.firm.party.id, Decimal("1000000"))
    r2 = d.post(d.firm, "/risk-subsidies", {"rule_id": nothing, "loan_id": lid, "year": 2024})
    assert r2.status_code == 422 and r2.json()["details"]["reasons"][0]["code"] == "risk.subsidy.nothing_due"


def test_premium_subsidy_from_the_premium_actually_paid(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("100000")
    lid = d.active_loan(amount="600000", months=6)
    body = {
        "kind": "loan_insurance",
        "payer_id": d.firm.party.id,
        "premium_rate_bp": 150,
        "loan_id": lid,
        "start_on": str(d.clock.today),
        "end_on": "2026-06-30",
    }
    cover = d.post(d.insurer, "/risk-covers", body, 201).json()
    rule = _rule(d, "premium-half", kind="premium", rate_bp=5000, per_firm_annual_cap="100000")
    unpaid = d.post(d.firm, "/risk-subsidies", {"rule_id": rule, "loan_id": lid, "year": 2025})
    assert unpaid.status_code == 422  # nothing paid yet: nothing to subsidise
    d.post_key(d.insurer, f"/risk-covers/{cover['id']}/premium", {}, 200)
    app_ = d.post(d.firm, "/risk-subsidies", {"rule_id": rule, "loan_id": lid, "year": 2025}, 201).json()
    assert (app_["basis"], app_["amount"]) == ("9000.00", "4500.00")
    assert_ledger_ok(session_factory, loans=1)


def test_read_faces_list_enrolments_and_subsidies_within_scope(session_factory, risk_desk: RiskDesk) -> None:
    """``queries.enrolled_loans`` and ``queries.subsidy_applications`` (the console's fund lists) follow the access
    rules: the fund and the bank see theirs, another bank nothing, the platform everything."""
    from ippledge.access import queries as access_queries
    from ippledge.risk_sharing import queries

    d = risk_desk
    d.scheme_with_pool("1000000")
    lid, _ = _loan_with_interest_paid(d)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    rule = _rule(d, "bj-interest")
    d.post(d.firm, "/risk-subsidies", {"rule_id": rule, "loan_id": lid, "year": 2025}, 201)
    with session_factory() as s:
        who = {}
        for name, actor in (
            ("fund", d.both),
            ("bank", d.bank.officer),
            ("bank2", d.bank2.officer),
            ("platform", d.operator),
        ):
            p = access_queries.principal_of(s, actor.user.username)
            assert p is not None
            who[name] = p
        for name, n in (("fund", 1), ("bank", 1), ("bank2", 0), ("platform", 1)):
            loans = queries.enrolled_loans(s, who[name])
            subs = queries.subsidy_applications(s, who[name], "test-city")
            assert len(loans) == n and len(subs) == n, name
        loan = queries.enrolled_loans(s, who["fund"], "test-city")[0]
        assert loan.loan_id == lid and loan.status == "active" and loan.outstanding_principal < Decimal("600000")
        assert queries.subsidy_applications(s, who["fund"])[0].amount == Decimal("700.00")
        assert queries.enrolled_loans(s, who["fund"], "another-scheme") == []
