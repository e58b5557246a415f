"""Fees as charges (贷款费用) through the API on both backends: a valuation fee owed on the loan, an insurance premium
paid by the borrower at once, the bank's own guarantee fee; shown in the loan's statement, settled first by the next
repayment (with advances, Civil Code art. 561), retried requests post nothing twice; ``ledger check`` passes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.ledger.accounts import account_code
from ippledge.ledger.store import balance
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk


def test_charges_owed_or_paid_and_settled_first(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    url = f"/loans/{lid}/charges"
    valuation = {"kind": "valuation", "amount": "3000.00", "memo": "重估报告"}
    d.post_key(d.bank2.officer, url, valuation, 404)
    d.post_key(d.firm, url, valuation, 403)
    d.post_key(d.bank.officer, url, {**valuation, "kind": "lunch"}, 422)
    first = d.post_key(d.bank.officer, url, valuation, 201, k="charge-1").json()
    again = d.post_key(d.bank.officer, url, valuation, 201, k="charge-1").json()  # a retry: nothing twice
    assert again["id"] == first["id"] and first["collect"] == "receivable" and first["payee"] == "third_party"

    with session_factory() as s:
        settlement = balance(s, account_code(d.firm.party.id, "settlement"))
    paid = {"kind": "insurance", "amount": "1200.00", "collect": "paid"}
    d.post_key(d.bank.officer, url, paid, 201)
    fee = {"kind": "guarantee", "amount": "800.00", "payee": "bank"}
    d.post_key(d.bank.approver, url, fee, 201)
    with session_factory() as s:
        assert balance(s, account_code(d.firm.party.id, "settlement")) == settlement - Decimal("1200.00")

    loan = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert [c["kind"] for c in loan["charges"]] == ["valuation", "insurance", "guarantee"]
    assert Decimal(loan["balances"]["advance"]) == Decimal("3800.00")  # the owed ones: valuation and guarantee
    assert_ledger_ok(session_factory)

    # the next repayment settles the charges first, then the instalment
    first_due = loan["schedule"][0]
    d.clock.today = dt.date.fromisoformat(first_due["due_date"])
    amount = str(Decimal("3800.00") + Decimal(first_due["payment"]))
    r = d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": amount}, 201).json()
    assert r["allocation"][0]["bucket"] == "advance" and Decimal(r["allocation"][0]["amount"]) == Decimal("3800.00")
    after = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert Decimal(after["balances"]["advance"]) == 0 and after["schedule"][0]["settled_on"] is not None
    assert_ledger_ok(session_factory)
