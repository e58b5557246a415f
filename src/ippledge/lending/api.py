"""Loan routes (贷款接口): contracts, disbursement, repayments, payoff, deposits, default, grading, write-off.

Every money-moving POST needs an ``Idempotency-Key`` header and runs through ``OnceDep`` (``web.idempotency``): a
retry returns the first response and never moves money twice. A loan is visible to its bank and borrower (and to
the regulator and the platform); anyone else gets 404.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.lending import receipts, repayment, responses, service
from ippledge.lending.errors import PREPAYMENT_MODE
from ippledge.lending.model.charges import ChargeKind, Collect, Payee
from ippledge.lending.model.interest import parse_rate
from ippledge.lending.model.prepayment import PrepaymentMode
from ippledge.lending.model.renewal import RenewalKind
from ippledge.lending.model.schedule import RepaymentMethod
from ippledge.lending.schemas import (
    AttachIn,
    ChargeIn,
    ChargeOut,
    ContractIn,
    DepositIn,
    DepositOut,
    DisburseIn,
    ExtensionDecisionIn,
    ExtensionIn,
    ExtensionOut,
    FloatingIn,
    FloatingOut,
    GradeIn,
    LoanDetailOut,
    LoanOut,
    MoneyIn,
    PayoffIn,
    PayoffQuoteOut,
    PledgesOut,
    RateChangeOut,
    ReasonIn,
    RenewalIn,
    RenewalOut,
    RepayIn,
    RepaymentOut,
    RestructureIn,
    SchemeCarryOut,
    WriteOffDecisionIn,
    WriteOffOut,
)
from ippledge.lending.tables import Loan, LoanExtension, LoanRenewal, LoanRepayment
from ippledge.web.dates import BusinessDate
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.idempotency import OnceDep
from ippledge.web.ids import IdPath
from ippledge.web.money import FeeRate

router = APIRouter(tags=["lending"])


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
def get_loan(loan_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> LoanDetailOut:
    """The loan with its schedule, its balances from the ledger, days past due and grade."""
    return responses.loan_detail(session, service.visible_loan(session, principal, loan_id), today)


@router.post("/loans/{loan_id}/pledges")
def attach_pledges(loan_id: IdPath, body: AttachIn, principal: PrincipalDep, session: SessionDep) -> PledgesOut:
    return PledgesOut(loan_id=loan_id, pledge_ids=service.attach_pledges(session, principal, loan_id, body.pledge_ids))


@router.post("/loans/{loan_id}/disbursement", response_model=LoanDetailOut)
def disburse(
    loan_id: IdPath, body: DisburseIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """放款: only when every pledged asset is under a registered pledge to this bank."""
    value_date = body.value_date or today

    def act() -> dict[str, Any]:
        loan = service.disburse(session, principal, loan_id, value_date, once.key, today)
        return responses.loan_detail(session, loan, today).model_dump(mode="json")

    return once({"loan_id": loan_id, "value_date": value_date}, act)


@router.post("/loans/{loan_id}/repayments", status_code=201, response_model=RepaymentOut)
def repay(
    loan_id: IdPath, body: RepayIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
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
            fee_rate=body.fee_rate,
            today=today,
        )
        return _receipt(session, rec)

    return once({"loan_id": loan_id, **body.model_dump(), "value_date": value_date}, act, 201)


@router.get("/loans/{loan_id}/payoff-quote")
def payoff_quote(
    loan_id: IdPath,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    on: BusinessDate | None = None,
    fee_rate: FeeRate = Decimal(0),
) -> PayoffQuoteOut:
    return repayment.quote(session, principal, loan_id, on or today, fee_rate)


@router.post("/loans/{loan_id}/payoff", status_code=201, response_model=RepaymentOut)
def payoff(
    loan_id: IdPath, body: PayoffIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """提前结清: everything due, the rest of the principal and interest to the value date."""
    value_date = body.value_date or today

    def act() -> dict[str, Any]:
        rec = service.payoff(session, principal, loan_id, value_date, str(once.key), body.fee_rate, today)
        return _receipt(session, rec)

    return once({"loan_id": loan_id, "value_date": value_date, "fee_rate": body.fee_rate}, act, 201)


@router.post("/loans/{loan_id}/charges", status_code=201, response_model=ChargeOut)
def charge(
    loan_id: IdPath, body: ChargeIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """贷款费用: the bank charges a valuation, insurance, guarantee or registration fee on the loan, owed (settled
    first by the next repayment, Civil Code art. 561) or paid by the borrower at once."""

    def act() -> dict[str, Any]:
        row = service.post_charge(
            session, principal, loan_id, ChargeKind(body.kind), body.amount, Collect(body.collect),
            Payee(body.payee), today, str(once.key), body.memo,
        )  # fmt: skip
        return ChargeOut.model_validate(row, from_attributes=True).model_dump(mode="json")

    return once({"loan_id": loan_id, **body.model_dump(mode="json")}, act, 201)


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
    loan_id: IdPath, body: ReasonIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> LoanOut:
    return responses.loan_out(service.declare_default(session, principal, loan_id, today, body.reason))


@router.post("/loans/{loan_id}/grade")
def set_grade(loan_id: IdPath, body: GradeIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> LoanOut:
    """五级分类: the bank's grade, never better than the days-past-due floor; worse needs a reason."""
    return responses.loan_out(service.set_grade(session, principal, loan_id, body.grade, body.reason, today))


