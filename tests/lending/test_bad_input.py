"""Refusals through the loan API: a clear code, and nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from ippledge.access.model import PartyKind, Role
from ippledge.ledger.tables import JournalEntry
from ippledge.lending.tables import LoanInstalment, LoanRepayment
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk


def _entries(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(JournalEntry)) or 0)


def _rows(factory, model) -> int:  # type: ignore[no-untyped-def]
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_no_disbursement_before_registration_and_one_per_loan(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    deal = d.approved()
    loan = d.contract(deal)
    lid = loan["id"]
    assert loan["pledge_ids"] == []
    assert d.post(d.bank.officer, "/loans", {"decision_id": deal.decision_id}).json()["code"] == (
        "lending.contract_exists"
    )
    r = d.post_key(d.bank.officer, f"/loans/{lid}/disbursement", {})
    assert r.status_code == 409 and r.json()["code"] == "lending.pledge_not_registered"
    assert r.json()["details"]["assets"] == [a.id for a in deal.assets]
    assert _entries(session_factory) == 0 and _rows(session_factory, LoanInstalment) == 0
    assert d.get(d.bank.officer, f"/loans/{lid}").json()["status"] == "contracted"

    reg = d.register(deal.filing_id)
    assert d.post(d.bank.officer, f"/loans/{lid}/pledges", {}, 200).json()["pledge_ids"] == [reg["pledge_id"]]
    first = d.post_key(d.bank.officer, f"/loans/{lid}/disbursement", {}, 200, k="disb-000001")
    again = d.post_key(d.bank.officer, f"/loans/{lid}/disbursement", {}, 200, k="disb-000001")
    assert again.json() == first.json()
    other = d.post_key(d.bank.officer, f"/loans/{lid}/disbursement", {}, k="disb-000002")
    assert other.status_code == 409 and other.json()["code"] == "lending.already_disbursed"
    assert _entries(session_factory) == 1
    assert_ledger_ok(session_factory, loans=1)


def test_amounts_keys_other_parties_and_overpayment(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan()
    row = d.get(d.firm, f"/loans/{lid}").json()["schedule"][0]
    d.clock.today = dt.date.fromisoformat(row["due_date"])
    before = _entries(session_factory)
    url = f"/loans/{lid}/repayments"
    for body, code in (
        ({"amount": "-100"}, "money.not_positive"),
        ({"amount": "0"}, "money.not_positive"),
        ({"amount": "100", "currency": "USD"}, "money.currency"),
        ({"amount": "12.345.6"}, "money.format"),
        ({"amount": 1.5}, "money.type"),
        # issue 11: no silent rounding, no lenient parsing, a limit per field (data/amount_limits.toml)
        ({"amount": "0.005"}, "money.precision"),
        ({"amount": "100.001"}, "money.precision"),
        ({"amount": True}, "money.type"),
        ({"amount": "１００"}, "money.format"),  # full-width digits
        ({"amount": "١٠٠"}, "money.format"),  # Arabic-Indic digits
        ({"amount": "1_000"}, "money.format"),
        ({"amount": "1,000"}, "money.format"),
        ({"amount": " 100"}, "money.format"),
        ({"amount": "1e3"}, "money.format"),
        ({"amount": "NaN"}, "money.format"),
        ({"amount": "Infinity"}, "money.format"),
        ({"amount": "1" * 29}, "money.format"),
        ({"amount": 10**30}, "money.format"),
        ({"amount": "10000000000.01"}, "money.limit"),
        ({"amount": "100", "prepay": True, "fee_rate": "NaN"}, "rate.format"),
        ({"amount": "100", "prepay": True, "fee_rate": "1e30"}, "rate.format"),
        ({"amount": "100", "prepay": True, "fee_rate": True}, "rate.format"),
        ({"amount": "100", "prepay": True, "fee_rate": "0.5"}, "rate.limit"),
        ({"amount": "100", "value_date": "9999-12-31"}, "date.range"),  # was booked
        ({"amount": "100", "value_date": "2025-02-30"}, "date.invalid"),
        ({"amount": "100", "value_date": 1700000000}, "date.invalid"),
        ({"amount": str(Decimal(row["payment"]) + 1)}, "lending.overpayment"),
    ):
        r = d.post_key(d.firm, url, body)
        assert r.status_code == 422 and r.json()["code"] == code, (body, r.text)
        if code.startswith(("money.", "rate.", "date.")) and code != "money.currency":  # the 422 names the field
            assert r.json()["details"]["errors"][0]["loc"][-1] in {"amount", "fee_rate", "value_date"}, r.text
    dep = d.post_key(d.bank.officer, "/deposits", {"borrower_id": d.firm.party.id, "amount": "-5"})
    assert dep.status_code == 422 and dep.json()["code"] == "money.not_positive"
    missing = d.client.post(url, json={"amount": row["payment"]}, headers=d.firm.headers)
    assert missing.status_code == 422 and missing.json()["code"] == "idempotency.key_required"
    # another bank and another firm do not see the loan at all
    stranger = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
    assert d.get(stranger, f"/loans/{lid}", expect=404).json()["code"] == "not_found"
    assert d.get(d.bank2.officer, f"/loans/{lid}", expect=404)
    assert d.post_key(d.bank2.officer, url, {"amount": "100"}).status_code == 404
    assert d.post_key(d.bank2.officer, f"/loans/{lid}/disbursement", {}).status_code == 404
    assert d.post(d.bank2.officer, f"/loans/{lid}/grade", {"grade": "loss", "reason": "x"}).status_code == 404
    assert d.get(d.bank2.officer, "/loans").json() == [] and len(d.get(d.firm, "/loans").json()) == 1
    # the firm may pay but not act as the bank
    assert d.post(d.firm, f"/loans/{lid}/default", {"reason": "x"}).json()["code"] == "lending.not_the_bank"
    assert _entries(session_factory) == before and _rows(session_factory, LoanRepayment) == 0
    # a grade better than the floor is refused (nothing is overdue yet: the floor is normal; test the reason rule)
    assert d.post(d.bank.officer, f"/loans/{lid}/grade", {"grade": "bogus"}).json()["code"] == "lending.grade"
    # the right payment goes through; a retry with the same key replays it
    ok = d.post_key(d.firm, url, {"amount": row["payment"]}, 201, k="pay-0000001").json()
    assert d.post_key(d.firm, url, {"amount": row["payment"]}, 201, k="pay-0000001").json() == ok
    assert _rows(session_factory, LoanRepayment) == 1
    # paying again with nothing due is an overpayment, not a silent prepayment
    again = d.post_key(d.firm, url, {"amount": "100"})
    assert again.status_code == 422 and again.json()["code"] == "lending.overpayment"
    assert_ledger_ok(session_factory, loans=1)


def test_payoff_needs_the_money_in_the_settlement_account(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan()
    d.clock.today += dt.timedelta(days=10)
    q = d.get(d.firm, f"/loans/{lid}/payoff-quote").json()
    assert q["principal"] == "1200000.00" and q["days"] == "10" and q["interest"] == "1166.67"  # 1.2m x 3.5% x 10/360
    before = _entries(session_factory)
    r = d.post_key(d.firm, f"/loans/{lid}/payoff", {})
    assert r.status_code == 409 and r.json()["code"] == "lending.insufficient_funds"
    assert _entries(session_factory) == before
    d.deposit(q["interest"])
    done = d.post_key(d.firm, f"/loans/{lid}/payoff", {}, 201).json()
    assert done["kind"] == "payoff" and done["amount"] == q["total"] and done["loan_status"] == "repaid"
    assert_ledger_ok(session_factory, loans=1)


def test_grade_never_better_than_the_days_past_due_floor(world, app, session_factory) -> None:
    from ippledge.lending.tables import Loan

    d = LoanDesk(world, app)
    lid = d.active_loan()
    with session_factory.begin() as s:  # as the daily close leaves it: 100 days past due, floor substandard
        loan = s.get(Loan, lid)
        assert loan is not None
        loan.dpd, loan.grade = 100, "substandard"
    url = f"/loans/{lid}/grade"
    r = d.post(d.bank.officer, url, {"grade": "special_mention", "reason": "客户承诺还款"})
    assert r.status_code == 422 and r.json()["code"] == "lending.classification_below_floor"
    assert d.post(d.bank.officer, url, {"grade": "doubtful", "reason": "担保落空"}, 200).json()["grade"] == "doubtful"
    up = d.post(d.bank.officer, url, {"grade": "substandard"})
    assert up.status_code == 422 and up.json()["code"] == "lending.upgrade_reason_required"
    assert d.post(d.bank.officer, url, {"grade": "substandard", "reason": "补充担保"}, 200).json()["grade"] == (
        "substandard"
    )
