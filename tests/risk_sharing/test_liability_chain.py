"""The Zhongguancun model as a liability chain (中关村模式：职业责任保险), on both backends.

The seeded Haidian preset (version 2) makes the IP operations institution answer to the bank for the whole loss; the
institution is policyholder and insured of a professional liability policy; its insurer indemnifies it (never the
bank) within the deductible and limits; the pool co-funded by the district IP office and the institution pays the
premium subsidy. ``ledger check`` passes after every step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ippledge.access.model import PartyKind, Role
from ippledge.ledger.store import balance
from ippledge.lending.tables import Loan
from ippledge.outbox.events import OutboxEvent
from ippledge.risk_sharing import queries
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

HAIDIAN = "beijing-haidian-zhirongbao"
DAY = dt.date(2025, 10, 6)
D = Decimal


def _policy(d: RiskDesk, ipo: Any, **terms: Any) -> dict[str, Any]:
    body = {
        "scheme_code": HAIDIAN,
        "insured_id": ipo.party.id,
        "insured_amount": "3000000",
        "start_on": "2025-01-01",
        "end_on": "2026-12-31",
        **terms,
    }
    return dict(d.post(d.insurer, "/liability-policies", body, 201).json())


def _default(d: RiskDesk, amount: str) -> dict[str, Any]:
    """A Haidian-enrolled loan 100 days past due, claimed by the bank and paid by the fund's decision."""
    d.clock.today = dt.date(2025, 6, 2)
    lid = d.active_loan(amount=amount, months=12)
    enrolled = d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": HAIDIAN}, 201).json()
    assert enrolled["scheme_version"] == "2"
    d.clock.today = DAY
    with d.factory.begin() as s:  # arranged: the daily close would have counted 100 days past due by now
        loan = s.get(Loan, lid)
        assert loan is not None
        loan.dpd, loan.accrued_through = 100, DAY
    cid = d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "逾期超过90天"}, 201).json()["id"]
    d.post(d.reviewer, f"/risk-claims/{cid}/review", {"note": "材料齐全"}, 200)
    return dict(d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True}, 200).json())


