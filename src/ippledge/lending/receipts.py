"""Booking a receipt (还款入账): accrual true-up, one balanced repayment entry, instalments and the loan updated.

Interest receivable never goes negative: when a receipt settles interest of a period whose accrual is behind (the
daily close has not run up to the due date), the missing accrual is posted first (``loan.accrual``: Dr interest
receivable / Cr interest income) and the instalment's ``interest_accrued`` is raised to match; an accrual ahead
of what is now owed (after a prepayment or payoff shortened the period) is reversed the same way. Then ONE
``loan.repayment`` / ``loan.prepayment`` / ``loan.payoff`` entry debits the borrower's settlement account.
Interest of a non-accrual loan (> 90 days past due) sits off balance sheet (``loan.interest_off``, memo accounts):
interest received beyond what is receivable on balance sheet is that off-balance interest, recognised as income
now (the memo accounts are reversed by the same amount, ``loan.interest_off`` entry).
The borrower must hold the money there (``lending.insufficient_funds``, 409); the borrower's party row is locked so
two receipts cannot both spend the same funds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.access.queries import lock_party
from ippledge.kernel.money import FEN
from ippledge.ledger import service as ledger
from ippledge.ledger.accounts import account_code
from ippledge.ledger.queries import balances_of, entry_by_key
from ippledge.lending import store
from ippledge.lending.contracts import bank_system
from ippledge.lending.errors import INSUFFICIENT_FUNDS, NOT_A_PARTY
from ippledge.lending.model import postings
from ippledge.lending.tables import Loan, LoanInstalment, LoanRepayment
from ippledge.outbox.events import publish
from ippledge.pledge.queries import pledge_standing
from ippledge.pledge.service import release_for_repayment

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    """One allocation line: ``bucket`` is advance (period 0), penalty, interest, principal (of an instalment), or
    for a prepayment ``prepaid_principal``, ``prepaid_interest``, ``fee`` (not part of any instalment)."""

    period: int
    due_date: dt.date
    bucket: str
    amount: Decimal

    def to_dict(self) -> dict[str, object]:
        return {
            "period": self.period,
            "due_date": self.due_date.isoformat(),
            "bucket": self.bucket,
            "amount": str(self.amount.quantize(FEN)),
        }


@dataclass
class Receipt:
    """What one receipt does, computed before anything is written."""

    kind: str
    lines: list[Line] = field(default_factory=list)
    accrual: dict[int, Decimal] = field(default_factory=dict)  # period -> interest to accrue (+) or reverse (-)
    extra_accrual: Decimal = ZERO  # interest earned outside any instalment (prepaid principal's broken period)

    def total(self, *buckets: str) -> Decimal:
        return sum((ln.amount for ln in self.lines if not buckets or ln.bucket in buckets), ZERO)


def receipt_key(kind: str, loan_id: int, key: str) -> str:
    return f"{kind}:{loan_id}:{key}"


def replayed(session: Session, entry_key: str) -> LoanRepayment | None:
    """The receipt already booked under this key (a retried service call), if any."""
    entry = entry_by_key(session, entry_key)
    if entry is None:
        return None
    return session.scalars(select(LoanRepayment).where(LoanRepayment.entry_id == entry.id)).one_or_none()


def require_payer(principal: Principal, loan: Loan) -> None:
    """The borrower's enterprise user pays, or the bank's credit officer records a receipt for the borrower."""
    if principal.party_kind is PartyKind.ENTERPRISE and principal.party_id == loan.borrower_id:
        principal.require(Role.ENTERPRISE_USER)
    elif principal.party_kind is PartyKind.BANK and principal.party_id == loan.bank_id:
        principal.require(Role.CREDIT_OFFICER)
    else:
        raise NOT_A_PARTY()


def settlement_balance(session: Session, borrower_id: int) -> Decimal:
    return ledger.balance(session, account_code(borrower_id, "settlement"))


def require_funds(session: Session, loan: Loan, amount: Decimal) -> None:
    lock_party(session, loan.borrower_id)
    have = settlement_balance(session, loan.borrower_id)
    if have < amount:
        raise INSUFFICIENT_FUNDS(balance=str(have), needed=str(amount))


def receivable(session: Session, loan: Loan, part: str) -> Decimal:
    return ledger.balance(session, account_code(loan.bank_id, f"loan_{part}", loan.id))


def receivables(
    session: Session, loan: Loan, parts: Sequence[str] = ("principal", "interest", "penalty")
) -> dict[str, Decimal]:
    """``receivable`` of several parts in one ledger query (a loan's detail reads all three)."""
    codes = {part: account_code(loan.bank_id, f"loan_{part}", loan.id) for part in parts}
    found = balances_of(session, codes.values())
    return {part: found[code] for part, code in codes.items()}


def book(
    session: Session,
    principal: Principal,
    loan: Loan,
    rows: Sequence[LoanInstalment],
    receipt: Receipt,
    value_date: dt.date,
    entry_key: str,
    amount: Decimal,
) -> LoanRepayment:
    """Post the true-up accrual and the receipt, and apply it to the instalments and the loan (funds checked)."""
    by_period = {r.period: r for r in rows}
    net_accrual = sum(receipt.accrual.values(), ZERO) + receipt.extra_accrual
    if net_accrual:
        draft = postings.interest_accrual(loan.bank_id, loan.id, net_accrual, value_date, f"{entry_key}:accrual")
        ledger.post(session, principal, draft)
    for period, accrued in receipt.accrual.items():
        by_period[period].interest_accrued += accrued
    penalty = receipt.total("penalty")
    advance = receipt.total("advance")
    interest = receipt.total("interest", "prepaid_interest")
    repaid = receipt.total("principal", "prepaid_principal")
    fee = receipt.total("fee")
    off = ZERO
    if loan.interest_off > 0 and interest > 0:
        on_balance = receivable(session, loan, "interest")  # after the true-up above
        off = min(loan.interest_off, max(interest - on_balance, ZERO))
    if off > 0:
        ledger.post(
            session, principal, postings.interest_off(loan.bank_id, loan.id, -off, value_date, f"{entry_key}:off")
        )
        loan.interest_off -= off
    draft = postings.repayment(
        loan.bank_id,
        loan.borrower_id,
        loan.id,
        value_date,
        entry_key,
        penalty=penalty,
        interest=interest,
        principal=repaid,
        fee=fee,
        kind=receipt.kind,
        interest_off=off,
        advance=advance,
    )
    entry = ledger.post(session, principal, draft)
    for ln in receipt.lines:
        row = by_period.get(ln.period)
        if row is None:
            continue
        if ln.bucket == "interest":
            row.paid_interest += ln.amount
        elif ln.bucket == "principal":
            row.paid_principal += ln.amount
    for row in rows:
        if (
            row.settled_on is None
            and row.paid_principal >= row.principal
            and row.paid_interest >= row.interest
            and row.due_date <= value_date
        ):
            row.settled_on = value_date
    loan.outstanding_principal -= repaid
    rec = LoanRepayment(
        loan_id=loan.id,
        kind=receipt.kind,
        value_date=value_date,
        amount=amount,
        penalty=penalty,
        interest=interest,
        principal=repaid,
        fee=fee,
        entry_id=entry.id,
        allocation=json.dumps([ln.to_dict() for ln in receipt.lines], ensure_ascii=False),
    )
    session.add(rec)
    session.flush()
    audit.record(
        session,
        principal,
        f"lending.{receipt.kind}",
        "loan",
        loan.id,
        {"repayment_id": rec.id, "amount": str(amount), "value_date": value_date.isoformat()},
    )
    return rec


def close_if_repaid(
    session: Session, principal: Principal, loan: Loan, value_date: dt.date, *, release: bool = True
) -> bool:
    """结清: no principal, no unsettled instalment, no penalty or advance left -> repaid; file the releases (not
    for a renewal, whose new loan keeps the pledges: ``release=False``)."""
    rows = store.instalments(session, loan.id)
    if loan.outstanding_principal != 0 or any(r.settled_on is None for r in rows):
        return False
    if receivable(session, loan, "penalty") != 0 or receivable(session, loan, "advance") != 0:
        return False
    loan.status = "repaid"
    loan.closed_on = value_date
    bank = principal if principal.party_id == loan.bank_id and principal.has(Role.CREDIT_OFFICER) else None
    acting = bank or bank_system(loan)
    filings: list[int] = []
    for pid in store.linked_pledges(session, loan.id) if release else []:
        pledge = pledge_standing(session, pid)
        if pledge is not None and pledge.in_force:
            filings.append(release_for_repayment(session, acting, pid, value_date, loan.contract_no).id)
    session.flush()
    audit.record(
        session, principal, "lending.repaid", "loan", loan.id, {"on": value_date.isoformat(), "releases": filings}
    )
    publish(
        session,
        "lending.repaid",
        {"loan_id": loan.id, "contract_no": loan.contract_no, "on": value_date.isoformat(), "release_filings": filings},
        loan.borrower_id,
        also=(loan.bank_id,),
    )
    return True
