"""The Zhongguancun model: the IP operations institution buys pooled insurance as policyholder and insured; a loan
first classified 次级 triggers the claim; fund, insurer, institution and bank share the loss, each by a ledger entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.access.model import PartyKind, Role
from ippledge.ledger.store import balance
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

SHARES = {"fund": 2000, "bank": 1000, "insurer": 6000, "ip_operator": 1000}


def test_pooled_insurance_claim_on_first_substandard(world, session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    ipo = world.actor(PartyKind.IP_OPERATOR, Role.OPERATOR)
    doc = {
        "tiers": [{"max_balance": None, "shares": SHARES}],
        "trigger": {"kind": "first_substandard", "value": 0},
        "claim_window_days": 30,
        "liability_limited_to_fund": True,
    }
    d.scheme_with_pool("5000000", code="zgc-test", **doc)
    body = {
        "kind": "pooled_insurance",
        "payer_id": ipo.party.id,
        "premium_rate_bp": 50,
        "scheme_code": "zgc-test",
        "insured_amount": "10000000",
        "start_on": "2025-01-01",
        "end_on": "2026-12-31",
    }
    wrong = d.post(d.insurer, "/risk-covers", {**body, "payer_id": d.firm.party.id})
    assert wrong.status_code == 422 and wrong.json()["code"] == "risk.cover.payer"
    cover = d.post(d.insurer, "/risk-covers", body, 201).json()
    assert cover["premium"] == "50000.00"
    k = "premium-zgc-0001"
    first = d.post_key(d.insurer, f"/risk-covers/{cover['id']}/premium", {}, 200, k=k).json()
    replay = d.post_key(d.insurer, f"/risk-covers/{cover['id']}/premium", {}, 200, k=k).json()
    assert first == replay
    with session_factory() as s:
        assert balance(s, f"P{ipo.party.id}:expense:premium") == Decimal("50000.00")
        assert balance(s, f"P{d.insurer.party.id}:income:premium") == Decimal("50000.00")
    assert_ledger_ok(session_factory)

    lid = d.active_loan(amount="1000000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "zgc-test"}, 201)
    d.clock.today = dt.date(2025, 9, 22)
    d.post(d.bank.approver2, f"/loans/{lid}/grade", {"grade": "substandard", "reason": "停产"}, 200)
    d.clock.today = dt.date(2025, 11, 3)
    late = d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "次级"})
    assert late.status_code == 409 and late.json()["code"] == "risk.claim.window_closed"
    d.clock.today = dt.date(2025, 9, 25)
    claim = d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "首次分类为次级"}, 201).json()
    assert claim["trigger"] == "first_substandard" and claim["triggered_on"] == "2025-09-22"
    d.post(d.reviewer, f"/risk-claims/{claim['id']}/review", {"note": "ok"}, 200)
    rejected = d.post_key(d.fund_approver, f"/risk-claims/{claim['id']}/decision", {"approve": False})
    assert rejected.status_code == 422  # a rejection needs a reason
    out = d.post_key(d.fund_approver, f"/risk-claims/{claim['id']}/decision", {"approve": True}, 200).json()
    shares = {k: Decimal(v["amount"]) for k, v in out["shares"].items()}
    loss = Decimal(out["loss"])
    assert loss == Decimal("1000000.00")
    assert shares["fund"] == loss * Decimal("0.2") and shares["insurer"] == loss * Decimal("0.6")
    assert shares["ip_operator"] == loss * Decimal("0.1")
    assert out["shares"]["ip_operator"]["party_id"] == ipo.party.id
    assert out["shares"]["insurer"]["party_id"] == d.insurer.party.id
    assert d.pool_balance("zgc-test") == Decimal("4800000.00")
    assert_ledger_ok(session_factory, loans=1)
    with session_factory() as s:
        assert balance(s, f"P{d.bank.id}:income:compensation") == loss * Decimal("0.9")
        assert balance(s, f"P{ipo.party.id}:loss:compensation") == loss * Decimal("0.1")
    # the loan is not written off: a recovery is refused until it is
    r = d.post_key(d.bank.officer, f"/risk-claims/{claim['id']}/recoveries", {"amount": "1000"})
    assert r.status_code == 409
    # the regulator sees the claim; the insurer does not
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    assert d.get(regulator, f"/risk-claims/{claim['id']}").json()["status"] == "paid"
    d.get(d.insurer, f"/risk-claims/{claim['id']}", expect=404)
