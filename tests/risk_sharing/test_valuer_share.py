"""The valuer's share (Zhongshan: fund : bank : insurer : valuer = 54 : 26 : 16 : 4) is paid by the valuation firm
whose report backed the loan, through the ledger, and recoveries are shared back to it; a loan the bank valued
itself has no external valuer, and the 4% stays with the bank (``no_party``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.kernel.money import round_fen
from ippledge.ledger.store import balance
from ippledge.lending.tables import Loan
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

DAY = dt.date(2025, 10, 6)


def _zhongshan_claim(d: RiskDesk, internal: bool = False) -> tuple[int, dict]:
    """A Zhongshan-enrolled loan 100 days past due, claimed and paid; returns (loan, decided claim)."""
    lid = d.active_loan(amount="600000", months=6, internal=internal)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "zhongshan"}, 201)
    cover = d.post(d.insurer, "/risk-covers", d.loan_insurance(lid), 201).json()
    d.post_key(d.insurer, f"/risk-covers/{cover['id']}/premium", {}, 200)
    d.clock.today = DAY
    with d.factory.begin() as s:  # arranged: the daily close would have counted 100 days past due by now
        loan = s.get(Loan, lid)
        assert loan is not None
        loan.dpd, loan.accrued_through = 100, DAY
    cid = d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "逾期超过90天"}, 201).json()["id"]
    d.post(d.reviewer, f"/risk-claims/{cid}/review", {"note": "材料齐全"}, 200)
    return lid, d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True}, 200).json()


def test_valuation_firm_pays_its_share_and_gets_its_clawback(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.post(d.fund_approver, "/risk-pools", {"scheme_code": "zhongshan"}, 201)
    d.post_key(d.fund_approver, "/risk-pools/zhongshan/contributions", {"amount": "5000000"}, 201)
    lid, out = _zhongshan_claim(d)
    assert out["status"] == "paid" and out["trigger"] == "days_past_due"
    total = Decimal(out["loss"]) + Decimal(out["interest"])
    loss = Decimal(out["loss"])
    valuer = out["shares"]["valuer"]
    assert valuer["party_id"] == d.valuer.party.id and valuer["capped_by"] == []
    assert abs(Decimal(valuer["amount"]) - round_fen(loss * Decimal("0.04"))) <= Decimal("0.01")
    assert abs(Decimal(out["shares"]["fund"]["amount"]) - round_fen(loss * Decimal("0.54"))) <= Decimal("0.01")
    assert out["shares"]["insurer"]["party_id"] == d.insurer.party.id
    assert sum(Decimal(s["amount"]) for s in out["shares"].values()) == total
    assert_ledger_ok(session_factory, loans=1)
    with session_factory() as s:  # the valuer's payout is a ledger entry of its own
        assert balance(s, f"P{d.valuer.party.id}:loss:compensation") == Decimal(valuer["amount"])
        paid_to_bank = balance(s, f"P{d.bank.id}:income:compensation")
    assert paid_to_bank == total - Decimal(out["shares"]["bank"]["amount"])

    d.post(d.bank.approver2, f"/loans/{lid}/grade", {"grade": "substandard", "reason": "逾期"}, 200)
    wo = d.post(d.bank.approver2, f"/loans/{lid}/write-off", {"reason": "处置无果"}, 201).json()
    d.post(d.bank.approver, f"/loan-write-offs/{wo['id']}/decision", {"approve": True, "reason": "同意"}, 200)
    rec = d.post_key(d.bank.officer, f"/risk-claims/{out['id']}/recoveries", {"amount": "100000"}, 201).json()
    back = Decimal(rec["shares"]["valuer"]["clawed_back"])
    assert back > 0 and abs(back - Decimal(100000) * Decimal(valuer["amount"]) / total) <= Decimal("0.01")
    others = total - Decimal(out["shares"]["bank"]["amount"])  # the bank keeps its own part of the recovery
    shared_back = sum(Decimal(v["clawed_back"]) for p, v in rec["shares"].items() if p != "bank")
    assert abs(shared_back - Decimal(100000) * others / total) <= Decimal("0.02")
    with session_factory() as s:
        assert balance(s, f"P{d.valuer.party.id}:income:clawback") == back
    assert_ledger_ok(session_factory, loans=1)


def test_internally_valued_loan_leaves_the_valuer_share_with_the_bank(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    d.post(d.fund_approver, "/risk-pools", {"scheme_code": "zhongshan"}, 201)
    d.post_key(d.fund_approver, "/risk-pools/zhongshan/contributions", {"amount": "5000000"}, 201)
    _, out = _zhongshan_claim(d, internal=True)
    valuer = out["shares"]["valuer"]
    assert valuer["party_id"] is None and valuer["amount"] == "0.00" and valuer["capped_by"] == ["no_party"]
    assert Decimal(valuer["uncapped"]) > 0
    assert_ledger_ok(session_factory, loans=1)
