"""Advances (代垫费用): money the lending bank pays for the borrower and books on the loan as owed back.

The first is the annuity the bank pays on the pledgor's behalf so that a pledged patent does not lapse (代缴年费,
decided in ``monitoring``). ``post_advance`` books one balanced ``loan.advance`` entry (Dr the loan's advance
receivable / Cr the bank's cash); the borrower owes it at once and the next repayment settles it before penalty,
interest and principal (``model.repayment_order``); a loan with an advance outstanding is not repaid, and a
write-off takes it off the books with the rest. The amount lives in the ledger only (``receivable``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal, Role
from ippledge.kernel.money import positive_money
from ippledge.ledger import service as ledger
from ippledge.lending import store
from ippledge.lending.contracts import require_bank_staff
from ippledge.lending.errors import NOT_ACTIVE, REASON_REQUIRED
from ippledge.lending.model import postings
from ippledge.lending.receipts import receivable
from ippledge.lending.tables import Loan
from ippledge.outbox.events import publish


def post_advance(
    session: Session,
    principal: Principal,
    loan_id: int,
    amount: Decimal,
    day: dt.date,
    key: str,
    reason: str,
) -> int:
    """Book ``amount`` the loan's bank paid for the borrower on ``day``; the ledger entry's id. The caller is the
    bank's staff (the checker who approved the payment); the key makes a retry post nothing twice."""
    value = positive_money(amount)
    if not (reason or "").strip():
        raise REASON_REQUIRED(action_zh="代垫费用", action_en="an advance")
    store.visible_loan(session, principal, loan_id)
    loan = store.lock_loan(session, loan_id)
    require_bank_staff(principal, loan, Role.CREDIT_OFFICER, Role.APPROVER)
    if loan.status != "active":
        raise NOT_ACTIVE(status=loan.status)
    draft = postings.advance(loan.bank_id, loan.id, value, day, f"advance:{loan.id}:{key}", reason)
    entry = ledger.post(session, principal, draft)
    payload = {"loan_id": loan.id, "amount": str(value), "on": day.isoformat(), "reason": reason, "entry": entry.id}
    audit.record(session, principal, "lending.advance", "loan", loan.id, payload)
    publish(session, "lending.advance", payload, loan.bank_id, also=(loan.borrower_id,))
    return entry.id


def advance_outstanding(session: Session, loan_id: int) -> Decimal:
    """What the borrower still owes of the bank's advances on the loan."""
    loan = session.get(Loan, loan_id)
    return Decimal("0.00") if loan is None else receivable(session, loan, "advance")
