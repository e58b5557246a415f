"""Partial prepayment (reduce term, reduce payment) and payoff through the API; the ledger agrees throughout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from ippledge.ledger.store import balance
from ippledge.lending.tables import LoanRepayment
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk, release_filings


def test_prepay_reduce_term_then_reduce_payment_then_pay_off(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="1200000", months=12)
    url = f"/loans/{lid}/repayments"
    sched = d.get(d.firm, f"/loans/{lid}").json()["schedule"]
    d.deposit("100000")
    d.clock.today = dt.date.fromisoformat(sched[0]["due_date"])
    d.post_key(d.firm, url, {"amount": sched[0]["payment"]}, 201)

    # 15 days into period 2: 300,000 pays principal x plus x * 3.5% * 15/360 interest; the term shortens
    d.clock.today += dt.timedelta(days=15)
    body = {"amount": "300000", "prepay": True, "mode": "reduce_term"}
    pre = d.post_key(d.firm, url, body, 201).json()
    x = Decimal(pre["principal"])
    interest = Decimal(pre["interest"])
    assert pre["kind"] == "prepayment" and x + interest <= Decimal("300000")
    assert interest == (x * Decimal("0.035") * 15 / 360).quantize(Decimal("0.01"))
    assert Decimal("300000") - (x + interest) < Decimal("0.02")  # the prepaid principal is the most that fits
    view = d.get(d.firm, f"/loans/{lid}").json()
    unsettled = [r for r in view["schedule"] if r["settled_on"] is None]
    assert len(unsettled) < 11 and Decimal(unsettled[0]["payment"]) <= Decimal(sched[1]["payment"])
    assert sum(Decimal(r["principal"]) for r in unsettled) == Decimal(view["outstanding_principal"])
    assert view["maturity_date"] == unsettled[-1]["due_date"]
    assert_ledger_ok(session_factory, loans=1)

    # the next instalment falls due and is paid; then a smaller prepayment that lowers the payment
    d.clock.today = dt.date.fromisoformat(unsettled[0]["due_date"])
    d.post_key(d.firm, url, {"amount": unsettled[0]["payment"]}, 201)
    assert_ledger_ok(session_factory, loans=1)
    d.clock.today += dt.timedelta(days=3)
    before = d.get(d.firm, f"/loans/{lid}").json()
    n_before = len([r for r in before["schedule"] if r["settled_on"] is None])
    d.post_key(d.firm, url, {"amount": "50000", "prepay": True}, 201)
    after = d.get(d.firm, f"/loans/{lid}").json()
    rest = [r for r in after["schedule"] if r["settled_on"] is None]
    assert len(rest) == n_before and Decimal(rest[0]["payment"]) < Decimal(unsettled[1]["payment"])
    assert_ledger_ok(session_factory, loans=1)

    # pay off 10 days later: quote and payoff agree; the loan is repaid and its pledge release filed
    d.clock.today += dt.timedelta(days=10)
    q = d.get(d.firm, f"/loans/{lid}/payoff-quote").json()
    assert q["principal"] == after["outstanding_principal"] and q["days"] == "13"
    done = d.post_key(d.firm, f"/loans/{lid}/payoff", {}, 201).json()
    assert done["amount"] == q["total"] and done["loan_status"] == "repaid"
    final = d.get(d.firm, f"/loans/{lid}").json()
    assert final["balances"] == {"principal": "0.00", "interest": "0.00", "penalty": "0.00", "advance": "0.00"}
    assert all(r["settled_on"] for r in final["schedule"])
    assert [f.status for f in release_filings(session_factory)] == ["submitted"]
    with session_factory() as s:
        income = balance(s, f"P{d.bank.id}:income:interest")
        paid = s.scalar(select(func.sum(LoanRepayment.interest)).where(LoanRepayment.loan_id == lid))
        principal = s.scalar(select(func.sum(LoanRepayment.principal)).where(LoanRepayment.loan_id == lid))
    # every yuan of interest recognised was paid, and the principal came back exactly once
    assert income == paid and principal == Decimal("1200000.00")
    assert_ledger_ok(session_factory, loans=1)


def test_interest_first_and_bullet_loans_run_to_maturity(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    for method in ("interest_first", "bullet"):
        lid = d.active_loan(amount="500000", months=3, method=method)
        sched = d.get(d.firm, f"/loans/{lid}").json()["schedule"]
        d.deposit(str(sum(Decimal(r["interest"]) for r in sched)))
        for r in sched:
            d.clock.today = dt.date.fromisoformat(r["due_date"])
            d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": r["payment"]}, 201)
            assert_ledger_ok(session_factory)
        assert d.get(d.firm, f"/loans/{lid}").json()["status"] == "repaid"
        d.clock.today = dt.date(2025, 6, 3)