@router.post("/loans/{loan_id}/restructure")
def restructure(
    loan_id: IdPath, body: RestructureIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
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


def _extension_out(e: LoanExtension) -> ExtensionOut:
    return ExtensionOut(
        id=e.id,
        loan_id=e.loan_id,
        seq=e.seq,
        status=e.status,  # one of the three, written by lending.extension only
        applied_on=e.applied_on,
        months=e.months,
        from_maturity=e.from_maturity,
        to_maturity=e.to_maturity,
        reason=e.reason,
        debtor_in_difficulty=e.debtor_in_difficulty,
        pledge_change_filings=json.loads(e.filing_ids),
        proposed_by=e.actor,
        decide_by=e.decide_by,
        decided_on=e.decided_on,
    )


@router.post("/loans/{loan_id}/extension", status_code=201, response_model=ExtensionOut)
def extend(
    loan_id: IdPath, body: ExtensionIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> ExtensionOut:
    """展期申请: the bank's credit officer proposes moving the maturity before it arrives; a different approver
    decides (``POST /loans/{loan_id}/extensions/{id}/decision``)."""
    ext = service.propose_extension(
        session, principal, loan_id, body.months, body.reason, today, debtor_in_difficulty=body.debtor_in_difficulty
    )
    return _extension_out(ext)


@router.post("/loans/{loan_id}/extensions/{extension_id}/decision", response_model=ExtensionOut)
def decide_extension(
    loan_id: IdPath,
    extension_id: IdPath,
    body: ExtensionDecisionIn,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
) -> ExtensionOut:
    """展期审批: approving re-amortises the principal not yet due, files a pledge change extending the registered
    debt term for each pledge (the pledgor confirms it: its written consent) and, with a debtor in difficulty,
    restructures the loan (2023 rules art. 19); rejecting (with the reason) changes nothing. Never the proposer."""
    row = service.decide_extension(session, principal, loan_id, extension_id, body.approve, body.reason, today)
    return _extension_out(row)


def _renewal_out(r: LoanRenewal) -> RenewalOut:
    return RenewalOut(
        id=r.id,
        kind=r.kind,
        old_loan_id=r.old_loan_id,
        new_loan_id=r.new_loan_id,
        on=r.on,
        amount=r.amount,
        reason=r.reason,
        debtor_in_difficulty=r.debtor_in_difficulty,
        pledge_change_filings=json.loads(r.filing_ids),
        risk_sharing=None if r.scheme_carry is None else SchemeCarryOut(**json.loads(r.scheme_carry)),
    )


@router.post("/loans/{loan_id}/renewal", status_code=201, response_model=RenewalOut)
def renew(
    loan_id: IdPath, body: RenewalIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> RenewalOut:
    """续贷 / 无还本续贷: the bank's approver replaces the maturing loan with a new one on the same pledge (no release);
    a pledge change moves the secured amount and term; a debtor in difficulty makes it a restructuring."""
    row = service.renew(
        session,
        principal,
        loan_id,
        RenewalKind(body.kind),
        body.months,
        body.reason,
        today,
        amount=body.amount,
        annual_rate=parse_rate(body.annual_rate) if body.annual_rate else None,
        method=RepaymentMethod.parse(body.repayment_method) if body.repayment_method else None,
        debtor_in_difficulty=body.debtor_in_difficulty,
    )
    return _renewal_out(row)


@router.get("/loans/{loan_id}/extensions", response_model=list[ExtensionOut])
def extensions(loan_id: IdPath, principal: PrincipalDep, session: SessionDep) -> list[ExtensionOut]:
    """The loan's extensions (展期记录), first first."""
    loan = service.visible_loan(session, principal, loan_id)
    return [_extension_out(e) for e in service.extensions_of(session, loan.id)]


@router.post("/loans/{loan_id}/floating-rate", status_code=201, response_model=FloatingOut)
def set_floating(
    loan_id: IdPath, body: FloatingIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> FloatingOut:
    """浮动利率条款: LPR + spread, repriced by the daily close on each repricing date (every N months from
    disbursement) for the periods that start then."""
    row = service.set_floating(session, principal, loan_id, body.every_months, today, body.spread_bp)
    return FloatingOut(
        loan_id=row.loan_id,
        tenor=row.tenor,
        spread_bp=row.spread_bp,
        every_months=row.every_months,
        next_on=row.next_on,
    )


@router.get("/loans/{loan_id}/rate-changes", response_model=list[RateChangeOut])
def rate_changes(loan_id: IdPath, principal: PrincipalDep, session: SessionDep) -> list[RateChangeOut]:
    """The loan's repricings (重定价记录), oldest first."""
    loan = service.visible_loan(session, principal, loan_id)
    return [
        RateChangeOut(
            on=c.on,
            lpr_date=c.lpr_date,
            lpr_bp=c.lpr_bp,
            spread_bp=c.spread_bp,
            from_rate=f"{c.from_rate:.6f}",
            to_rate=f"{c.to_rate:.6f}",
            from_period=c.from_period,
        )
        for c in service.rate_changes(session, loan.id)
    ]


@router.post("/loans/{loan_id}/write-off", status_code=201)
def propose_write_off(
    loan_id: IdPath, body: ReasonIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> WriteOffOut:
    """核销申请: a credit officer proposes; a different approver decides."""
    return responses.write_off_out(service.propose_write_off(session, principal, loan_id, today, body.reason))


@router.post("/loan-write-offs/{write_off_id}/decision")
def decide_write_off(
    write_off_id: IdPath, body: WriteOffDecisionIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> WriteOffOut:
    row = service.decide_write_off(session, principal, write_off_id, body.approve, body.reason, today)
    return responses.write_off_out(row)


@router.post("/loans/{loan_id}/recoveries", status_code=201, response_model=RepaymentOut)
def record_recovery(
    loan_id: IdPath, body: MoneyIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """核销后收回: cash recovered on a written-off loan."""
    value_date = body.value_date or today

    def act() -> dict[str, Any]:
        rec = service.record_recovery(
            session, principal, loan_id, body.amount, value_date, str(once.key), body.currency, today
        )
        return _receipt(session, rec)

    return once({"loan_id": loan_id, **body.model_dump(), "value_date": value_date}, act, 201)
