"""Value dates (起息日): no money call is dated after the business date or before the loan's last closed date.

A repayment dated 2030-01-01 used to be accepted and post years of interest early; now it is 422 with a bilingual
message and nothing is written (no entry, no receipt, no instalment touched).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.ledger.tables import JournalEntry
from ippledge.lending.close.service import close_day
from ippledge.lending.tables import LoanInstalment, LoanRepayment
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk


def _counts(factory: sessionmaker[Session]) -> tuple[int, int, list[tuple[object, ...]]]:
    with factory() as s:
        entries = s.scalar(select(func.count()).select_from(JournalEntry)) or 0
        receipts = s.scalar(select(func.count()).select_from(LoanRepayment)) or 0
        rows = [
            tuple(r)
            for r in s.execute(
                select(LoanInstalment.period, LoanInstalment.interest_accrued, LoanInstalment.paid_interest).order_by(
                    LoanInstalment.loan_id, LoanInstalment.period
                )
            )
        ]
        return entries, receipts, rows


def _refused(r: object, code: str) -> None:
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["code"] == code and body["message_zh"] and body["message_en"]


def test_future_dated_money_calls_are_refused_and_write_nothing(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    first = d.get(d.bank.officer, f"/loans/{lid}").json()["schedule"][0]
    d.clock.today = dt.date.fromisoformat(first["due_date"])
    d.deposit("200000")
    before = _counts(session_factory)

    r = d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": first["payment"], "value_date": "2030-01-01"})
    _refused(r, "lending.value_date_future")
    assert "2030-01-01" in r.json()["message_zh"] and "business date" in r.json()["message_en"]
    _refused(d.post_key(d.firm, f"/loans/{lid}/payoff", {"value_date": "2030-01-01"}), "lending.value_date_future")
    body = {"borrower_id": d.firm.party.id, "amount": "10", "value_date": "2030-01-01"}
    _refused(d.post_key(d.bank.officer, "/deposits", body), "lending.value_date_future")
    assert _counts(session_factory) == before
    assert_ledger_ok(session_factory, loans=1)

    # dated the business date itself, it is booked
    ok = d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": first["payment"]}, 201).json()
    assert ok["value_date"] == first["due_date"]


def test_a_value_date_before_the_loans_last_close_is_refused(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    first = d.get(d.bank.officer, f"/loans/{lid}").json()["schedule"][0]
    due = dt.date.fromisoformat(first["due_date"])
    d.clock.today = due + dt.timedelta(days=5)
    d.deposit("200000")
    with session_factory.begin() as s:
        close_day(s, "test", due + dt.timedelta(days=3), today=d.clock.today)
    before = _counts(session_factory)
    body = {"amount": first["payment"], "value_date": str(due + dt.timedelta(days=1))}
    r = d.post_key(d.firm, f"/loans/{lid}/repayments", body)
    _refused(r, "lending.value_date")
    assert "last closed date" in r.json()["message_en"]
    assert _counts(session_factory) == before
