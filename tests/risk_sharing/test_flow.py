"""Risk sharing end to end through the API: a loan enrolled, defaulted and written off; the bank claims; the fund
reviews (maker-checker) and pays within its balance; a recovery is shared back; ``ledger check`` after every step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.delivery.service import run_pass
from ippledge.ledger import service as ledger
from ippledge.ledger.check import check_ledger
from ippledge.ledger.model import EntryDraft, Posting
from ippledge.ledger.store import balance
from tests.delivery.factories import T0, Receiver
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk, scheme_doc


def test_claim_paid_within_the_pool_and_recovery_shared_back(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("200000", liability_limited_to_fund=True)  # as Haikou; not limited: test_fund_debt
    assert d.pool_balance() == Decimal("200000.00")
    assert_ledger_ok(session_factory)
    lid = d.active_loan(amount="600000", months=6)
    enrolled = d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201).json()
    assert enrolled["facts"]["lpr_1y"] == "0.03" and enrolled["facts"]["ip_types"] == ["invention"]
    again = d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"})
    assert again.status_code == 409
    # per-loan guarantee insurance, premium paid by the borrower from its settlement account
    body = d.loan_insurance(lid)
    stranger = d.post(d.insurer, "/risk-covers", {**body, "payer_id": d.bank2.id})
    assert stranger.status_code == 404  # an insurer cannot probe a loan it has no party to
    cover = d.post(d.insurer, "/risk-covers", body, 201).json()
    assert cover["premium"] == "6000.00"
    paid = d.post_key(d.insurer, f"/risk-covers/{cover['id']}/premium", {}, 200).json()
    assert paid["paid"] == "6000.00"
    assert_ledger_ok(session_factory, loans=1)

    # not yet written off: no claim
    early = d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "逾期"})
    assert early.status_code == 409 and early.json()["code"] == "risk.claim.not_triggered"
    d.clock.today = dt.date(2025, 9, 22)
    done = d.write_off(lid)
    loss = Decimal(done["principal"])
    assert loss == Decimal("600000.00")
    assert_ledger_ok(session_factory, loans=1)

    ev = {"loan_id": lid, "statement": "核销后申请补偿", "documents": ["doc:writeoff-approval", "doc:court-ruling"]}
    claim = d.post(d.bank.officer, "/risk-claims", ev, 201).json()
    assert claim["status"] == "filed" and claim["triggered_on"] == "2025-09-22" and claim["review_due"] > "2025-10-01"
    cid = claim["id"]
    assert d.post(d.bank2.officer, "/risk-claims", ev).status_code == 404  # another bank cannot see the loan
    assert d.get(d.bank2.officer, f"/risk-claims/{cid}", expect=404)
    assert d.post(d.bank.officer, f"/risk-claims/{cid}/review", {"note": "x"}).status_code == 404

    d.clock.today = dt.date(2025, 11, 28)  # past the 20-working-day review limit
    assert [c["id"] for c in d.get(d.fund_approver, "/risk-claims?overdue=true").json()] == [cid]
    d.clock.today = dt.date(2025, 9, 23)
    assert d.get(d.fund_approver, "/risk-claims?overdue=true").json() == []
    d.post(d.both, f"/risk-claims/{cid}/review", {"note": "材料齐全"}, 200)
    own = d.post_key(d.both, f"/risk-claims/{cid}/decision", {"approve": True})
    assert own.status_code == 403 and own.json()["code"] == "access.self_approval"
    out = d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True, "reason": "同意"}, 200).json()
    shares = {k: Decimal(v["amount"]) for k, v in out["shares"].items()}
    # fund 50% = 300,000 but the pool holds 200,000 and liability is limited to it: the fund pays its balance, the
    # rest falls to the bank
    assert shares["fund"] == Decimal("200000.00") and out["shares"]["fund"]["capped_by"] == ["fund_balance"]
    assert shares["insurer"] == Decimal("180000.00")
    assert sum(shares.values()) == Decimal(out["loss"]) + Decimal(out["interest"])
    assert shares["bank"] == loss + Decimal(out["interest"]) - Decimal("380000.00")
    assert d.pool_balance() == Decimal("0.00")
    assert_ledger_ok(session_factory, loans=1)
    with session_factory() as s:
        assert balance(s, f"P{d.bank.id}:income:compensation") == Decimal("380000.00")
        assert balance(s, f"P{d.insurer.party.id}:loss:compensation") == Decimal("180000.00")
    # the claim cannot be paid twice
    assert d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True}).status_code == 409

    # disposal recovers 100,000: shared back in the proportions actually borne
    rec = d.post_key(d.bank.officer, f"/risk-claims/{cid}/recoveries", {"amount": "100000"}, 201).json()
    back = {k: Decimal(v["clawed_back"]) for k, v in rec["shares"].items()}
    total = sum(shares.values())
    assert abs(back["fund"] - Decimal("100000") * shares["fund"] / total) <= Decimal("0.01")
    assert abs(back["insurer"] - Decimal("100000") * shares["insurer"] / total) <= Decimal("0.01")
    assert d.pool_balance() == back["fund"]
    assert_ledger_ok(session_factory, loans=1)
    rec2 = d.post_key(d.bank.officer, f"/risk-claims/{cid}/recoveries", {"amount": "50000"}, 201).json()
    back2 = {k: Decimal(v["clawed_back"]) for k, v in rec2["shares"].items()}
    assert rec2["recovered"] == "150000.00"
    assert abs(back2["fund"] - Decimal("150000") * shares["fund"] / total) <= Decimal("0.01")
    assert d.pool_balance() == back2["fund"] >= 0
    assert_ledger_ok(session_factory, loans=1)
    # a recovery recorded on the loan directly is shared back by the clawback call (a retry posts nothing more)
    d.post_key(d.bank.officer, f"/loans/{lid}/recoveries", {"amount": "30000"}, 201)
    k = "clawback-0000001"
    rec3 = d.post_key(d.bank.officer, f"/risk-claims/{cid}/clawback", {}, 200, k=k).json()
    assert rec3["recovered"] == "180000.00"
    assert d.post_key(d.bank.officer, f"/risk-claims/{cid}/clawback", {}, 200, k=k).json() == rec3
    assert d.post_key(d.bank.officer, f"/risk-claims/{cid}/clawback", {}, 200).json()["recovered"] == "180000.00"
    back3 = {k: Decimal(v["clawed_back"]) for k, v in rec3["shares"].items()}
    assert abs(back3["fund"] - Decimal("180000") * shares["fund"] / total) <= Decimal("0.01")
    paid_by_others = total - shares["bank"]
    assert abs(back3["fund"] + back3["insurer"] - Decimal("180000") * paid_by_others / total) <= Decimal("0.01")
    assert_ledger_ok(session_factory, loans=1)
    with session_factory() as s:
        report = check_ledger(s)
        pool = f"P{d.fund.id}:fund:test-city:pool"
        assert report.ok and report.expectations_checked >= 2
        # money moved into the pool outside the service is caught by the risk-sharing expectation
        stray = EntryDraft(
            d.clock.today, "manual", (Posting(pool, Decimal("1.00")), Posting(f"P{d.fund.id}:cash", Decimal("-1.00")))
        )
        ledger.post(s, "test", stray)
        bad = check_ledger(s)
        assert [m.account for m in bad.mismatches if m.source == "risk_sharing"] == [pool]
        s.rollback()
    listed = d.get(d.fund_approver, "/risk-claims").json()
    assert [c["id"] for c in listed] == [cid] and d.get(d.bank2.officer, "/risk-claims").json() == []

    # every party concerned hears of it through the outbox (pull feed after the relay's pass), nobody else
    run_pass(session_factory, T0, Receiver().client())

    def topics(who: object) -> set[str]:
        got = d.get(who, "/events?limit=1000").json()["events"]
        return {e["topic"] for e in got if e["topic"].startswith("risk.")}

    claim_topics = {"risk.claim_filed", "risk.claim_decided", "risk.clawback"}
    assert topics(d.bank.officer) == topics(d.fund_approver) == {"risk.enrolled", *claim_topics}
    assert topics(d.insurer) == {"risk.claim_decided", "risk.clawback"}  # a payer, from the decision on
    assert topics(d.firm) == {"risk.enrolled"} and topics(d.bank2.officer) == set()


def test_annual_and_per_institution_caps_hold(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.scheme_with_pool("1000000", per_institution_cap="100000", annual_budget_cap="150000")
    lid = d.active_loan(amount="600000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    d.clock.today = dt.date(2025, 9, 22)
    d.write_off(lid)
    cid = d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "核销"}, 201).json()["id"]
    d.post(d.reviewer, f"/risk-claims/{cid}/review", {"note": ""}, 200)
    out = d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True}, 200).json()
    assert Decimal(out["shares"]["fund"]["amount"]) == Decimal("100000.00")
    assert "per_institution" in out["shares"]["fund"]["capped_by"]
    # no insurer cover: its share falls to the bank
    assert out["shares"]["insurer"]["amount"] == "0.00" and out["shares"]["insurer"]["capped_by"] == ["no_party"]
    assert d.pool_balance() == Decimal("900000.00")
    assert_ledger_ok(session_factory, loans=1)


def test_enrolment_refusal_lists_every_reason_and_writes_nothing(risk_desk: RiskDesk) -> None:
    d = risk_desk
    elig = {
        "max_firm_revenue": "1000000",
        "rate_cap": {"kind": "lpr_multiple", "value": "1.1"},
        "max_loan": "100000",
        "max_term_months": 3,
        "ip_types": ["mark"],
    }
    d.scheme_with_pool("1000", eligibility=elig)
    lid = d.active_loan(amount="600000", months=6)
    r = d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"})
    assert r.status_code == 422 and r.json()["code"] == "risk.enrol.ineligible"
    codes = {x["code"] for x in r.json()["details"]["reasons"]}
    assert codes == {f"risk.eligibility.{c}" for c in ("loan_cap", "term_cap", "rate_cap", "revenue_cap", "ip_type")}
    assert all(x["message_zh"] and x["message_en"] for x in r.json()["details"]["reasons"])
    claim = d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "x"})
    assert claim.status_code == 409 and claim.json()["code"] == "risk.claim.not_enrolled"


def test_schemes_are_versioned_data(risk_desk: RiskDesk) -> None:
    d = risk_desk
    codes = {s["code"] for s in d.get(d.bank.officer, "/risk-schemes").json()}
    assert {"zhongshan", "beijing-etown", "beijing-haidian-zhirongbao"} <= codes  # seeded presets
    old = d.get(d.bank.officer, "/risk-schemes/beijing-etown?as_of=2024-06-01").json()
    new = d.get(d.bank.officer, "/risk-schemes/beijing-etown?as_of=2025-06-01").json()
    assert (old["version"], old["effective_to"], new["version"]) == ("2020", "2025-01-01", "2025")
    bad = scheme_doc(tiers=[{"max_balance": None, "shares": {"fund": 6000, "bank": 3000}}], trigger={"kind": "x"})
    r = d.post(d.operator, "/risk-schemes", bad)
    assert r.status_code == 422 and len(r.json()["details"]["problems"]) >= 2
    assert d.post(d.bank.officer, "/risk-schemes", scheme_doc()).status_code == 403
    d.post(d.operator, "/risk-schemes", scheme_doc(), 201)
    d.post(d.operator, "/risk-schemes", scheme_doc(version="2", effective_from="2026-01-01"), 201)
    assert d.get(d.bank.officer, "/risk-schemes/test-city?as_of=2025-12-31").json()["version"] == "1"
    assert d.get(d.bank.officer, "/risk-schemes/test-city").json()["version"] == "2"
    assert d.get(d.bank.officer, "/risk-schemes/nope", expect=404).json()["code"] == "risk.scheme.unknown"
