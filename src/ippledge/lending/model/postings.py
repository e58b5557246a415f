"""Journal entry templates of the loan book (贷款记账分录模板), as pure functions: every draft balances.

Accounts (``ledger.accounts``); ``B`` is the lending bank, ``E`` the borrower, ``L`` the loan id:

===================  =========================================  =============================================
entry kind           debit (借)                                 credit (贷)
===================  =========================================  =============================================
loan.disbursement    PB:loan:L:principal                        PE:settlement (money credited to the borrower)
loan.deposit         PB:cash                                    PE:settlement (cash received for the borrower)
loan.accrual         PB:loan:L:interest                         PB:income:interest (a reversal swaps sides)
loan.advance         PB:loan:L:advance (代垫费用)               PB:cash (the bank paid a fee for the borrower)
loan.repayment       PE:settlement (what the borrower pays)     PB:loan:L:advance, PB:loan:L:penalty,
loan.prepayment                                                 PB:loan:L:interest, PB:loan:L:principal,
                                                                PB:income:fee
loan.payoff
loan.writeoff        PB:loan:L:allowance (up to the principal),  PB:loan:L:principal, interest, penalty, advance,
                     PB:loss:writeoff (the rest)                PB:loss:provision (allowance beyond principal)
loan.recovery        PB:cash                                    PB:income:recovery
loan.interest_off    PB:memo:loan:L:interest (表外应收利息)       PB:memo:interest (memo contra; received:
                                                                swapped, and the cash credits interest income)
loan.provision       PB:loss:provision (net charge)             PB:loan:L:allowance for each loan whose
                                                                allowance changed (a release debits it)
bank.general_reserve PB:equity:retained (未分配利润)              PB:equity:general_reserve (一般风险准备), at
                                                                year end
===================  =========================================  =============================================

Provisioning (贷款损失准备, ``lending.provisioning.model``): the daily close books one ``loan.provision`` entry per bank
and date, one line per loan whose required allowance changed and one net line on the bank's provision expense
(信用减值损失); a write-off first uses the loan's own allowance and posts only the shortfall as write-off loss.

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
from ippledge.lending.model.charges import Collect, Payee, lines

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


def advance(bank: int, loan: int, amount: Decimal, day: dt.date, key: str, memo: str) -> EntryDraft:
    """代垫费用: the bank pays a fee for the borrower (e.g. 代缴年费); the borrower owes it back on the loan."""
    lines = [(account_code(bank, "loan_advance", loan), amount), (account_code(bank, "cash"), -amount)]
    return _draft(day, "loan.advance", lines, loan, f"代垫费用 advance: {memo}"[:200], key)


def charge(
    bank: int, borrower: int, loan: int, amount: Decimal, day: dt.date, key: str, memo: str, collect: str, payee: str
) -> EntryDraft:
    """贷款费用: a fee charged on the loan (``model.charges``): owed on the loan's receivable or paid from the
    borrower's settlement account, to a third party through the bank's cash or as the bank's fee income."""
    codes = (
        account_code(bank, "loan_advance", loan),
        account_code(borrower, "settlement"),
        account_code(bank, "cash"),
        account_code(bank, "fee_income"),
    )
    debit, credit = lines(codes, Collect(collect), Payee(payee))
    return _draft(day, "loan.charge", [(debit, amount), (credit, -amount)], loan, f"贷款费用 charge: {memo}"[:200], key)


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
    interest_off: Decimal = ZERO,
    advance: Decimal = ZERO,
) -> EntryDraft:
    """还款 / 提前还款 / 结清: the borrower's settlement funds settle receivables (and a prepayment fee);
    ``interest_off`` of the interest paid was off balance sheet (non-accrual) and is income now it is received."""
    total = advance + penalty + interest + principal + fee
    lines = [
        (account_code(borrower, "settlement"), total),
        (account_code(bank, "loan_advance", loan), -advance),
        (account_code(bank, "loan_penalty", loan), -penalty),
        (account_code(bank, "loan_interest", loan), -(interest - interest_off)),
        (account_code(bank, "interest_income"), -interest_off),
        (account_code(bank, "loan_principal", loan), -principal),
        (account_code(bank, "fee_income"), -fee),
    ]
    return _draft(day, f"loan.{kind}", lines, loan, f"还款 {kind}", key)


