"""The 2023 classification rules and non-accrual on a database (both backends).

Debtor contagion in the close (art. 7), an upgrade out of NPL refused until the arrears are repaid and two periods
are paid on time (art. 12), a restructured loan's floor for its observation period (art. 19-20), and non-accrual:
past 90 days the interest accrues off balance sheet and becomes income only when received.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.errors import IppledgeError
from ippledge.ledger.check import check_ledger
from ippledge.ledger.store import balance
from ippledge.lending import service
from ippledge.lending.close.service import close_day
from ippledge.lending.tables import Loan, LoanGradeChange, LoanInstalment
from tests.lending.close.factories import active_loan, parties

D = dt.date
_keys = itertools.count(1)


def _close(factory: sessionmaker[Session], day: dt.date):  # type: ignore[no-untyped-def]
    with factory.begin() as s:
        return close_day(s, "test:close", day, today=day)


def _officer(bank: int) -> Principal:
    return Principal(bank, PartyKind.BANK, frozenset({Role.CREDIT_OFFICER}), name="信贷员")


def _loan(factory: sessionmaker[Session], loan_id: int) -> Loan:
    with factory() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None
        s.expunge(loan)
        return loan


def _due(s: Session, loan: Loan, on: dt.date) -> Decimal:
    """Everything due on ``on``: penalty receivable and the unpaid instalments due by then."""
    total = balance(s, f"P{loan.bank_id}:loan:{loan.id}:penalty")
    for r in s.scalars(select(LoanInstalment).where(LoanInstalment.loan_id == loan.id)):
        if r.settled_on is None and r.due_date <= on:
            total += r.principal - r.paid_principal + r.interest - r.paid_interest
    return total


def _pay_due(factory: sessionmaker[Session], bank: int, loan_id: int, on: dt.date) -> None:
    officer = _officer(bank)
    with factory.begin() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None
        amount = _due(s, loan, on)
        service.deposit(s, officer, loan.borrower_id, amount, on, f"dep-{next(_keys)}", today=on)
        service.repay(s, officer, loan_id, amount, on, f"rep-{next(_keys)}", today=on)


def _ledger_ok(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        report = check_ledger(s)
    assert report.ok, report


def test_debtor_contagion_makes_all_its_claims_at_the_bank_non_performing(session_factory) -> None:
    bank, firm = parties(session_factory)
    other_bank, firm2 = parties(session_factory)
    start = D(2025, 1, 15)
    with session_factory.begin() as s:
        big = active_loan(s, bank, firm, principal="1000000.00", start=start)
        small = active_loan(s, bank, firm, principal="100000.00", start=start)
        elsewhere = active_loan(s, other_bank, firm, principal="100000.00", start=start)  # another bank
        healthy = active_loan(s, bank, firm2, principal="1000000.00", start=start)
        minor = active_loan(s, bank, firm2, principal="100000.00", start=start)
        for loan_id in (big, minor):
            s.get(Loan, loan_id).grade = "substandard"  # type: ignore[union-attr]
    report = _close(session_factory, start)
    # firm: 1,000,000 of 1,100,000 non-performing (> 10%): the small loan follows; firm2: 100,000 of 1,100,000
    # (9.1%) is not more than 10%, so its large loan stays normal; the other bank's claim is judged there
    assert report.reclassified == {"substandard": 1}
    grades = {i: _loan(session_factory, i).grade for i in (big, small, elsewhere, healthy, minor)}
    assert grades == {
        big: "substandard",
        small: "substandard",
        elsewhere: "normal",
        healthy: "normal",
        minor: "substandard",
    }
    with session_factory() as s:
        change = s.scalars(select(LoanGradeChange).where(LoanGradeChange.loan_id == small)).one()
        assert change.actor == "close" and "第七条" in (change.reason or "") and "10%" in (change.reason or "")
    _ledger_ok(session_factory)


def test_non_accrual_after_day_90_then_cash_received_is_income(session_factory) -> None:
    bank, firm = parties(session_factory)
    start = D(2024, 1, 15)  # first due date 2024-02-15: 90 days past due on 2024-05-15
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, principal="600000.00", rate="0.04", start=start)
    income, memo = f"P{bank}:income:interest", f"P{bank}:memo:loan:{loan_id}:interest"
    _close(session_factory, D(2024, 2, 14))
    day90 = _close(session_factory, D(2024, 5, 15))
    assert day90.non_accrual_loans == 0 and day90.interest_fen > 0
    with session_factory() as s:
        income_90 = balance(s, income)
    day91 = _close(session_factory, D(2024, 5, 16))
    assert day91.non_accrual_loans == 1 and day91.interest_fen == 0 and day91.interest_off_fen > 0
    _close(session_factory, D(2024, 6, 30))
    loan = _loan(session_factory, loan_id)
    with session_factory() as s:
        # income stopped at day 90; the interest since grew off balance sheet, and the memo account holds it
        assert balance(s, income) == income_90
        assert loan.interest_off > Decimal("1000") and balance(s, memo) == loan.interest_off
        assert balance(s, f"P{bank}:memo:interest") == loan.interest_off  # the contra, credit normal
    _ledger_ok(session_factory)

    off_before = loan.interest_off
    _pay_due(session_factory, bank, loan_id, D(2024, 6, 30))  # everything due, the 2024-06-15 period included
    loan = _loan(session_factory, loan_id)
    with session_factory() as s:
        received_off = off_before - loan.interest_off
        assert received_off > 0
        # the off-balance interest received is income now; what is still off balance is the current period's
        assert balance(s, income) == income_90 + received_off
        current = s.scalars(
            select(LoanInstalment).where(LoanInstalment.loan_id == loan_id, LoanInstalment.due_date == D(2024, 7, 15))
        ).one()
        assert loan.interest_off == current.interest_accrued and balance(s, memo) == loan.interest_off
    _ledger_ok(session_factory)
    # paid up: the next close accrues on balance again
    back = _close(session_factory, D(2024, 7, 1))
    assert back.non_accrual_loans == 0 and back.interest_fen > 0 and back.interest_off_fen == 0


def test_an_npl_is_upgraded_only_after_arrears_and_two_periods_paid_on_time(session_factory) -> None:
    bank, firm = parties(session_factory)
    start = D(2024, 1, 15)
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, principal="600000.00", rate="0.04", start=start)
    _close(session_factory, D(2024, 2, 14))
    _close(session_factory, D(2024, 5, 20))
    assert _loan(session_factory, loan_id).grade == "substandard"
    officer = _officer(bank)

    def upgrade(on: dt.date) -> Loan:
        with session_factory.begin() as s:
            return service.set_grade(s, officer, loan_id, "normal", "借款人已恢复正常还款", on)

    with pytest.raises(IppledgeError) as arrears:
        upgrade(D(2024, 5, 20))
    assert arrears.value.code == "lending.classification_below_floor"  # 95 days past due: 次级 at best
    _pay_due(session_factory, bank, loan_id, D(2024, 5, 20))
    _close(session_factory, D(2024, 5, 21))
    with pytest.raises(IppledgeError) as early:
        upgrade(D(2024, 5, 21))  # arrears repaid, but no period paid on time since
    assert early.value.code == "lending.upgrade_refused" and early.value.status == 422
    assert "0 period(s)" in early.value.message_en and "按时还款0期" in early.value.message_zh
    for due in (D(2024, 6, 15), D(2024, 7, 15)):
        _close(session_factory, due)
        _pay_due(session_factory, bank, loan_id, due)
        if due.month == 6:
            with pytest.raises(IppledgeError):
                upgrade(due)  # one period on time is not two
    assert upgrade(D(2024, 7, 15)).grade == "normal"
    _ledger_ok(session_factory)


def test_a_restructured_loan_keeps_its_floor_through_the_observation_period(session_factory) -> None:
    bank, firm = parties(session_factory)
    start = D(2025, 1, 15)
    with session_factory.begin() as s:
        plain = active_loan(s, bank, firm, principal="500000.00", start=start)
    _, firm2 = parties(session_factory)
    with session_factory.begin() as s:
        npl = active_loan(s, bank, firm2, principal="500000.00", start=start)
        s.get(Loan, npl).grade = "doubtful"  # type: ignore[union-attr]
    officer = _officer(bank)
    on = D(2025, 3, 1)
    with session_factory.begin() as s:
        loan = service.restructure(s, officer, plain, "展期并调整还款计划", on=on, today=on)
        assert (loan.grade, loan.restructured_on, loan.restructure_floor) == ("special_mention", on, "special_mention")
        hard = service.restructure(s, officer, npl, "债务人经营困难，重组", debtor_in_difficulty=True, today=on)
        assert (hard.grade, hard.restructure_floor) == ("doubtful", "substandard")  # already worse: kept
    with pytest.raises(IppledgeError) as below, session_factory.begin() as s:
        service.set_grade(s, officer, plain, "normal", "还款正常", D(2025, 9, 1))
    assert below.value.code == "lending.upgrade_in_observation" and "2026-03-01" in below.value.message_en
    with pytest.raises(IppledgeError) as future, session_factory.begin() as s:
        service.restructure(s, officer, plain, "再次重组", on=D(2030, 1, 1), today=on)
    assert future.value.code == "lending.value_date_future"
    with session_factory.begin() as s:  # the observation period (one year) is over
        assert service.set_grade(s, officer, plain, "normal", "观察期满，还款正常", D(2026, 3, 1)).grade == "normal"


def test_restructure_route(world, app, session_factory) -> None:
    from tests.lending.factories import LoanDesk

    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    url = f"/loans/{lid}/restructure"
    assert d.post(d.firm, url, {"reason": "重组"}).status_code in (403, 404)  # the bank's decision
    future = d.post(d.bank.officer, url, {"reason": "重组", "on": "2030-01-01"})
    assert future.status_code == 422 and future.json()["code"] == "lending.value_date_future"
    out = d.post(d.bank.officer, url, {"reason": "延长还款期限"}, 200).json()
    assert out["grade"] == "special_mention" and out["restructure_floor"] == "special_mention"
    assert out["restructured_on"] == str(d.clock.today) and out["non_accrual"] is False
