"""The daily close on a database (both backends): exact accrual, idempotence, ageing, penalty, grades, ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.kernel.errors import ValidationError
from ippledge.ledger import check
from ippledge.ledger.store import balance
from ippledge.lending.close.service import MAX_CATCH_UP_DAYS, close_day
from ippledge.lending.model.delinquency import penalty_for_day
from ippledge.lending.model.interest import round_fen
from ippledge.lending.model.schedule import RepaymentMethod
from ippledge.lending.tables import BusinessDay, Loan, LoanGradeChange, LoanInstalment
from ippledge.outbox.events import OutboxEvent
from tests.lending.close.factories import active_loan, ledger_counts, loan_snapshot, parties, pay_instalment

D = dt.date
START = D(2025, 1, 15)  # period 1 runs 31 days (15 Jan - 15 Feb), period 2 runs 28 (15 Feb - 15 Mar)


def _close(factory: sessionmaker[Session], day: dt.date):  # type: ignore[no-untyped-def]
    with factory.begin() as s:
        return close_day(s, "test:close", day)


def _expected_books(s: Session) -> dict[str, Decimal]:
    """What each loan's receivable accounts must hold, from the loan tables (no repayments in these tests)."""
    out: dict[str, Decimal] = {}
    for loan in s.scalars(select(Loan)):
        rows = s.scalars(select(LoanInstalment).where(LoanInstalment.loan_id == loan.id))
        out[f"P{loan.bank_id}:loan:{loan.id}:principal"] = loan.outstanding_principal
        accrued = sum((r.interest_accrued for r in rows), Decimal("0.00"))
        # past 90 days the interest accrues off balance sheet (表外利息) instead
        out[f"P{loan.bank_id}:loan:{loan.id}:interest"] = accrued - loan.interest_off
        out[f"P{loan.bank_id}:memo:loan:{loan.id}:interest"] = loan.interest_off
        out[f"P{loan.bank_id}:loan:{loan.id}:penalty"] = loan.penalty_posted
    return out