def interest_off(bank: int, loan: int, amount: Decimal, day: dt.date, key: str) -> EntryDraft:
    """表外利息: interest of a non-accrual loan accrued off balance sheet (``amount`` > 0) or, received or reversed,
    taken off the memo accounts (< 0)."""
    lines = [
        (account_code(bank, "loan_interest_off", loan), amount),
        (account_code(bank, "interest_off_contra"), -amount),
    ]
    return _draft(day, "loan.interest_off", lines, loan, "表外利息 off-balance interest", key)


def allowance_split(allowance: Decimal, principal: Decimal) -> tuple[Decimal, Decimal]:
    """How a write-off treats the loan's allowance: (used against the principal, released as beyond it)."""
    used = min(max(allowance, ZERO), max(principal, ZERO))
    return used, max(allowance, ZERO) - used


def write_off(
    bank: int,
    loan: int,
    day: dt.date,
    key: str,
    *,
    principal: Decimal,
    interest: Decimal,
    penalty: Decimal,
    allowance: Decimal = ZERO,
    advance: Decimal = ZERO,
) -> EntryDraft:
    """核销: the loan's allowance absorbs the principal first; the rest of the receivables is write-off loss."""
    used, released = allowance_split(allowance, principal)
    lines = [
        (account_code(bank, "loan_allowance", loan), used + released),
        (account_code(bank, "provision_expense"), -released),
        (account_code(bank, "writeoff_loss"), principal - used + interest + penalty + advance),
        (account_code(bank, "loan_principal", loan), -principal),
        (account_code(bank, "loan_interest", loan), -interest),
        (account_code(bank, "loan_penalty", loan), -penalty),
        (account_code(bank, "loan_advance", loan), -advance),
    ]
    return _draft(day, "loan.writeoff", lines, loan, "贷款核销 write-off", key)


def general_reserve(bank: int, amount: Decimal, day: dt.date, key: str) -> EntryDraft:
    """提取一般风险准备: appropriated from profit (retained earnings) into the general reserve, both equity."""
    lines = [(account_code(bank, "retained_earnings"), amount), (account_code(bank, "general_reserve"), -amount)]
    postings = tuple(Posting(code, value) for code, value in lines if value != 0)
    memo = "提取一般风险准备 general reserve appropriation (财金〔2012〕20号)"
    return EntryDraft(day, "bank.general_reserve", postings, "bank", str(bank), memo, key)


def recovery(bank: int, loan: int, amount: Decimal, day: dt.date, key: str) -> EntryDraft:
    """核销后收回: cash recovered on a written-off loan is income."""
    lines = [(account_code(bank, "cash"), amount), (account_code(bank, "recovery_income"), -amount)]
    return _draft(day, "loan.recovery", lines, loan, "核销后收回 recovery", key)


def provision(bank: int, day: dt.date, changes: list[tuple[int, Decimal]], key: str) -> EntryDraft:
    """计提/转回贷款损失准备: ``changes`` are ``(loan, change of its allowance)``; a rise credits the allowance."""
    net = sum((change for _loan, change in changes), ZERO)
    lines = [(account_code(bank, "loan_allowance", loan), -change) for loan, change in changes]
    lines.append((account_code(bank, "provision_expense"), net))
    postings = tuple(Posting(code, amount) for code, amount in lines if amount != 0)
    memo = "贷款损失准备计提 loan-loss provision"
    return EntryDraft(day, "loan.provision", postings, "bank", str(bank), memo, key)
