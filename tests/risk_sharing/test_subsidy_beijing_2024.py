"""Beijing 2024 interest subsidy (贴息) as data: a rate above LPR x 1.4 counts at the cap, only the IP-pledged share
of a combination loan counts, and a pledge registered after the loan was settled gets nothing, with its reason. The
2021 rule keeps its meaning on the same loan (above the cap: refused)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from ippledge.kernel.money import round_fen
from ippledge.lending.tables import LoanPledge
from ippledge.pledge.tables import Pledge
from ippledge.risk_sharing.subsidies.model import (
    BEIJING_INTEREST_2021,
    BEIJING_INTEREST_2024,
    LoanTerms,
    basis,
    rule_problems,
)
from tests.risk_sharing.factories import RiskDesk
from tests.risk_sharing.test_presets_api import Case, _loan

D = Decimal
SETTLED = dt.date(2025, 6, 3)


def _terms(**kw: object) -> LoanTerms:
    base: dict[str, object] = {
        "annual_rate": D("0.05"),
        "lpr_1y": D("0.03"),
        "ip_share_bp": 6000,
        "settled_on": SETTLED,
        "pledges_registered_on": (SETTLED,),
    }
    return LoanTerms(**{**base, **kw})  # type: ignore[arg-type]


def test_rate_above_the_cap_counts_at_the_cap_and_only_the_ip_share() -> None:
    b = basis(BEIJING_INTEREST_2024, D("1000.00"), _terms())
    assert b.reasons == []
    # 5% against a cap of 3% x 1.4 = 4.2%: 1000 x 4.2/5 = 840; the IP-pledged 60% of it: 504
    assert b.amount == D("504.00") and b.workings["counted_at_rate"] == "0.042"
    at_cap = basis(BEIJING_INTEREST_2024, D("1000.00"), _terms(annual_rate=D("0.042"), ip_share_bp=10_000))
    assert at_cap.amount == D("1000.00") and "counted_at_rate" not in at_cap.workings


def test_old_rules_keep_their_meaning() -> None:
    old = basis(BEIJING_INTEREST_2021, D("1000.00"), _terms(firm_revenue=D("1000000"), ip_share_bp=None))
    assert [r.code for r in old.reasons] == ["risk.subsidy.rate_cap"]  # refused, not counted at the cap
    ok = basis(BEIJING_INTEREST_2021, D("1000.00"), _terms(annual_rate=D("0.04"), firm_revenue=D("1"), ip_share_bp=1))
    assert ok.reasons == [] and ok.amount == D("1000.00")  # the IP share does not matter to the 2021 rule
    assert rule_problems(BEIJING_INTEREST_2021) == rule_problems(BEIJING_INTEREST_2024) == []


def test_pledge_registered_after_settlement_and_unknown_share_are_refused_with_reasons() -> None:
    late = basis(BEIJING_INTEREST_2024, D("1000.00"), _terms(pledges_registered_on=(SETTLED + dt.timedelta(days=1),)))
    assert [r.code for r in late.reasons] == ["risk.subsidy.pledge_late"]
    none = basis(BEIJING_INTEREST_2024, D("1000.00"), _terms(pledges_registered_on=(), ip_share_bp=None))
    assert [r.code for r in none.reasons] == ["risk.subsidy.ip_share_unknown", "risk.subsidy.pledge_late"]


def test_new_rule_fields_are_checked() -> None:
    bad = {**BEIJING_INTEREST_2024, "above_cap": "halve", "ip_share_only": "yes"}
    assert {p.code for p in rule_problems(bad)} == {"risk.subsidy.above_cap", "risk.subsidy.ip_share_only"}
    no_cap = {k: v for k, v in BEIJING_INTEREST_2024.items() if k != "rate_cap"}
    assert [p.code for p in rule_problems(no_cap)] == ["risk.subsidy.above_cap"]


def _rule(d: RiskDesk, body: dict[str, object]) -> int:
    rule = d.post(d.operator, "/risk-subsidy-rules", {"scheme_code": "test-city", "rule": body}, 201).json()
    return int(rule["id"])


def _first_interest_paid(d: RiskDesk, lid: int) -> Decimal:
    first = d.get(d.bank.officer, f"/loans/{lid}").json()["schedule"][0]
    d.clock.today = dt.date.fromisoformat(first["due_date"])
    d.deposit(first["interest"])
    d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": first["payment"]}, 201)
    return Decimal(first["interest"])


def test_beijing_2024_through_the_api(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("1000000")
    # 4.30% (LPR 3.00% + 130bp) above the 4.20% cap; a property mortgage covers a quarter of the 1.2m loan
    lid = _loan(d, "test-city", Case(spread_bp=130, other_security=D("300000")))
    paid = _first_interest_paid(d, lid)
    r2024 = _rule(d, BEIJING_INTEREST_2024)
    out = d.post(d.firm, "/risk-subsidies", {"rule_id": r2024, "loan_id": lid, "year": 2025}, 201).json()
    counted = round_fen(round_fen(paid * D("0.042") / D("0.043")) * 7500 / 10_000)
    assert D(out["basis"]) == paid and D(out["computed"]) == round_fen(counted * 5000 / 10_000) == D(out["amount"])
    # the 2021 rule on the same loan: above the cap, refused (revenue 50m is under its 200m cap)
    r2021 = _rule(d, {**BEIJING_INTEREST_2021, "code": "beijing-interest-old"})
    old = d.post(d.firm, "/risk-subsidies", {"rule_id": r2021, "loan_id": lid, "year": 2025})
    assert old.status_code == 422 and [x["code"] for x in old.json()["details"]["reasons"]] == ["risk.subsidy.rate_cap"]

    # a loan whose pledge took effect after the loan was settled (放款): nothing due, the reason named
    settled = d.clock.today
    late = _loan(d, "test-city", Case(spread_bp=100))
    assert d.get(d.bank.officer, f"/loans/{late}").json()["disbursed_on"] == str(settled)
    _first_interest_paid(d, late)
    with session_factory.begin() as s:
        pledge_ids = s.scalars(select(LoanPledge.pledge_id).where(LoanPledge.loan_id == late)).all()
        for p in s.scalars(select(Pledge).where(Pledge.id.in_(pledge_ids))):
            p.effective_on = settled + dt.timedelta(days=1)
    r = d.post(d.firm, "/risk-subsidies", {"rule_id": r2024, "loan_id": late, "year": 2025})
    assert r.status_code == 422 and r.json()["code"] == "risk.subsidy.refused"
    assert [x["code"] for x in r.json()["details"]["reasons"]] == ["risk.subsidy.pledge_late"]
    assert "settled" in r.json()["message_en"]
