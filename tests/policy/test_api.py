"""Policy matches through the API: a firm's planned loan and a contracted loan, against a stored scheme and the two
Beijing interest-subsidy versions (the one in force at settlement decides); who may ask."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ippledge.risk_sharing.subsidies.model import BEIJING_INTEREST_2021, BEIJING_INTEREST_2024
from tests.risk_sharing.factories import RiskDesk


@pytest.fixture
def desk(world: Any, app: Any, session_factory: sessionmaker[Session]) -> RiskDesk:
    d = RiskDesk(world, app, session_factory)  # the firm: revenue 50m, founded 2015; business date 2025-06-03
    d.scheme_with_pool("1000000")  # test-city: fund 50%, insurer 30%, bank 20%; loan <= 5m; rate <= LPR x 1.4
    for rule in (BEIJING_INTEREST_2021, BEIJING_INTEREST_2024):
        d.post(d.operator, "/risk-subsidy-rules", {"scheme_code": "test-city", "rule": rule}, 201)
    return d


def _by_code(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["code"]: m for m in report["matches"]}


def test_a_planned_loan_is_matched_with_the_rules_and_savings(desk: RiskDesk) -> None:
    d = desk
    plan = {"amount": "1000000", "term_months": 12, "annual_rate": "0.04", "start_on": "2025-06-03"}
    r = d.post(d.firm, "/policy-matches", plan, 200).json()
    m = _by_code(r)
    # test-city: 4.00% <= 3.00% x 1.4; 1m <= 5m; revenue 50m <= 200m; fund 50% + insurer 30% of a full loss = 800,000
    assert m["test-city"]["qualifies"] and m["test-city"]["saving"] == "800000.00"
    assert m["test-city"]["rules_checked"][:2] == ["effective_from", "max_firm_revenue"]
    # Beijing interest: the 2024 version is in force on 2025-06-03. 1,000,000 x 4% / 12 = 3,333.33 a month, due
    # 2025-07-03 .. 2026-06-03: 6 in 2025 = 19,999.98 -> 50% = 9,999.99; 6 in 2026 -> 9,999.99. Total 19,999.98.
    bj = m["beijing-interest"]
    assert bj["version"] == "2024" and bj["qualifies"] and bj["saving"] == "19999.98"
    assert r["subsidy_saving"] == "19999.98" and r["facts"]["lpr_1y"] == "0.03"
    # 4.50% is over the scheme's 4.20% cap: the scheme fails on its rate rule; Beijing 2024 counts it at 4.20%
    r2 = _by_code(d.post(d.firm, "/policy-matches", {**plan, "annual_rate": "0.045"}, 200).json())
    assert [x["code"] for x in r2["test-city"]["reasons"]] == ["risk.eligibility.rate_cap"]
    assert r2["test-city"]["saving"] is None
    assert r2["beijing-interest"]["workings"]["by_year"]["2025"]["counted_at_rate"] == "0.042"
    # a bank cannot plan for a firm; bad plans are refused whole
    r3 = d.post(d.bank.officer, "/policy-matches", plan, 403)
    assert r3.json()["code"] == "policy.firm_only"
    bad = {**plan, "ip_types": ["recipe"], "method": "whenever", "start_on": "9999-12-01"}
    r4 = d.post(d.firm, "/policy-matches", bad, 422).json()
    assert r4["code"] == "policy.plan_invalid"
    assert all(w in r4["message_en"] for w in ("recipe", "method", "start_on"))


def test_a_contracted_loan_is_matched_for_those_who_see_it(desk: RiskDesk) -> None:
    d = desk
    lid = d.active_loan(amount="1200000", months=6)
    for who in (d.firm, d.bank.officer):
        r = d.get(who, f"/loans/{lid}/policy-matches").json()
        assert r["loan_id"] == lid and r["firm_id"] == d.firm.party.id
        m = _by_code(r)
        assert {"test-city", "beijing-interest", "shenzhen"} <= set(m)  # the stored scheme and the seeded presets
        # Shenzhen needs the borrower's bank debt: no attestation and no consent -- missing, never guessed
        assert [x["code"] for x in m["shenzhen"]["reasons"]] == ["risk.eligibility.missing"]
    assert d.get(d.bank2.officer, f"/loans/{lid}/policy-matches", expect=404).json()["code"]
    fees = d.get(d.firm, f"/loans/{lid}/policy-matches?annual_premium=1000.50").json()
    assert Decimal(fees["subsidy_saving"]) >= Decimal(0)
