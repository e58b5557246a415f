"""Loan queries and scope (贷款查询与数据隔离); the ledger check's expectation for every loan.

A loan is visible to its bank and its borrower; the regulator and the platform read every loan; anyone else gets 404.
The ``lending`` expectation provider says, for every disbursed loan: the natural balance of
``P{bank}:loan:{id}:principal`` equals the loan's ``outstanding_principal``, and the natural (credit) balance of
its loan-loss allowance ``P{bank}:loan:{id}:allowance`` equals ``allowance``, the allowance the last daily close
booked for it (zero once written off), and a non-accrual loan's off-balance interest memo account
``P{bank}:memo:loan:{id}:interest`` holds its ``interest_off``, so ``ippledge ledger check`` proves book and ledger
agree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.ledger import check as ledger_check
from ippledge.ledger.accounts import account_code
from ippledge.ledger.check import LedgerCheckReport
from ippledge.ledger.queries import balance as ledger_balance
from ippledge.lending.model.classification import Grade, UpgradeFacts
from ippledge.lending.tables import Loan, LoanGradeChange, LoanInstalment, LoanPledge
from ippledge.pledge import queries as pledge_queries

READERS = frozenset({PartyKind.REGULATOR, PartyKind.PLATFORM})


def visible_loan(session: Session, principal: Principal, loan_id: int) -> Loan:
    return scope.get_visible(session, Loan, loan_id, principal)


def lock_loan(session: Session, loan_id: int) -> Loan:
    """The loan row, locked for this transaction (``SELECT .. FOR UPDATE``; SQLite serialises writers anyway)."""
    stmt = select(Loan).where(Loan.id == loan_id).with_for_update().execution_options(populate_existing=True)
    loan = session.scalars(stmt).one()
    return loan


def instalments(session: Session, loan_id: int) -> list[LoanInstalment]:
    stmt = select(LoanInstalment).where(LoanInstalment.loan_id == loan_id).order_by(LoanInstalment.period)
    return list(session.scalars(stmt))


def linked_pledges(session: Session, loan_id: int) -> list[int]:
    stmt = select(LoanPledge.pledge_id).where(LoanPledge.loan_id == loan_id).order_by(LoanPledge.pledge_id)
    return list(session.scalars(stmt))


def pledges_covering(session: Session, loan: Loan, asset_ids: list[int] | tuple[int, ...]) -> dict[int, int]:
    """``asset -> pledge id`` for each asset under a pledge in force from this borrower to this bank."""
    return pledge_queries.pledges_in_force_from_to(session, loan.borrower_id, loan.bank_id, asset_ids)


def principal_account(loan: Loan) -> str:
    return account_code(loan.bank_id, "loan_principal", loan.id)


def expected_balances(session: Session) -> dict[str, Decimal]:
    """Each disbursed loan's principal holds its outstanding principal; its allowance, what the close booked."""
    stmt = select(Loan.id, Loan.bank_id, Loan.outstanding_principal, Loan.allowance, Loan.interest_off).where(
        Loan.disbursed_on.is_not(None)
    )
    out: dict[str, Decimal] = {}
    for loan_id, bank, outstanding, allowance, off in session.execute(stmt):
        out[account_code(bank, "loan_principal", loan_id)] = outstanding
        out[account_code(bank, "loan_allowance", loan_id)] = allowance if allowance is not None else Decimal("0.00")
        if off:  # 表外利息: the memo account holds what the loan row tracks
            out[account_code(bank, "loan_interest_off", loan_id)] = off
    return out


def check(session: Session) -> LedgerCheckReport:
    """The whole ledger check with every registered provider (lending included)."""
    return ledger_check.check_ledger(session)


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(
        Loan,
        scope.ScopeRule(party_columns=("bank_id", "borrower_id"), readers=READERS, what_zh="贷款", what_en="loan"),
    )
    ledger_check.register_expectations("lending", expected_balances)


NPL_CODES = tuple(g.code for g in Grade if g.is_npl)


def upgrade_facts(session: Session, loan: Loan, on: dt.date) -> UpgradeFacts:
    """What the upgrade rule (2023 art. 12) reads: arrears, since when there are none, on-time periods since, and
    whether another claim of the debtor at the bank is non-performing."""
    rows = instalments(session, loan.id)
    penalty = ledger_balance(session, account_code(loan.bank_id, "loan_penalty", loan.id))
    arrears = penalty > 0 or any(r.settled_on is None and r.due_date < on for r in rows)  # due today: not yet late
    late = [r.settled_on for r in rows if r.settled_on is not None and r.settled_on > r.due_date]
    became_npl = session.scalar(
        select(func.max(LoanGradeChange.on)).where(
            LoanGradeChange.loan_id == loan.id,
            LoanGradeChange.to_grade.in_(NPL_CODES),
            LoanGradeChange.from_grade.not_in(NPL_CODES),
        )
    )
    starts = [d for d in (*late, became_npl, loan.disbursed_on) if d is not None]
    cured_on = max(starts) if starts else on
    on_time = 0
    for r in rows:
        if r.due_date <= cured_on:
            continue
        if r.settled_on is not None and r.settled_on <= r.due_date:
            on_time += 1
        else:
            break
    other = session.scalar(
        select(func.count()).where(
            Loan.bank_id == loan.bank_id,
            Loan.borrower_id == loan.borrower_id,
            Loan.id != loan.id,
            Loan.status == "active",
            Loan.grade.in_(NPL_CODES),
        )
    )
    return UpgradeFacts(on, arrears, cured_on, on_time, bool(other))
