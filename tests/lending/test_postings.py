"""Posting templates of the loan book: every draft balances, names the right accounts and passes the ledger rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ippledge.ledger.model import EntryDraft, validate_entry
from ippledge.lending.model import postings

DAY = dt.date(2025, 7, 5)
D = Decimal


def _lines(draft: EntryDraft) -> dict[str, Decimal]:
    return {p.account: p.amount for p in draft.postings}


def _ok(draft: EntryDraft) -> None:
    assert validate_entry(draft) == []
    assert sum(p.amount for p in draft.postings) == 0


def test_disbursement_and_deposit() -> None:
    d = postings.disbursement(7, 12, 42, D("1200000.00"), DAY, "disburse:42")
    _ok(d)
    assert _lines(d) == {"P7:loan:42:principal": D("1200000.00"), "P12:settlement": D("-1200000.00")}
    assert (d.kind, d.ref_type, d.ref_id, d.idempotency_key) == ("loan.disbursement", "loan", "42", "disburse:42")
    dep = postings.deposit(7, 12, D("3500.00"), DAY, "deposit:7:x")
    _ok(dep)
    assert _lines(dep) == {"P7:cash": D("3500.00"), "P12:settlement": D("-3500.00")}


def test_accrual_and_its_reversal() -> None:
    a = postings.interest_accrual(7, 42, D("3500.00"), DAY, "k")
    _ok(a)
    assert _lines(a) == {"P7:loan:42:interest": D("3500.00"), "P7:income:interest": D("-3500.00")}
    r = postings.interest_accrual(7, 42, D("-12.34"), DAY, "k2")
    _ok(r)
    assert _lines(r) == {"P7:loan:42:interest": D("-12.34"), "P7:income:interest": D("12.34")}


@pytest.mark.parametrize(
    ("penalty", "interest", "principal", "fee"),
    [("0", "3500.00", "198000.00", "0"), ("12.50", "0", "0", "0"), ("1.00", "2.00", "3.00", "4.00")],
)
def test_repayment_settles_receivables_from_settlement(penalty: str, interest: str, principal: str, fee: str) -> None:
    parts = {"penalty": D(penalty), "interest": D(interest), "principal": D(principal), "fee": D(fee)}
    d = postings.repayment(7, 12, 42, DAY, "repay:42:a", **parts)
    _ok(d)
    lines = _lines(d)
    assert lines["P12:settlement"] == sum(parts.values())
    expected = {
        "P7:loan:42:penalty": -parts["penalty"],
        "P7:loan:42:interest": -parts["interest"],
        "P7:loan:42:principal": -parts["principal"],
        "P7:income:fee": -parts["fee"],
    }
    assert {k: v for k, v in lines.items() if k != "P12:settlement"} == {k: v for k, v in expected.items() if v}
    assert d.kind == "loan.repayment"
    assert postings.repayment(7, 12, 42, DAY, "x", principal=D(1), kind="payoff").kind == "loan.payoff"


def test_write_off_and_recovery() -> None:
    w = postings.write_off(7, 42, DAY, "writeoff:42", principal=D("1000"), interest=D("20.5"), penalty=D("0"))
    _ok(w)
    assert _lines(w) == {
        "P7:loss:writeoff": D("1020.5"),
        "P7:loan:42:principal": D("-1000"),
        "P7:loan:42:interest": D("-20.5"),
    }
    r = postings.recovery(7, 42, D("300.00"), DAY, "recovery:42:a")
    _ok(r)
    assert _lines(r) == {"P7:cash": D("300.00"), "P7:income:recovery": D("-300.00")}
