"""Loan queries and scope (贷款查询与数据隔离); the ledger check's expectation for every loan.

A loan is visible to its bank and its borrower; the regulator and the platform read every loan; anyone else gets 404.
The ``lending`` expectation provider says, for every disbursed loan: the natural balance of
``P{bank}:loan:{id}:principal`` equals the loan's ``outstanding_principal``, and the natural (credit) balance of
its loan-loss allowance ``P{bank}:loan:{id}:allowance`` equals ``allowance``, the allowance the last daily close
booked for it (zero once written off), so ``ippledge ledger check`` proves book and ledger agree.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.ledger import check as ledger_check
from ippledge.ledger.accounts import account_code
from ippledge.ledger.check import LedgerCheckReport
from ippledge.lending.tables import Loan, LoanInstalment, LoanPledge
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
    stmt = select(Loan.id, Loan.bank_id, Loan.outstanding_principal, Loan.allowance).where(
        Loan.disbursed_on.is_not(None)
    )
    out: dict[str, Decimal] = {}
    for loan_id, bank, outstanding, allowance in session.execute(stmt):
        out[account_code(bank, "loan_principal", loan_id)] = outstanding
        out[account_code(bank, "loan_allowance", loan_id)] = allowance if allowance is not None else Decimal("0.00")
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
