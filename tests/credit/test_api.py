"""Credit decisions through the API: products, rule failures, rate cap, maker-checker, approval to pledge filing."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func, select

from ippledge.credit import queries, service
from ippledge.credit.model import RepaymentMethod
from ippledge.credit.tables import CreditDecision
from ippledge.outbox.events import OutboxEvent
from ippledge.registry.model import Subtype
from ippledge.valuation import queries as valuation_queries
from tests.intake.factories import Desk


def test_lpr_seeded_and_operator_adds_fixings(world, app) -> None:
    d = Desk(world, app)
    rows = d.get(d.firm, "/lpr?tenor=1y").json()
    assert {"effective_date": "2025-05-20", "tenor": "1y", "rate_bp": 300, "verified": True} in rows
    body = {"effective_date": "2030-01-20", "tenor": "1y", "rate_bp": 280}
    assert d.post(d.bank.approver, "/lpr", body).status_code == 403
    d.post(d.operator, "/lpr", body, 201)
    assert d.post(d.operator, "/lpr", body).json()["code"] == "credit.lpr_exists"
    assert d.post(d.operator, "/lpr", {**body, "tenor": "3y"}).json()["code"] == "credit.lpr_invalid"


def test_end_to_end_application_to_pledge_filing(world, app, session_factory) -> None:
    d = Desk(world, app)
    inv, um = d.patent(), d.patent(Subtype.UTILITY_MODEL)
    version = d.product()
    a = d.apply([inv, um], consents=[d.bank.id, d.valuer.party.id])
    d.valuation(a["id"], [inv, um], ["6000000", "2000000"], valuer=d.valuer)
    # max = 6m x 25% + 2m x 15% = 1.8m; LPR 3.00% + 50bp = 3.50% <= cap 4.20%
    r = d.propose(a["id"], version, amount="1800000")
    assert r.status_code == 201, r.text
    dec = r.json()
    assert dec["failures"] == [] and dec["status"] == "pending" and dec["max_supported"] == "1800000.00"
    assert (dec["lpr_date"], dec["lpr_bp"], dec["rate_bp"], dec["rate_cap_bp"]) == ("2025-05-20", 300, 350, 420)
    assert {v["ip_asset_id"]: v["value"] for v in dec["valuations"]} == {inv.id: "6000000.00", um.id: "2000000.00"}
    assert all(c["ok"] for c in dec["checks"]) and len(dec["checks"]) >= 12
    # maker-checker: the proposer cannot approve; an approver of another bank gets 404
    assert d.post(d.bank2.approver, f"/credit-decisions/{dec['id']}/approve", {}).status_code == 404
    assert d.post(d.bank.officer, f"/credit-decisions/{dec['id']}/approve", {}).status_code == 403
    ok = d.post(d.bank.approver, f"/credit-decisions/{dec['id']}/approve", {"reason": "同意"}, 200).json()
    assert ok["status"] == "approved"
    terms = d.get(d.bank.officer, f"/credit-decisions/{dec['id']}/terms").json()
    assert terms["annual_rate"] == "0.0350" and terms["penalty_annual_rate"] == "0.052500"
    assert (
        sorted(terms["pledged_asset_ids"]) == sorted([inv.id, um.id])
        and terms["repayment_method"] == "equal_installment"
    )
    with session_factory() as s:
        t = service.approved_terms(s, dec["id"])
        assert t.borrower_id == d.firm.party.id and t.repayment_method is RepaymentMethod.EQUAL_INSTALLMENT
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "credit.approved")).one()
        assert json.loads(event.payload)["amount"] == "1800000.00"
        facts = queries.decision_facts(s, dec["id"])  # the read face lending and risk sharing cite
        assert facts is not None and (facts.status, facts.amount, facts.lpr_bp) == ("approved", Decimal("1800000"), 300)
        used = {v.ip_asset_id: v for v in facts.valuations}
        assert used[inv.id].value == Decimal("6000000") and used[inv.id].ltv_bp == 2500
        reports = valuation_queries.reports(s, [v.report_id for v in facts.valuations if v.report_id])
        assert {r.valuer_id for r in reports.values()} == {d.valuer.party.id}
        assert not any(r.internal for r in reports.values())
    tl = d.timeline(d.firm, a["id"])
    assert tl["application"]["status"] == "approved"
    reg = [x for x in tl["tasks"] if x["kind"] == "pledge_registration"]
    assert len(reg) == 1 and reg[0]["assignee_id"] == d.bank.id and reg[0]["limit_days"] == 3
    # the bank's officer drafts the joint filing with the approved terms; both sides confirm through the pledge API
    f = d.post(d.bank.officer, f"/tasks/{reg[0]['id']}/pledge-filing", {"registry_id": d.registry.party.id}, 201).json()
    assert sorted(f["ip_asset_ids"]) == sorted([inv.id, um.id])
    filing = d.get(d.firm, f"/pledge-filings/{f['filing_id']}").json()
    assert filing["debt_amount"] == "1800000.00" and filing["pledgee_id"] == d.bank.id
    assert filing["debt_start"] == "2025-06-03" and filing["debt_end"] == "2026-06-03"
    d.post(d.firm, f"/pledge-filings/{f['filing_id']}/confirm", None, 200)
    d.post(d.bank.officer, f"/pledge-filings/{f['filing_id']}/confirm", None, 200)
    done = next(x for x in d.timeline(d.firm, a["id"])["tasks"] if x["kind"] == "pledge_registration")
    assert done["status"] == "done" and done["result_ref"] == f"pledge_filing:{f['filing_id']}"


def test_rule_failures_are_all_recorded_and_block_approval(world, app) -> None:
    d = Desk(world, app)
    inv = d.patent()
    version = d.product(underwriting="insurer", repayment_methods=["equal_installment"])
    a = d.apply([inv])
    r = d.propose(a["id"], version, amount="1000000", spread_bp=200, term_months=48, repayment_method="bullet")
    dec = r.json()
    assert set(dec["failures"]) == {
        "credit.rate_above_cap",
        "credit.term_too_long",
        "credit.method_not_allowed",
        "credit.underwriting_missing",
        "credit.valuation_missing",
        "credit.amount_above_collateral",
    }
    assert dec["status"] == "failed" and dec["approval_id"] is None
    r = d.post(d.bank.approver, f"/credit-decisions/{dec['id']}/approve", {})
    assert r.status_code == 409 and r.json()["code"] == "credit.decision_not_pending"


def test_underwriting_and_credit_plus_ip_threshold(world, app) -> None:
    d = Desk(world, app)
    inv = d.patent()
    version = d.product(kind="credit_plus_ip", underwriting="insurer")
    a = d.apply([inv], consents=[d.bank.id, d.insurer.party.id])
    t = d.post(d.bank.officer, f"/applications/{a['id']}/underwriting", {"party_id": d.insurer.party.id}, 201).json()
    d.post(d.insurer, f"/tasks/{t['id']}/accept", None, 200)
    d.post(d.insurer, f"/tasks/{t['id']}/complete", {"reason": "承保"}, 200)
    # 2m is under the 3m threshold: no pledge, no valuation needed
    dec = d.propose(a["id"], version, amount="2000000").json()
    assert dec["failures"] == [] and not dec["ip_required"] and dec["pledged_asset_ids"] == []
    d.post(d.bank.approver, f"/credit-decisions/{dec['id']}/approve", {}, 200)
    assert "pledge_registration" not in {x["kind"] for x in d.timeline(d.firm, a["id"])["tasks"]}


def test_self_approval_refused_and_bad_input_writes_nothing(world, app) -> None:
    d = Desk(world, app)
    inv = d.patent()
    version = d.product()
    a = d.apply([inv])
    d.valuation(a["id"], [inv], ["8000000"])
    for change, status, code in [
        ({"amount": "-1"}, 422, "money.not_positive"),
        ({"amount": "100", "currency": "USD"}, 422, "money.currency"),
        ({"repayment_method": "whenever"}, 422, "credit.method_unknown"),
        ({"product_version_id": 99999}, 404, "not_found"),
    ]:
        r = d.propose(a["id"], version, **change)
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
    # another bank's officer cannot act on this application, nor use this bank's product
    r = d.post(
        d.bank2.officer,
        "/credit-decisions",
        {
            "application_id": a["id"],
            "product_version_id": version,
            "amount": "1000",
            "term_months": 12,
            "repayment_method": "bullet",
            "spread_bp": 0,
        },
    )
    assert r.status_code == 404
    with world.factory() as s:
        assert s.scalar(select(func.count()).select_from(CreditDecision)) == 0
    # a user holding both roles proposes, then tries to approve: refused; a colleague approves
    body = {
        "application_id": a["id"],
        "product_version_id": version,
        "amount": "1000000",
        "term_months": 12,
        "repayment_method": "equal_installment",
        "spread_bp": 50,
    }
    dec = d.post(d.bank.approver2, "/credit-decisions", body, 201).json()
    r = d.post(d.bank.approver2, f"/credit-decisions/{dec['id']}/approve", {})
    assert r.status_code == 403 and r.json()["code"] == "access.self_approval"
    assert d.get(d.bank.officer, f"/credit-decisions/{dec['id']}").json()["status"] == "pending"
    assert d.post(d.bank.officer, "/credit-decisions", body).json()["code"] == "credit.decision_pending"
    d.post(d.bank.approver, f"/credit-decisions/{dec['id']}/reject", {"reason": "补充材料"}, 200)
    assert (
        d.get(d.bank.officer, f"/credit-decisions/{dec['id']}/terms", expect=409).json()["code"]
        == "credit.not_approved"
    )


def test_product_versions_close_the_previous_one(world, app) -> None:
    d = Desk(world, app)
    first = d.product()
    pid = d.get(d.bank.approver, "/credit-products").json()[0]["id"]
    body = {"effective_from": "2025-07-01", "min_amount": "100000", "max_amount": "5000000", "rate_cap_lpr_plus_bp": 80}
    d.post(d.bank.approver, f"/credit-products/{pid}/versions", body, 201)
    vs = d.get(d.bank.approver, f"/credit-products/{pid}/versions").json()
    assert [(v["id"] == first, v["effective_to"]) for v in vs] == [(True, "2025-06-30"), (False, None)]
    bad = {**body, "effective_from": "2025-08-01", "penalty_uplift_bp": 9000}
    assert d.post(d.bank.approver, f"/credit-products/{pid}/versions", bad).json()["code"] == "credit.product_invalid"
    d.get(d.bank2.approver, f"/credit-products/{pid}/versions", expect=404)