def _assert_books(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        report = check.check_ledger(s, _expected_books(s), providers={})
        assert report.ok, report


def test_accrual_over_31_and_28_day_periods_equals_the_schedule(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, principal="1000000.00", rate="0.035", start=START)
        loan2 = active_loan(
            s, bank, firm, principal="370000.00", rate="0.041", start=START, method=RepaymentMethod.BULLET
        )
    first = _close(session_factory, START)
    assert first.loans == 2 and first.interest_fen > 0 and not first.caught_up
    report = _close(session_factory, D(2025, 2, 14))  # catch-up: 16 Jan .. 14 Feb
    assert len(report.caught_up) == 29 and report.date == D(2025, 2, 14)
    # each day the catch-up closed is reported, not only the last: together they are every fen accrued
    assert [e["date"] for e in report.earlier] == [d.isoformat() for d in report.caught_up]
    days_fen = sum(e["interest_fen"] for e in report.earlier) + report.interest_fen
    with session_factory() as s:
        assert Decimal(days_fen + first.interest_fen) / 100 == balance(s, f"P{bank}:income:interest")
    with session_factory.begin() as s:
        pay_instalment(s, loan_id, 1, D(2025, 2, 15))
    _close(session_factory, D(2025, 3, 14))
    with session_factory() as s:
        i1, i2 = (s.get(LoanInstalment, (loan_id, p)) for p in (1, 2))
        assert i1 is not None and i2 is not None
        assert i1.interest_accrued == i1.interest == Decimal("2916.67")  # 1,000,000 x 3.5% / 12
        assert i2.interest_accrued == i2.interest
        loan = s.get(Loan, loan_id)
        assert loan is not None and loan.dpd == 0 and loan.penalty_posted == 0 and loan.grade == "normal"
        assert loan.accrued_through == D(2025, 3, 14)
        receivable = balance(s, f"P{bank}:loan:{loan_id}:interest")
        assert receivable == i1.interest + i2.interest
        bullet = s.scalars(select(LoanInstalment).where(LoanInstalment.loan_id == loan2)).one()
        assert bullet is not None
        share = bullet.interest * (D(2025, 3, 15) - START).days / (bullet.due_date - START).days
        assert bullet.interest_accrued == round_fen(share)
    _assert_books(session_factory)


def test_closing_a_date_twice_changes_nothing(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        active_loan(s, bank, firm, start=START)
        active_loan(s, bank, firm, start=START, months=24, method=RepaymentMethod.EQUAL_PRINCIPAL)
    _close(session_factory, D(2025, 2, 10))
    first = _close(session_factory, D(2025, 2, 20))  # both loans' first instalment unpaid: penalty, dpd 5
    assert first.penalty_fen > 0 and first.overdue_loans == 2 and not first.already_closed
    with session_factory() as s:
        before = (ledger_counts(s), loan_snapshot(s), s.scalar(select(func.count()).select_from(OutboxEvent)))
    again = _close(session_factory, D(2025, 2, 20))
    earlier = _close(session_factory, D(2025, 2, 12))
    assert again.already_closed and earlier.already_closed and earlier.date == D(2025, 2, 12)
    assert (again.loans, again.interest_fen, again.penalty_fen, again.grade_mix) == (
        first.loans,
        first.interest_fen,
        first.penalty_fen,
        first.grade_mix,
    )
    with session_factory() as s:
        after = (ledger_counts(s), loan_snapshot(s), s.scalar(select(func.count()).select_from(OutboxEvent)))
        assert after == before
        bd = s.get(BusinessDay, 1)
        assert bd is not None and bd.last_closed == D(2025, 2, 20)
    _assert_books(session_factory)


def test_unpaid_loan_slides_through_the_five_tiers(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    start = D(2024, 1, 15)
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, principal="600000.00", rate="0.04", uplift="0.3", start=start)
        dues = {i.period: (i.due_date, i.principal) for i in s.scalars(select(LoanInstalment))}
    _close(session_factory, D(2024, 2, 14))
    last = _close(session_factory, D(2025, 2, 12))  # 363 days after the first due date
    assert last.grade_mix == {"loss": 1}
    with session_factory() as s:
        moves = s.execute(
            select(LoanGradeChange.on, LoanGradeChange.to_grade, LoanGradeChange.dpd, LoanGradeChange.actor)
            .where(LoanGradeChange.loan_id == loan_id)
            .order_by(LoanGradeChange.id)
        ).all()
        first_due = dues[1][0]
        assert [(m.to_grade, m.dpd, m.actor) for m in moves] == [
            ("special_mention", 1, "close"),
            ("substandard", 91, "close"),
            ("doubtful", 271, "close"),
            ("loss", 361, "close"),
        ]
        assert [m.on for m in moves] == [first_due + dt.timedelta(days=n) for n in (1, 91, 271, 361)]
        loan = s.get(Loan, loan_id)
        assert loan is not None and loan.dpd == 363 and loan.grade == "loss"
        # Penalty: every day from the first due date on, on the principal then due, at 4% x 1.3 / 360.
        exact, day = Decimal(0), first_due
        while day <= D(2025, 2, 12):
            overdue = sum((p for due, p in dues.values() if due <= day), Decimal(0))
            exact += penalty_for_day(overdue, Decimal("0.04"), Decimal("0.3"))
            day += dt.timedelta(days=1)
        assert loan.penalty_posted == round_fen(exact)
        assert balance(s, f"P{bank}:income:penalty") == round_fen(exact)
        topics = dict(s.execute(select(OutboxEvent.topic, func.count()).group_by(OutboxEvent.topic)).all())
        assert topics["loan.overdue"] == 1 and topics["loan.reclassified"] == 4
    _assert_books(session_factory)


def test_interest_arrears_age_but_bear_no_penalty(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, start=START, method=RepaymentMethod.INTEREST_FIRST)
    _close(session_factory, D(2025, 2, 14))
    report = _close(session_factory, D(2025, 3, 1))
    assert report.penalty_fen == 0 and report.newly_overdue == 0 and report.overdue_loans == 1
    with session_factory() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None and loan.dpd == 14 and loan.grade == "special_mention" and loan.penalty_posted == 0


def test_bank_downgrade_is_never_upgraded_by_the_close(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, start=START)
        loan = s.get(Loan, loan_id)
        assert loan is not None
        loan.grade, loan.grade_reason = "doubtful", "借款人主要专利被宣告无效"
    _close(session_factory, D(2025, 2, 14))
    report = _close(session_factory, D(2025, 2, 20))
    assert report.reclassified == {} and report.grade_mix == {"doubtful": 1}
    with session_factory() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None and loan.grade == "doubtful" and loan.dpd == 5
        assert loan.grade_reason == "借款人主要专利被宣告无效"
        assert s.scalar(select(func.count()).select_from(LoanGradeChange)) == 0


def test_first_close_with_no_loans_and_gap_limit(session_factory: sessionmaker[Session]) -> None:
    report = _close(session_factory, D(2025, 1, 1))
    assert report.loans == 0 and report.entries == 0 and report.grade_mix == {}
    with pytest.raises(ValidationError) as err, session_factory.begin() as s:
        far = D(2025, 1, 1) + dt.timedelta(days=MAX_CATCH_UP_DAYS + 1)
        close_day(s, "test", far, today=far)
    assert err.value.code == "lending.close_gap"
    with session_factory() as s:
        bd = s.get(BusinessDay, 1)
        assert bd is not None and bd.last_closed == D(2025, 1, 1)


def test_cli_refuses_a_future_date_and_reports_every_day_of_a_catch_up(
    session_factory: sessionmaker[Session], database_url: str
) -> None:
    from typer.testing import CliRunner

    from ippledge.cli import app

    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        active_loan(s, bank, firm, start=START)
    runner = CliRunner()
    base = ["close", "--database-url", database_url]
    future = runner.invoke(app, [*base, "--date", "2025-02-20", "--as-of", "2025-02-10"])
    assert future.exit_code == 2 and "lending.close_future" in future.output
    with session_factory() as s:
        assert s.get(BusinessDay, 1) is None or s.get(BusinessDay, 1).last_closed is None  # type: ignore[union-attr]
        assert ledger_counts(s)[0] == 1  # the disbursement only
    assert runner.invoke(app, [*base, "--date", "2025-02-10", "--as-of", "2025-02-10"]).exit_code == 0
    caught = runner.invoke(app, [*base, "--date", "2025-02-13", "--as-of", "2025-02-13"])
    assert caught.exit_code == 0, caught.output
    for day in ("2025-02-11", "2025-02-12", "2025-02-13"):
        assert day in caught.output
    assert "days closed (3)" in caught.output
