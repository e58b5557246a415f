"""Advance payments (预付) and their settlement (清算) under the Shanghai preset, through the API: the bank claims two
months after the loan turns NPL, before write-off, and gets 80% of each share; after the write-off the fund settles
on the final net loss (recoveries so far reduce it), paying the difference or taking back an over-advance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ippledge.access.tables import Approval, AuditRecord
from ippledge.kernel.calendar import add_months
from ippledge.kernel.money import round_fen
from ippledge.ledger.store import balance
from ippledge.ledger.tables import JournalEntry
from ippledge.risk_sharing.claims.tables import Claim
from ippledge.risk_sharing.model import BP_TOTAL, Party
from ippledge.risk_sharing.schemes.presets import get_preset
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

SCHEME = get_preset("shanghai")


@pytest.mark.parametrize("recovered", ["10000", "250000"])  # settlement takes back a small / a large over-advance
def test_shanghai_advance_then_settlement(session_factory, recovered: str, risk_desk: RiskDesk) -> None:
    assert SCHEME.advance_ratio_bp == 8000 and SCHEME.trigger.value == 2
    fund_bp = SCHEME.tiers[0].shares[Party.FUND]
    d = risk_desk
    d.post(d.fund_approver, "/risk-pools", {"scheme_code": "shanghai"}, 201)
    d.post_key(d.fund_approver, "/risk-pools/shanghai/contributions", {"amount": "1000000"}, 201)
    pool0 = d.pool_balance("shanghai")
    lid = d.active_loan(amount="600000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "shanghai"}, 201)
    d.clock.today = dt.date(2025, 7, 10)
    d.post(d.bank.approver2, f"/loans/{lid}/grade", {"grade": "substandard", "reason": "逾期"}, 200)
    assert d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "不良"}).status_code == 409
    d.clock.today = add_months(dt.date(2025, 7, 10), 2)
    cid = d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "不良满两个月"}, 201).json()["id"]
    d.post(d.reviewer, f"/risk-claims/{cid}/review", {"note": "预付"}, 200)
    out = d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True}, 200).json()
    assert out["status"] == "advanced"
    loss = Decimal(out["loss"])
    full_fund = round_fen(loss * fund_bp / BP_TOTAL)
    # the advance is the ratio of the net loss (DOMAIN.md §5: ~80% advanced), at most what the fund owes
    advanced = min(round_fen((loss + Decimal(out["interest"])) * SCHEME.advance_ratio_bp / BP_TOTAL), full_fund)
    assert Decimal(out["shares"]["fund"]["advanced"]) == advanced == Decimal(out["shares"]["fund"]["amount"])
    assert sum(Decimal(s["amount"]) for s in out["shares"].values()) == loss + Decimal(out["interest"])
    assert d.pool_balance("shanghai") == pool0 - advanced
    assert_ledger_ok(session_factory, loans=1)
    # no settlement before the write-off, nor recoveries shared back on an advance
    assert d.post(d.reviewer, f"/risk-claims/{cid}/review", {"note": ""}).json()["code"] == "risk.claim.not_written_off"
    assert d.post_key(d.fund_approver, f"/risk-claims/{cid}/settlement", {}).status_code == 409

    d.clock.today = dt.date(2025, 10, 20)
    wo = d.post(d.bank.approver2, f"/loans/{lid}/write-off", {"reason": "处置无果"}, 201).json()
    d.post(d.bank.approver, f"/loan-write-offs/{wo['id']}/decision", {"approve": True, "reason": "同意"}, 200)
    d.post_key(d.bank.officer, f"/loans/{lid}/recoveries", {"amount": recovered}, 201)
    assert_ledger_ok(session_factory, loans=1)
    d.post(d.both, f"/risk-claims/{cid}/review", {"note": "核销后清算"}, 200)
    own = d.post_key(d.both, f"/risk-claims/{cid}/settlement", {})
    assert own.status_code == 403 and own.json()["code"] == "access.self_approval"
    k = "settle-000000001"
    done = d.post_key(d.fund_approver, f"/risk-claims/{cid}/settlement", {}, 200, k=k).json()
    assert d.post_key(d.fund_approver, f"/risk-claims/{cid}/settlement", {}, 200, k=k).json() == done
    assert done["status"] == "paid" and done["settled_on"] == "2025-10-20"
    final_loss = Decimal(done["loss"])
    assert final_loss == Decimal(wo["principal"]) - Decimal(recovered)
    final_fund = round_fen(final_loss * fund_bp / BP_TOTAL)
    assert Decimal(done["shares"]["fund"]["amount"]) == final_fund
    assert Decimal(done["shares"]["fund"]["advanced"]) == advanced
    assert sum(Decimal(s["amount"]) for s in done["shares"].values()) == final_loss + Decimal(done["interest"])
    assert d.pool_balance("shanghai") == pool0 - final_fund >= 0
    assert_ledger_ok(session_factory, loans=1)
    with session_factory() as s:  # the advance and the settlement together pay exactly the final shares
        paid_to_bank = balance(s, f"P{d.bank.id}:income:compensation")
        fund_paid = balance(s, f"P{d.fund.id}:fund:shanghai:compensation")
    others = sum(Decimal(v["amount"]) for p, v in done["shares"].items() if p != "bank")
    assert paid_to_bank == others and fund_paid == final_fund
    assert d.post_key(d.fund_approver, f"/risk-claims/{cid}/settlement", {}).status_code == 409

    # a recovery after settlement is shared back on the settled amounts
    rec = d.post_key(d.bank.officer, f"/risk-claims/{cid}/recoveries", {"amount": "10000"}, 201).json()
    total = final_loss + Decimal(done["interest"])
    assert abs(Decimal(rec["shares"]["fund"]["clawed_back"]) - Decimal(10000) * final_fund / total) <= Decimal("0.01")
    assert_ledger_ok(session_factory, loans=1)


def _advanced_and_written_off(d: RiskDesk) -> tuple[int, int]:
    """A Shanghai claim advanced before the write-off, the loan then written off; returns (loan, claim)."""
    d.post(d.fund_approver, "/risk-pools", {"scheme_code": "shanghai"}, 201)
    d.post_key(d.fund_approver, "/risk-pools/shanghai/contributions", {"amount": "1000000"}, 201)
    lid = d.active_loan(amount="600000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "shanghai"}, 201)
    d.clock.today = dt.date(2025, 7, 10)
    d.post(d.bank.approver2, f"/loans/{lid}/grade", {"grade": "substandard", "reason": "逾期"}, 200)
    d.clock.today = add_months(dt.date(2025, 7, 10), 2)
    cid = d.post(d.bank.officer, "/risk-claims", {"loan_id": lid, "statement": "不良满两个月"}, 201).json()["id"]
    d.post(d.reviewer, f"/risk-claims/{cid}/review", {"note": "预付"}, 200)
    assert d.post_key(d.fund_approver, f"/risk-claims/{cid}/decision", {"approve": True}, 200).json()["status"] == (
        "advanced"
    )
    d.clock.today = dt.date(2025, 10, 20)
    wo = d.post(d.bank.approver2, f"/loans/{lid}/write-off", {"reason": "处置无果"}, 201).json()
    d.post(d.bank.approver, f"/loan-write-offs/{wo['id']}/decision", {"approve": True, "reason": "同意"}, 200)
    return lid, cid


def test_settlement_rejected_then_proposed_again_and_settled(session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    lid, cid = _advanced_and_written_off(d)
    d.post(d.both, f"/risk-claims/{cid}/review", {"note": "核销后清算"}, 200)
    with session_factory() as s:
        entries = s.scalar(select(func.count()).select_from(JournalEntry))
        approval_id = s.get(Claim, cid).approval_id
    pool = d.pool_balance("shanghai")
    url = f"/risk-claims/{cid}/settlement"
    no_reason = d.post_key(d.fund_approver, url, {"approve": False})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "approval.reason_required"
    own = d.post_key(d.both, url, {"approve": False, "reason": "自己驳回"})
    assert own.status_code == 403 and own.json()["code"] == "access.self_approval"
    k = "settle-reject-001"
    out = d.post_key(d.fund_approver, url, {"approve": False, "reason": "待处置回款后再清算"}, 200, k=k).json()
    assert d.post_key(d.fund_approver, url, {"approve": False, "reason": "待处置回款后再清算"}, 200, k=k).json() == out
    assert out["status"] == "advanced" and out["settled_on"] is None
    assert d.pool_balance("shanghai") == pool
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(JournalEntry)) == entries  # no money moved
        approval = s.get(Approval, approval_id)
        assert approval is not None and approval.status == "rejected"
        assert approval.reason == "待处置回款后再清算"
        audit = s.scalars(
            select(AuditRecord).where(
                AuditRecord.action == "risk.claim_settlement_rejected", AuditRecord.subject_id == str(cid)
            )
        ).one()
        assert "待处置回款后再清算" in audit.payload
    assert d.post_key(d.fund_approver, url, {}).status_code == 409  # nothing proposed now
    assert_ledger_ok(session_factory, loans=1)

    # more is recovered; the reviewer proposes again and a different approver settles (an empty body approves)
    d.post_key(d.bank.officer, f"/loans/{lid}/recoveries", {"amount": "50000"}, 201)
    d.post(d.both, f"/risk-claims/{cid}/review", {"note": "回款后重新清算"}, 200)
    r = d.client.post(url, headers={**d.fund_approver.headers, "Idempotency-Key": "settle-again-0001"})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "paid" and done["settled_on"] == "2025-10-20"
    assert Decimal(done["loss"]) == Decimal("600000.00") - Decimal("50000")
    assert d.pool_balance("shanghai") == Decimal("1000000.00") - Decimal(done["shares"]["fund"]["amount"])
    assert_ledger_ok(session_factory, loans=1)
