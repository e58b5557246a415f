"""Journal entry templates of the loan book (贷款记账分录模板), as pure functions: every draft balances.

Accounts (``ledger.accounts``); ``B`` is the lending bank, ``E`` the borrower, ``L`` the loan id:

===================  =========================================  =============================================
entry kind           debit (借)                                 credit (贷)
===================  =========================================  =============================================
loan.disbursement    PB:loan:L:principal                        PE:settlement (money credited to the borrower)
loan.deposit         PB:cash                                    PE:settlement (cash received for the borrower)
loan.accrual         PB:loan:L:interest                         PB:income:interest (a reversal swaps sides)
loan.repayment       PE:settlement (what the borrower pays)     PB:loan:L:penalty, PB:loan:L:interest,
loan.prepayment                                                 PB:loan:L:principal, PB:income:fee
loan.payoff
loan.writeoff        PB:loss:writeoff                           PB:loan:L:principal, interest, penalty
loan.recovery        PB:cash                                    PB:income:recovery
===================  =========================================  =============================================

The borrower's settlement account is the chart's per-borrower ``P{E}:settlement`` (money held for the borrower on
the platform's books): a firm with loans at two banks has one settlement account; the bank that records a deposit
is the one whose cash rises. Zero lines are left out (the ledger refuses zero postings).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

from ippledge.ledger.accounts import account_code
from ippledge.ledger.model import EntryDraft, Posting

ZERO: Final = Decimal("0.00")


def _draft(
    day: dt.date, kind: str, lines: list[tuple[str, Decimal]], loan_id: int | None, memo: str, key: str | None
) -> EntryDraft:
    postings = tuple(Posting(code, amount) for code, amount in lines if amount != 0)
    return EntryDraft(
        day,
        kind,
        postings,
        ref_type="loan" if loan_id is not None else None,
        ref_id=str(loan_id) if loan_id is not None else None,
        memo=memo,
        idempotency_key=key,
    )


def disbursement(bank: int, borrower: int, loan: int, amount: Decimal, day: dt.date, key: str) -> EntryDraft:
    """放款: the principal becomes the bank's receivable and the borrower's money."""
    lines = [(account_code(bank, "loan_principal", loan), amount), (account_code(borrower, "settlement"), -amount)]
    return _draft(day, "loan.disbursement", lines, loan, "放款 disbursement", key)


def deposit(bank: int, borrower: int, amount: Decimal, day: dt.date, key: str) -> EntryDraft:
    """存入还款资金: the bank receives cash for the borrower's settlement account."""
    lines = [(account_code(bank, "cash"), amount), (account_code(borrower, "settlement"), -amount)]
    return _draft(day, "loan.deposit", lines, None, "存入还款资金 deposit", key)


def interest_accrual(bank: int, loan: int, amount: Decimal, day: dt.date, key: str) -> EntryDraft:
    """计提利息 (``amount`` > 0) or its reversal (< 0): interest receivable against interest income."""
    lines = [(account_code(bank, "loan_interest", loan), amount), (account_code(bank, "interest_income"), -amount)]
    return _draft(day, "loan.accrual", lines, loan, "计提利息 interest accrual at repayment", key)


def repayment(
    bank: int,
    borrower: int,
    loan: int,
    day: dt.date,
    key: str,
    *,
    penalty: Decimal = ZERO,
    interest: Decimal = ZERO,
    principal: Decimal = ZERO,
    fee: Decimal = ZERO,
    kind: str = "repayment",
) -> EntryDraft:
    """还款 / 提前还款 / 结清: the borrower's settlement funds settle receivables (and a prepayment fee)."""
    total = penalty + interest + principal + fee
    lines = [
        (account_code(borrower, "settlement"), total),
        (account_code(bank, "loan_penalty", loan), -penalty),
        (account_code(bank, "loan_interest", loan), -interest),
        (account_code(bank, "loan_principal", loan), -principal),
        (account_code(bank, "fee_income"), -fee),
    ]
    return _draft(day, f"loan.{kind}", lines, loan, f"还款 {kind}", key)


def write_off(
    bank: int, loan: int, day: dt.date, key: str, *, principal: Decimal, interest: Decimal, penalty: Decimal
) -> EntryDraft:
    """核销: the receivables still on the books become the bank's write-off loss."""
    lines = [
        (account_code(bank, "writeoff_loss"), principal + interest + penalty),
        (account_code(bank, "loan_principal", loan), -principal),
        (account_code(bank, "loan_interest", loan), -interest),
        (account_code(bank, "loan_penalty", loan), -penalty),
    ]
    return _draft(day, "loan.writeoff", lines, loan, "贷款核销 write-off", key)


def recovery(bank: int, loan: int, amount: Decimal, day: dt.date, key: str) -> EntryDraft:
    """核销后收回: cash recovered on a written-off loan is income."""
    lines = [(account_code(bank, "cash"), amount), (account_code(bank, "recovery_income"), -amount)]
    return _draft(day, "loan.recovery", lines, loan, "核销后收回 recovery", key)
