"""Loan responses (贷款接口应答): the API's answers built from loan rows as the typed models of ``schemas``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.lending import store
from ippledge.lending.charges import charges_of
from ippledge.lending.model.delinquency import days_past_due, is_non_accrual
from ippledge.lending.receipts import receivables
from ippledge.lending.schemas import (
    AllocationLineOut,
    BalancesOut,
    ChargeOut,
    InstalmentOut,
    LoanDetailOut,
    LoanOut,
    RepaymentOut,
    WriteOffOut,
)
from ippledge.lending.tables import Loan, LoanRepayment, LoanWriteOff

RATE_PLACES = Decimal("0.000001")
UPLIFT_PLACES = Decimal("0.0001")


def loan_out(loan: Loan) -> LoanOut:
    return LoanOut(
        id=loan.id,
        contract_no=loan.contract_no,
        decision_id=loan.decision_id,
        application_id=loan.application_id,
        bank_id=loan.bank_id,
        borrower_id=loan.borrower_id,
        currency=loan.currency,
        principal=loan.principal,
        annual_rate=str(Decimal(loan.annual_rate).quantize(RATE_PLACES)),
        penalty_uplift=str(Decimal(loan.penalty_uplift).quantize(UPLIFT_PLACES)),
        method=loan.method,
        term_months=loan.term_months,
        status=loan.status,
        contracted_on=loan.contracted_on,
        disbursed_on=loan.disbursed_on,
        maturity_date=loan.maturity_date,
        closed_on=loan.closed_on,
        outstanding_principal=loan.outstanding_principal,
        dpd=loan.dpd,
        grade=loan.grade,
        grade_reason=loan.grade_reason,
        defaulted_on=loan.defaulted_on,
        accrued_through=loan.accrued_through,
        restructured_on=loan.restructured_on,
        restructure_floor=loan.restructure_floor,
        recalled_on=loan.recalled_on,
        non_accrual=is_non_accrual(loan.dpd),
        interest_off=loan.interest_off if loan.interest_off is not None else Decimal("0.00"),
    )


def loan_detail(session: Session, loan: Loan, today: dt.date) -> LoanDetailOut:
    rows = store.instalments(session, loan.id)
    oldest = next((r.due_date for r in rows if r.settled_on is None and r.due_date < today), None)
    return LoanDetailOut(
        **dict(loan_out(loan)),
        dpd_today=days_past_due(oldest, today) if loan.status == "active" else 0,
        pledge_ids=store.linked_pledges(session, loan.id),
        charges=[
            ChargeOut(
                id=c.id,
                kind=c.kind,
                on=c.on,
                amount=c.amount,
                collect=c.collect,
                payee=c.payee,
                memo=c.memo,
                entry_id=c.entry_id,
            )
            for c in charges_of(session, loan.id)
        ],
        balances=BalancesOut(**receivables(session, loan, ("principal", "interest", "penalty", "advance"))),
        schedule=[
            InstalmentOut(
                period=r.period,
                start_date=r.start_date,
                due_date=r.due_date,
                principal=r.principal,
                interest=r.interest,
                payment=r.principal + r.interest,
                interest_accrued=r.interest_accrued,
                paid_principal=r.paid_principal,
                paid_interest=r.paid_interest,
                settled_on=r.settled_on,
            )
            for r in rows
        ],
    )


def repayment_out(rec: LoanRepayment, loan: Loan) -> RepaymentOut:
    return RepaymentOut(
        id=rec.id,
        loan_id=rec.loan_id,
        kind=rec.kind,
        value_date=rec.value_date,
        amount=rec.amount,
        penalty=rec.penalty,
        interest=rec.interest,
        principal=rec.principal,
        fee=rec.fee,
        entry_id=rec.entry_id,
        allocation=[AllocationLineOut.model_validate(line) for line in json.loads(rec.allocation)],
        loan_status=loan.status,
        outstanding_principal=loan.outstanding_principal,
    )


def write_off_out(row: LoanWriteOff) -> WriteOffOut:
    return WriteOffOut.model_validate(row, from_attributes=True)