def test_default_pays_the_bank_through_the_institution_and_the_insurer_indemnifies_it(
    world, session_factory, risk_desk: RiskDesk
) -> None:
    d = risk_desk
    ipo = world.actor(PartyKind.IP_OPERATOR, Role.OPERATOR)
    d.post(d.fund_approver, "/risk-pools", {"scheme_code": HAIDIAN}, 201)
    assert_ledger_ok(session_factory)

    # the district IP office's money, paid in by the pool's fund administrator
    pool = d.post_key(d.fund_approver, f"/risk-pools/{HAIDIAN}/co-contributions", {"amount": "2000000"}, 201).json()
    assert pool["co_funding"] == {"district_ip_office": "2000000.00"}
    assert_ledger_ok(session_factory)

    # the policy: the institution is policyholder and insured; a bank cannot be
    wrong = d.post(d.insurer, "/liability-policies", {**_base(ipo), "insured_id": d.bank.id})
    assert wrong.status_code == 422 and wrong.json()["code"] == "risk.liability.insured"
    bad = d.post(d.insurer, "/liability-policies", {**_base(ipo), "per_claim_limit": "0"})
    assert bad.status_code == 422 and bad.json()["code"] == "risk.liability.terms"
    policy = _policy(d, ipo, deductible="10000")
    assert policy["per_claim_limit"] == "5000000.00" and policy["aggregate_limit"] == "20000000.00"  # preset
    assert policy["premium"] == "30000.00" and "fraud" in policy["exclusions"]
    d.get(d.bank.officer, f"/liability-policies/{policy['id']}", expect=404)
    assert d.get(ipo, f"/liability-policies/{policy['id']}").json()["id"] == policy["id"]

    # the institution pays the premium; the pool pays half of it back (premium subsidy, cap 20,000)
    paid = d.post_key(ipo, f"/liability-policies/{policy['id']}/premium", {}, 200).json()
    assert paid["premium_paid"] == "30000.00" and paid["subsidy_paid"] == "15000.00"
    assert d.pool_balance(HAIDIAN) == D("1985000.00")
    assert_ledger_ok(session_factory)

    # the institution's own share of the pool, from its cash
    stranger = d.post_key(d.bank.officer, f"/risk-pools/{HAIDIAN}/co-contributions", {"amount": "1"})
    # a bank may not see the pool at all: the same answer as for a scheme without one (decision 0016)
    assert stranger.status_code == 404 and stranger.json()["code"] == "risk.pool.missing"
    overseer_user = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    overseer = d.post_key(overseer_user, f"/risk-pools/{HAIDIAN}/co-contributions", {"amount": "1"})
    assert overseer.status_code == 403 and overseer.json()["code"] == "risk.liability.contributor"
    co = d.post_key(ipo, f"/risk-pools/{HAIDIAN}/co-contributions", {"amount": "500000"}, 201).json()
    assert co["co_funding"] == {"district_ip_office": "2000000.00", "ip_operator": "500000.00"}
    assert co["balance"] == "2485000.00"
    assert_ledger_ok(session_factory)

    # a 1,000,000 default: the institution compensates the bank for the whole loss, principal and interest
    out = _default(d, "1000000")
    total = D(out["loss"]) + D(out["interest"])
    assert out["scheme_version"] == "2" and total > D("900000")
    assert out["shares"]["ip_operator"]["party_id"] == ipo.party.id
    assert D(out["shares"]["ip_operator"]["amount"]) == total
    assert D(out["shares"].get("bank", {"amount": "0"})["amount"]) == 0
    assert d.pool_balance(HAIDIAN) == D("2485000.00")  # the pool pays nothing to the bank
    assert_ledger_ok(session_factory, loans=1)
    with session_factory() as s:
        assert balance(s, f"P{d.bank.id}:income:compensation") == total
        assert balance(s, f"P{ipo.party.id}:loss:compensation") == total

    # the institution claims on its policy; the bank cannot
    body = {"risk_claim_id": out["id"], "statement": "审查评估过失，已向银行补偿"}
    refused = d.post(d.bank.officer, "/liability-claims", body)
    assert refused.status_code == 409 and refused.json()["code"] == "risk.liability.no_share"
    unknown = d.post(ipo, "/liability-claims", {**body, "cause": "meteor"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "risk.liability.cause"
    lc = d.post(ipo, "/liability-claims", body, 201).json()
    assert lc["loss"] == str(total) and lc["status"] == "filed" and lc["insurer_id"] == d.insurer.party.id
    assert d.post(ipo, "/liability-claims", body).json()["code"] == "risk.liability.claim_exists"
    assert_ledger_ok(session_factory, loans=1)

    # the insurer indemnifies the institution, less the deductible; nothing goes to the bank
    assert d.post_key(ipo, f"/liability-claims/{lc['id']}/settlement", {}).status_code == 404
    settled = d.post_key(d.insurer, f"/liability-claims/{lc['id']}/settlement", {}, 200).json()
    assert settled["status"] == "settled" and settled["indemnity"] == str(total - D("10000"))
    assert settled["limited_by"] == "deductible"
    again = d.post_key(d.insurer, f"/liability-claims/{lc['id']}/settlement", {})
    assert again.status_code == 409 and again.json()["code"] == "risk.liability.claim_state"
    assert_ledger_ok(session_factory, loans=1)
    with session_factory() as s:
        assert balance(s, f"P{ipo.party.id}:income:indemnity") == total - D("10000")
        assert balance(s, f"P{d.insurer.party.id}:loss:indemnity") == total - D("10000")
        assert balance(s, f"P{d.bank.id}:income:indemnity") == 0
        assert balance(s, f"P{d.bank.id}:income:compensation") == total  # unchanged by the indemnity
        heard = s.scalars(select(OutboxEvent.topic).where(OutboxEvent.party_id == ipo.party.id)).all()
        assert "risk.liability_claim_settled" in heard
    left = d.get(d.insurer, f"/liability-policies/{policy['id']}").json()["aggregate_left"]
    assert D(left) == D("20000000") - total + D("10000")

    # the bank appoints the institution its disposal agent (data the disposal capability reads)
    agent = d.post(d.bank.officer, f"/loans/{out['loan_id']}/disposal-agent", {"agent_id": ipo.party.id}, 201).json()
    assert agent["agent_id"] == ipo.party.id
    dup = d.post(d.bank.officer, f"/loans/{out['loan_id']}/disposal-agent", {"agent_id": ipo.party.id})
    assert dup.status_code == 409
    with session_factory() as s:
        assert queries.disposal_agent(s, out["loan_id"]) == ipo.party.id
    assert_ledger_ok(session_factory, loans=1)


def _base(ipo: Any) -> dict[str, Any]:
    return {
        "scheme_code": HAIDIAN,
        "insured_id": ipo.party.id,
        "insured_amount": "3000000",
        "start_on": "2025-01-01",
        "end_on": "2026-12-31",
    }


def test_indemnities_stay_within_the_per_claim_and_aggregate_limits(
    world, session_factory, risk_desk: RiskDesk
) -> None:
    d = risk_desk
    ipo = world.actor(PartyKind.IP_OPERATOR, Role.OPERATOR)
    d.post(d.fund_approver, "/risk-pools", {"scheme_code": HAIDIAN}, 201)
    d.post_key(d.fund_approver, f"/risk-pools/{HAIDIAN}/co-contributions", {"amount": "100000"}, 201)
    policy = _policy(d, ipo, per_claim_limit="400000", aggregate_limit="600000", subsidy_bp=0)
    assert_ledger_ok(session_factory)
    settled = []
    for amount in ("500000", "500000"):
        out = _default(d, amount)
        body = {"risk_claim_id": out["id"], "statement": "已向银行补偿"}
        lc = d.post(ipo, "/liability-claims", body, 201).json()
        settled.append(d.post_key(d.insurer, f"/liability-claims/{lc['id']}/settlement", {}, 200).json())
        assert_ledger_ok(session_factory)
    assert settled[0]["indemnity"] == "400000.00" and settled[0]["limited_by"] == "per_claim_limit"
    assert settled[1]["indemnity"] == "200000.00" and "aggregate_limit" in settled[1]["limited_by"]
    final = d.get(ipo, f"/liability-policies/{policy['id']}").json()
    assert final["indemnified"] == "600000.00" and final["aggregate_left"] == "0.00"
    # an excluded cause (fraud) is declined: nothing is paid, nothing posted
    out = _default(d, "300000")
    body = {"risk_claim_id": out["id"], "statement": "与借款人串通", "cause": "fraud"}
    lc = d.post(ipo, "/liability-claims", body, 201).json()
    declined = d.post_key(d.insurer, f"/liability-claims/{lc['id']}/settlement", {}, 200).json()
    assert declined["status"] == "declined" and declined["indemnity"] == "0.00" and declined["limited_by"] == "excluded"
    assert_ledger_ok(session_factory)
    with session_factory() as s:
        assert balance(s, f"P{ipo.party.id}:income:indemnity") == D("600000.00")
