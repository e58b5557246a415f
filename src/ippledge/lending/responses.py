"""Loan responses (贷款接口应答): building the API's answers from loan rows (and the bodies stored for replays)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ippledge.kernel.money import from_fen
from ippledge.lending import store
from ippledge.lending.model.delinquency import days_past_due
from ippledge.lending.receipts import receivable
from ippledge.lending.tables import Loan, LoanRepayment, LoanWriteOff


def _d(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def loan_summary(loan: Loan) -> dict[str, Any]:
    return {
        "id": loan.id,
        "contract_no": loan.contract_no,
        "decision_id": loan.decision_id,
        "application_id": loan.application_id,
        "bank_id": loan.bank_id,
        "borrower_id": loan.borrower_id,
        "currency": loan.currency,
        "principal": str(from_fen(loan.principal_fen)),
        "annual_rate": str(Decimal(loan.annual_rate).quantize(Decimal("0.000001"))),
        "penalty_uplift": str(Decimal(loan.penalty_uplift).quantize(Decimal("0.0001"))),
        "method": loan.method,
        "term_months": loan.term_months,
        "status": loan.status,
        "contracted_on": _d(loan.contracted_on),
        "disbursed_on": _d(loan.disbursed_on),
        "maturity_date": _d(loan.maturity_date),
        "closed_on": _d(loan.closed_on),
        "outstanding_principal": str(from_fen(loan.outstanding_principal_fen)),
        "dpd": loan.dpd,
        "grade": loan.grade,
        "grade_reason": loan.grade_reason,
        "defaulted_on": _d(loan.defaulted_on),
        "accrued_through": _d(loan.accrued_through),
    }


def loan_detail(session: Session, loan: Loan, today: dt.date) -> dict[str, Any]:
    rows = store.instalments(session, loan.id)
    oldest = next((r.due_date for r in rows if r.settled_on is None and r.due_date < today), None)
    out = loan_summary(loan)
    out["dpd_today"] = days_past_due(oldest, today) if loan.status == "active" else 0
    out["pledge_ids"] = store.linked_pledges(session, loan.id)
    out["balances"] = {p: str(receivable(session, loan, p)) for p in ("principal", "interest", "penalty")}
    out["schedule"] = [
        {
            "period": r.period,
            "start_date": r.start_date.isoformat(),
            "due_date": r.due_date.isoformat(),
            "principal": str(from_fen(r.principal_fen)),
            "interest": str(from_fen(r.interest_fen)),
            "payment": str(from_fen(r.principal_fen + r.interest_fen)),
            "interest_accrued": str(from_fen(r.interest_accrued_fen)),
            "paid_principal": str(from_fen(r.paid_principal_fen)),
            "paid_interest": str(from_fen(r.paid_interest_fen)),
            "settled_on": _d(r.settled_on),
        }
        for r in rows
    ]
    return out


def repayment_view(rec: LoanRepayment, loan: Loan) -> dict[str, Any]:
    return {
        "id": rec.id,
        "loan_id": rec.loan_id,
        "kind": rec.kind,
        "value_date": rec.value_date.isoformat(),
        "amount": str(from_fen(rec.amount_fen)),
        "penalty": str(from_fen(rec.penalty_fen)),
        "interest": str(from_fen(rec.interest_fen)),
        "principal": str(from_fen(rec.principal_fen)),
        "fee": str(from_fen(rec.fee_fen)),
        "entry_id": rec.entry_id,
        "allocation": json.loads(rec.allocation),
        "loan_status": loan.status,
        "outstanding_principal": str(from_fen(loan.outstanding_principal_fen)),
    }


def write_off_view(row: LoanWriteOff) -> dict[str, Any]:
    return {
        "id": row.id,
        "loan_id": row.loan_id,
        "approval_id": row.approval_id,
        "status": row.status,
        "proposed_on": row.proposed_on.isoformat(),
        "approved_on": _d(row.approved_on),
        "principal": str(from_fen(row.principal_fen)),
        "interest": str(from_fen(row.interest_fen)),
        "penalty": str(from_fen(row.penalty_fen)),
        "allowance_used": str(from_fen(row.allowance_used_fen)),
        "allowance_released": str(from_fen(row.allowance_released_fen)),
        "entry_id": row.entry_id,
    }
