"""One IP pledge loan's whole life through the API, with ``ledger check`` after every step that moves money.

1. application -> valuation -> credit decision (maker-checker) -> pledge filing -> registration -> contract ->
   disbursement -> deposits and six monthly repayments on their due dates -> repaid -> pledge release filed
   automatically -> the registry registers the release.
2. a loan that stops paying -> graded substandard and declared in default -> write-off proposed, self-approval
   refused, approved by another approver -> a recovery.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import func, select

from ippledge.kernel.calendar import add_months
from ippledge.ledger.store import balance
from ippledge.ledger.tables import JournalEntry
from ippledge.lending import queries as lending_queries
from ippledge.lending.tables import LoanGradeChange
from ippledge.outbox.events import OutboxEvent
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk, key, release_filings


def test_application_to_full_repayment_and_pledge_release(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    deal = d.approved(amount="1200000", months=6)
    reg = d.register(deal.filing_id)
    pledge_id = reg["pledge_id"]
    loan = d.contract(deal)
    assert loan["status"] == "contracted" and loan["pledge_ids"] == [pledge_id] and loan["principal"] == "1200000.00"
    assert loan["annual_rate"] == "0.035000" and loan["method"] == "equal-installment"
    lid = loan["id"]
    assert_ledger_ok(session_factory)

    start = dt.date(2025, 6, 5)
    d.clock.today = start
    out = d.post_key(d.bank.officer, f"/loans/{lid}/disbursement", {}, 200).json()
    assert out["status"] == "active" and out["disbursed_on"] == "2025-06-05" and out["maturity_date"] == "2025-12-05"
    assert out["outstanding_principal"] == "1200000.00" and out["balances"]["principal"] == "1200000.00"
    schedule = out["schedule"]
    assert [r["due_date"] for r in schedule] == [str(add_months(start, k)) for k in range(1, 7)]
    assert schedule[0]["start_date"] == "2025-06-05" and schedule[1]["start_date"] == "2025-07-05"
    assert schedule[0]["interest"] == "3500.00"  # 1,200,000 x 3.5% / 12
    assert sum(Decimal(r["principal"]) for r in schedule) == Decimal("1200000.00")
    assert_ledger_ok(session_factory, loans=1)
    # the borrower's settlement account holds the loan; deposits add what the interest needs
    total_interest = sum(Decimal(r["interest"]) for r in schedule)
    dep = d.deposit(str(total_interest), start).json()
    assert Decimal(dep["settlement_balance"]) == Decimal("1200000.00") + total_interest
    assert_ledger_ok(session_factory)

    for i, row in enumerate(schedule):
        d.clock.today = dt.date.fromisoformat(row["due_date"])
        body = {"amount": row["payment"], "value_date": row["due_date"]}
        rep = d.post_key(d.firm, f"/loans/{lid}/repayments", body, 201).json()
        assert rep["interest"] == row["interest"] and rep["principal"] == row["principal"] and rep["penalty"] == "0.00"
        assert [(x["bucket"], x["period"]) for x in rep["allocation"]] == [("interest", i + 1), ("principal", i + 1)]
        assert_ledger_ok(session_factory, loans=1)
        view = d.get(d.firm, f"/loans/{lid}").json()
        assert view["schedule"][i]["settled_on"] == row["due_date"] and view["balances"]["interest"] == "0.00"
        expected_status = "repaid" if i == len(schedule) - 1 else "active"
        assert rep["loan_status"] == expected_status

    final = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert final["status"] == "repaid" and final["closed_on"] == "2025-12-05"
    assert final["outstanding_principal"] == "0.00" and final["balances"]["principal"] == "0.00"
    with session_factory() as s:
        assert balance(s, f"P{d.bank.id}:income:interest") == total_interest
        assert balance(s, f"P{d.firm.party.id}:settlement") == Decimal("0.00")
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "lending.repaid")).one()
        assert json.loads(event.payload)["loan_id"] == lid
    # the pledge release was filed, confirmed and submitted by the bank's side automatically
    [release] = release_filings(session_factory)
    assert release.pledge_id == pledge_id and release.status == "submitted"
    d.register(release.id)
    assert d.get(d.firm, f"/pledges/{pledge_id}").json()["status"] == "released"
    assert_ledger_ok(session_factory, loans=1)


def test_a_loan_that_stops_paying_is_written_off_and_recovers_a_little(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    first = d.get(d.bank.officer, f"/loans/{lid}").json()["schedule"][0]
    d.clock.today = dt.date.fromisoformat(first["due_date"])
    d.deposit(first["interest"])
    d.post_key(d.firm, f"/loans/{lid}/repayments", {"amount": first["payment"]}, 201)
    assert_ledger_ok(session_factory, loans=1)

    # the firm stops paying: the bank downgrades with a reason and declares default
    d.clock.today = dt.date(2025, 9, 20)
    officer = d.bank.approver2  # credit officer and approver: proposes, so may not approve
    r = d.post(officer, f"/loans/{lid}/write-off", {"reason": "停止还款"})
    assert r.status_code == 409 and r.json()["code"] == "lending.not_writable"
    assert d.post(officer, f"/loans/{lid}/grade", {"grade": "substandard"}).json()["code"] == (
        "lending.downgrade_reason_required"
    )
    g = d.post(officer, f"/loans/{lid}/grade", {"grade": "substandard", "reason": "企业停产，连续两期未还"}, 200)
    assert g.json()["grade"] == "substandard"
    assert d.post(officer, f"/loans/{lid}/default", {"reason": "经营停止"}, 200).json()["defaulted_on"] == "2025-09-20"
    with session_factory() as s:
        change = s.scalars(select(LoanGradeChange).where(LoanGradeChange.loan_id == lid)).one()
        assert (change.from_grade, change.to_grade) == ("normal", "substandard")

    wo = d.post(officer, f"/loans/{lid}/write-off", {"reason": "抵押物处置无果，申请核销"}, 201).json()
    assert wo["status"] == "proposed"
    own = d.post(officer, f"/loan-write-offs/{wo['id']}/decision", {"approve": True})
    assert own.status_code == 403 and own.json()["code"] == "access.self_approval"
    assert d.post(d.bank2.approver, f"/loan-write-offs/{wo['id']}/decision", {"approve": True}).status_code == 404
    # the generic checker route never approves a write-off without booking it (it was stuck for good after that)
    generic = d.post(d.bank.approver, f"/approvals/{wo['approval_id']}/decision", {"approve": True})
    assert generic.status_code == 409 and generic.json()["code"] == "approval.decided_elsewhere"
    assert "/loan-write-offs/{id}/decision" in generic.json()["message_en"]
    done = d.post(d.bank.approver, f"/loan-write-offs/{wo['id']}/decision", {"approve": True, "reason": "同意"}, 200)
    outstanding = Decimal("600000.00") - Decimal(first["principal"])
    assert done.json()["status"] == "approved" and Decimal(done.json()["principal"]) == outstanding
    view = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert view["status"] == "written_off" and view["outstanding_principal"] == "0.00"
    assert view["balances"] == {"principal": "0.00", "interest": "0.00", "penalty": "0.00", "advance": "0.00"}
    assert_ledger_ok(session_factory, loans=1)
    with session_factory() as s:
        assert balance(s, f"P{d.bank.id}:loss:writeoff") == outstanding

    body = {"amount": "50000"}
    rec = d.post_key(d.bank.officer, f"/loans/{lid}/recoveries", body, 201).json()
    assert rec["kind"] == "recovery" and rec["amount"] == "50000.00"
    assert_ledger_ok(session_factory, loans=1)
    with session_factory() as s:
        assert balance(s, f"P{d.bank.id}:income:recovery") == Decimal("50000.00")
        kinds = [k for (k,) in s.execute(select(JournalEntry.kind).order_by(JournalEntry.id))]
        assert kinds.count("loan.writeoff") == 1 and kinds.count("loan.recovery") == 1
        assert s.scalar(select(func.count()).select_from(JournalEntry)) == len(kinds)
    with session_factory() as s:
        # year-end figures count the year's write-off: the book alone (no loan left) shows no NPL ratio at all
        year = lending_queries.year_end_figures(s, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        assert (year.written_off_loans, year.written_off_principal, year.recovered) == (1, outstanding, Decimal(50000))
        assert year.npl_ratio is None and year.npl_ratio_with_write_offs == Decimal("1.0000")
        assert year.loss == year.written_off - Decimal(50000) == lending_queries.write_off_loss(s, lid)
        assert lending_queries.year_end_figures(s, dt.date(2026, 1, 1), dt.date(2026, 12, 31)).written_off_loans == 0
    # the pledge stays registered after a write-off: the bank keeps its security
    assert d.get(d.bank.officer, f"/loans/{lid}").json()["pledge_ids"]
    assert key()  # keys stay unique across tests
