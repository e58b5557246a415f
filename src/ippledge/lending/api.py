"""Loan routes (贷款接口): contracts, disbursement, repayments, payoff, deposits, default, grading, write-off.

Every money-moving POST needs an ``Idempotency-Key`` header and runs through ``OnceDep`` (``web.idempotency``): a
retry returns the first response and never moves money twice. A loan is visible to its bank and borrower (and to
the regulator and the platform); anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.lending import receipts, repayment, responses, service
from ippledge.lending.errors import PREPAYMENT_FEE, PREPAYMENT_MODE
from ippledge.lending.model.prepayment import PrepaymentMode
from ippledge.lending.schemas import (
    AttachIn,
    ContractIn,
    DepositIn,
    DepositOut,
    DisburseIn,
    GradeIn,
    LoanDetailOut,
    LoanOut,
    MoneyIn,
    PayoffIn,
    PayoffQuoteOut,
    PledgesOut,
    ReasonIn,
    RepayIn,
    RepaymentOut,
    RestructureIn,
    WriteOffDecisionIn,
    WriteOffOut,
)
from ippledge.lending.tables import Loan, LoanRepayment
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.idempotency import OnceDep

router = APIRouter(tags=["lending"])


def _rate(text: str) -> Decimal:
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise PREPAYMENT_FEE(fee_rate=repr(text)) from None
    if not rate.is_finite():  # NaN cannot even be compared with the limits: refuse it here
        raise PREPAYMENT_FEE(fee_rate=repr(text))
    return rate


def _mode(text: str) -> PrepaymentMode:
    try:
        return PrepaymentMode(text)
    except ValueError:
        raise PREPAYMENT_MODE(mode=repr(text)) from None


def _receipt(session: Session, rec: LoanRepayment) -> dict[str, Any]:
    loan = session.get(Loan, rec.loan_id)
    assert loan is not None
    return responses.repayment_out(rec, loan).model_dump(mode="json")


@router.post("/loans", status_code=201)
def create_contract(body: ContractIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> LoanDetailOut:
    """借款合同: from an approved credit decision of the caller's bank."""
    loan = service.create_contract(session, principal, body.decision_id, today, body.contract_no)
    return responses.loan_detail(session, loan, today)


@router.get("/loans")
def list_loans(
    principal: PrincipalDep, session: SessionDep, status: str | None = Query(None, max_length=16)
) -> list[LoanOut]:
    stmt = scope.scoped(Loan, principal).order_by(Loan.id)
    if status:
        stmt = stmt.where(Loan.status == status)
    return [responses.loan_out(loan) for loan in session.scalars(stmt)]


