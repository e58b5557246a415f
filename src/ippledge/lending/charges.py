"""Fees as charges on a loan (贷款费用, ``model.charges`` for where they sit in the repayment order and why).

``post_charge``: the loan's bank staff (credit officer or approver) charges a valuation, insurance, guarantee or
registration fee on an active loan, as one balanced entry: owed on the loan (Dr the loan's receivable) or paid by
the borrower at once (Dr its settlement account, which must hold the amount), to a third party (Cr the bank's
cash) or as the bank's fee (Cr fee income). A repeated key posts nothing twice. ``charges_of`` lists them for the
loan's statement. Flushes only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal, Role
from ippledge.kernel.money import positive_money
from ippledge.ledger import service as ledger
from ippledge.lending import store
from ippledge.lending.contracts import require_bank_staff
from ippledge.lending.errors import NOT_ACTIVE
from ippledge.lending.model import postings
from ippledge.lending.model.charges import ChargeKind, Collect, Payee
from ippledge.lending.receipts import require_funds
from ippledge.lending.tables import LoanCharge
from ippledge.outbox.events import publish


def charges_of(session: Session, loan_id: int) -> list[LoanCharge]:
    stmt = select(LoanCharge).where(LoanCharge.loan_id == loan_id).order_by(LoanCharge.id)
    return list(session.scalars(stmt))


def post_charge(
    session: Session,
    principal: Principal,
    loan_id: int,
    kind: ChargeKind,
    amount: Decimal,
    collect: Collect,
    payee: Payee,
    day: dt.date,
    key: str,
    memo: str | None = None,
) -> LoanCharge:
    """Charge ``amount`` of ``kind`` on the loan on ``day`` (see the module docstring)."""
    value = positive_money(amount)
    store.visible_loan(session, principal, loan_id)
    loan = store.lock_loan(session, loan_id)
    require_bank_staff(principal, loan, Role.CREDIT_OFFICER, Role.APPROVER)
    if loan.status != "active":
        raise NOT_ACTIVE(status=loan.status)
    if collect is Collect.PAID:
        require_funds(session, loan, value)
    text = f"{kind.zh} {kind.value}" + (f": {memo.strip()}" if memo and memo.strip() else "")
    entry_key = f"charge:{loan.id}:{key}"
    draft = postings.charge(
        loan.bank_id, loan.borrower_id, loan.id, value, day, entry_key, text, collect.value, payee.value
    )
    entry = ledger.post(session, principal, draft)  # the same key returns the entry already written
    if (done := session.scalars(select(LoanCharge).where(LoanCharge.entry_id == entry.id)).first()) is not None:
        return done  # a retried request: nothing posted twice
    row = LoanCharge(
        loan_id=loan.id,
        kind=kind.value,
        on=day,
        amount=value,
        collect=collect.value,
        payee=payee.value,
        memo=text[:2000],
        entry_id=entry.id,
        actor=principal.actor[:64],
    )
    session.add(row)
    session.flush()
    payload = {
        "loan_id": loan.id,
        "charge_id": row.id,
        "kind": kind.value,
        "amount": str(value),
        "collect": collect.value,
        "payee": payee.value,
        "on": day.isoformat(),
    }
    audit.record(session, principal, "lending.charged", "loan", loan.id, payload)
    publish(session, "lending.charged", payload, loan.bank_id, also=(loan.borrower_id,))
    return row
