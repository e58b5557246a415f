"""Builders for daily-close tests: an active loan written directly (contract row, schedule rows, disbursement entry).

The lending service builds real contracts and disbursements; the close only needs the rows they leave behind.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import PartyKind
from ippledge.access.service import create_party
from ippledge.ledger import service as ledger
from ippledge.ledger.accounts import account_code
from ippledge.ledger.model import EntryDraft, Posting
from ippledge.ledger.tables import JournalEntry, JournalPosting
from ippledge.lending.model.schedule import RepaymentMethod, build_schedule
from ippledge.lending.tables import Loan, LoanInstalment

_numbers = itertools.count(1)


def parties(factory: sessionmaker[Session]) -> tuple[int, int]:
    with factory.begin() as s:
        bank = create_party(s, "test", PartyKind.BANK, "测试银行")
        firm = create_party(s, "test", PartyKind.ENTERPRISE, "测试企业")
        return bank.id, firm.id


def active_loan(
    session: Session,
    bank: int,
    firm: int,
    *,
    principal: str = "1000000.00",
    rate: str = "0.035",
    uplift: str = "0.5",
    months: int = 12,
    start: dt.date = dt.date(2025, 1, 15),
    method: RepaymentMethod = RepaymentMethod.EQUAL_INSTALLMENT,
) -> int:
    """An active, disbursed loan with its schedule and its disbursement posting; returns the loan id."""
    amount = Decimal(principal)
    plan = build_schedule(amount, Decimal(rate), months, start, method)
    loan = Loan(
        contract_no=f"TEST-{next(_numbers):06d}",
        bank_id=bank,
        borrower_id=firm,
        principal=amount,
        annual_rate=Decimal(rate),
        penalty_uplift=Decimal(uplift),
        method=method.value,
        term_months=months,
        contracted_on=start,
        disbursed_on=start,
        maturity_date=plan.instalments[-1].due_date,
        status="active",
        outstanding_principal=amount,
        dpd=0,
        grade="normal",
        penalty_exact=Decimal(0),
        penalty_posted=Decimal(0),
    )
    session.add(loan)
    session.flush()
    period_start = start
    for inst in plan.instalments:
        session.add(
            LoanInstalment(
                loan_id=loan.id,
                period=inst.period,
                start_date=period_start,
                due_date=inst.due_date,
                principal=inst.principal,
                interest=inst.interest,
            )
        )
        period_start = inst.due_date
    lines = (
        Posting(account_code(bank, "loan_principal", loan.id), amount),
        Posting(account_code(firm, "settlement"), -amount),
    )
    draft = EntryDraft(start, "loan.disbursement", lines, "loan", str(loan.id), "放款", f"disburse:{loan.id}")
    ledger.post(session, "test", draft)
    session.flush()
    return loan.id


def pay_instalment(session: Session, loan_id: int, period: int, on: dt.date) -> None:
    """Mark an instalment paid in full (the close reads only the paid columns; no money moves here)."""
    inst = session.get(LoanInstalment, (loan_id, period))
    assert inst is not None
    inst.paid_principal = inst.principal
    inst.paid_interest = inst.interest
    inst.settled_on = on
    session.flush()


def ledger_counts(session: Session) -> tuple[int, int, int]:
    entries = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
    postings = session.scalar(select(func.count()).select_from(JournalPosting)) or 0
    total = session.scalar(select(func.coalesce(func.sum(func.abs(JournalPosting.amount)), 0))) or 0
    return int(entries), int(postings), int(total)


def loan_snapshot(session: Session) -> list[tuple[object, ...]]:
    rows = session.execute(
        select(
            Loan.id,
            Loan.dpd,
            Loan.grade,
            Loan.accrued_through,
            Loan.penalty_exact,
            Loan.penalty_posted,
        ).order_by(Loan.id)
    ).all()
    inst = session.execute(
        select(LoanInstalment.loan_id, LoanInstalment.period, LoanInstalment.interest_accrued).order_by(
            LoanInstalment.loan_id, LoanInstalment.period
        )
    ).all()
    return [tuple(r) for r in rows] + [tuple(r) for r in inst]