@router.get("/loans/{loan_id}")
def get_loan(loan_id: int, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> LoanDetailOut:
    """The loan with its schedule, its balances from the ledger, days past due and grade."""
    return responses.loan_detail(session, service.visible_loan(session, principal, loan_id), today)


@router.post("/loans/{loan_id}/pledges")
def attach_pledges(loan_id: int, body: AttachIn, principal: PrincipalDep, session: SessionDep) -> PledgesOut:
    return PledgesOut(loan_id=loan_id, pledge_ids=service.attach_pledges(session, principal, loan_id, body.pledge_ids))


@router.post("/loans/{loan_id}/disbursement", response_model=LoanDetailOut)
def disburse(
    loan_id: int, body: DisburseIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """放款: only when every pledged asset is under a registered pledge to this bank."""
    value_date = body.value_date or today

    def act() -> dict[str, Any]:
        loan = service.disburse(session, principal, loan_id, value_date, once.key, today)
        return responses.loan_detail(session, loan, today).model_dump(mode="json")

    return once({"loan_id": loan_id, "value_date": value_date}, act)


@router.post("/loans/{loan_id}/repayments", status_code=201, response_model=RepaymentOut)
def repay(
    loan_id: int, body: RepayIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """还款: from the borrower's settlement account; ``prepay`` lets money beyond what is due repay principal early."""
    value_date = body.value_date or today

    def act() -> dict[str, Any]:
        rec = service.repay(
            session,
            principal,
            loan_id,
            body.amount,
            value_date,
            str(once.key),
            currency=body.currency,
            prepay=body.prepay,
            mode=_mode(body.mode),
            fee_rate=_rate(body.fee_rate),
            today=today,
        )
        return _receipt(session, rec)

    return once({"loan_id": loan_id, **body.model_dump(), "value_date": value_date}, act, 201)


@router.get("/loans/{loan_id}/payoff-quote")
def payoff_quote(
    loan_id: int,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    on: dt.date | None = None,
    fee_rate: str = "0",
) -> PayoffQuoteOut:
    return repayment.quote(session, principal, loan_id, on or today, _rate(fee_rate))


@router.post("/loans/{loan_id}/payoff", status_code=201, response_model=RepaymentOut)
def payoff(
    loan_id: int, body: PayoffIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """提前结清: everything due, the rest of the principal and interest to the value date."""
    value_date = body.value_date or today

    def act() -> dict[str, Any]:
        rec = service.payoff(session, principal, loan_id, value_date, str(once.key), _rate(body.fee_rate), today)
        return _receipt(session, rec)

    return once({"loan_id": loan_id, "value_date": value_date, "fee_rate": body.fee_rate}, act, 201)


@router.post("/deposits", status_code=201, response_model=DepositOut)
def deposit(
    body: DepositIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """存入还款资金: the caller's bank records cash received for the borrower's settlement account."""
    value_date = body.value_date or today

    def act() -> dict[str, Any]:
        entry_id = service.deposit(
            session, principal, body.borrower_id, body.amount, value_date, str(once.key), body.currency, today
        )
        balance = receipts.settlement_balance(session, body.borrower_id)
        out = DepositOut(entry_id=entry_id, borrower_id=body.borrower_id, settlement_balance=balance)
        return out.model_dump(mode="json")

    return once({**body.model_dump(), "value_date": value_date}, act, 201)


@router.post("/loans/{loan_id}/default")
def declare_default(
    loan_id: int, body: ReasonIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> LoanOut:
    return responses.loan_out(service.declare_default(session, principal, loan_id, today, body.reason))


@router.post("/loans/{loan_id}/grade")
def set_grade(loan_id: int, body: GradeIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> LoanOut:
    """五级分类: the bank's grade, never better than the days-past-due floor; worse needs a reason."""
    return responses.loan_out(service.set_grade(session, principal, loan_id, body.grade, body.reason, today))


@router.post("/loans/{loan_id}/restructure")
def restructure(
    loan_id: int, body: RestructureIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> LoanOut:
    """贷款重组: flags the loan restructured; it is at least 关注 (次级 for an NPL of a debtor in difficulty) for a
    year's observation period (2023 classification rules art. 19-20)."""
    loan = service.restructure(
        session,
        principal,
        loan_id,
        body.reason,
        on=body.on,
        debtor_in_difficulty=body.debtor_in_difficulty,
        today=today,
    )
    return responses.loan_out(loan)


@router.post("/loans/{loan_id}/write-off", status_code=201)
def propose_write_off(
    loan_id: int, body: ReasonIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> WriteOffOut:
    """核销申请: a credit officer proposes; a different approver decides."""
    return responses.write_off_out(service.propose_write_off(session, principal, loan_id, today, body.reason))


@router.post("/loan-write-offs/{write_off_id}/decision")
def decide_write_off(
    write_off_id: int, body: WriteOffDecisionIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> WriteOffOut:
    row = service.decide_write_off(session, principal, write_off_id, body.approve, body.reason, today)
    return responses.write_off_out(row)


@router.post("/loans/{loan_id}/recoveries", status_code=201, response_model=RepaymentOut)
def record_recovery(
    loan_id: int, body: MoneyIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """核销后收回: cash recovered on a written-off loan."""
    value_date = body.value_date or today

    def act() -> dict[str, Any]:
        rec = service.record_recovery(
            session, principal, loan_id, body.amount, value_date, str(once.key), body.currency, today
        )
        return _receipt(session, rec)

    return once({"loan_id": loan_id, **body.model_dump(), "value_date": value_date}, act, 201)
