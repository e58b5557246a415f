"""Disbursement (放款): the condition precedent, the schedule, one balanced entry.

Condition precedent (放款前提条件): every pledged asset of the credit decision is under a pledge *in force* from the
borrower to this bank; otherwise ``lending.pledge_not_registered`` (409) lists the assets and nothing is written.
The loan row is locked (``SELECT .. FOR UPDATE``), so of many concurrent disbursements exactly one moves money and
the rest see ``lending.already_disbursed``. A retried request with the same Idempotency-Key is replayed by the API's
``run_once`` before this runs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal
from ippledge.kernel.clock import business_date
from ippledge.ledger import service as ledger
from ippledge.lending import store
from ippledge.lending.contracts import link_pledges, pledged_assets, require_bank_staff
from ippledge.lending.errors import ALREADY_DISBURSED, PLEDGE_NOT_REGISTERED, VALUE_DATE
from ippledge.lending.model import postings
from ippledge.lending.model.schedule import ZERO, RepaymentMethod, build_schedule
from ippledge.lending.model.value_date import check_value_date
from ippledge.lending.tables import Loan, LoanInstalment
from ippledge.outbox.events import publish


def disbursement_key(loan_id: int) -> str:
    return f"disburse:{loan_id}"


def disburse(
    session: Session,
    principal: Principal,
    loan_id: int,
    value_date: dt.date,
    key: str | None = None,
    today: dt.date | None = None,
) -> Loan:
    """Pay the loan out on ``value_date`` (not after ``today``, the business date; ``None``: today in China);
    ``key`` is the caller's request key, kept in the audit trail."""
    store.visible_loan(session, principal, loan_id)
    loan = store.lock_loan(session, loan_id)
    require_bank_staff(principal, loan)
    if loan.status != "contracted":
        raise ALREADY_DISBURSED(status=loan.status, disbursed_on=str(loan.disbursed_on))
    if value_date < loan.contracted_on:
        raise VALUE_DATE(
            what_zh="放款日",
            value_date=value_date.isoformat(),
            limit_zh="合同签订日",
            limit_en="contract date",
            limit=loan.contracted_on.isoformat(),
        )
    check_value_date(value_date, today or business_date(), what_zh="放款日")
    assets = pledged_assets(session, loan)
    covered = store.pledges_covering(session, loan, assets)
    missing = sorted(a for a in assets if a not in covered)
    if missing:
        raise PLEDGE_NOT_REGISTERED(assets=missing)
    link_pledges(session, loan, sorted(set(covered.values())))
    schedule = build_schedule(
        loan.principal, loan.annual_rate, loan.term_months, value_date, RepaymentMethod(loan.method)
    )
    start = value_date
    for row in schedule.instalments:
        session.add(
            LoanInstalment(
                loan_id=loan.id,
                period=row.period,
                start_date=start,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
                interest_accrued=ZERO,
                paid_principal=ZERO,
                paid_interest=ZERO,
            )
        )
        start = row.due_date
    draft = postings.disbursement(
        loan.bank_id, loan.borrower_id, loan.id, loan.principal, value_date, disbursement_key(loan.id)
    )
    entry = ledger.post(session, principal, draft)
    loan.status = "active"
    loan.disbursed_on = value_date
    loan.maturity_date = schedule.instalments[-1].due_date
    loan.outstanding_principal = loan.principal
    session.flush()
    audit.record(
        session,
        principal,
        "lending.disbursed",
        "loan",
        loan.id,
        {"value_date": value_date.isoformat(), "entry_id": entry.id, "request_key": key},
    )
    publish(
        session,
        "lending.disbursed",
        {"loan_id": loan.id, "amount": str(loan.principal), "value_date": value_date.isoformat()},
        loan.borrower_id,
        also=(loan.bank_id,),
    )
    return loan
