"""Loan request and response bodies (贷款接口报文). Amounts are decimal strings in yuan; dates ISO; rates decimal
fractions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ippledge.web.dates import BusinessDate
from ippledge.web.money import FeeRate, LoanAmount, PaymentAmount, Yuan


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContractIn(_Body):
    decision_id: int
    contract_no: str | None = Field(default=None, max_length=40)


class AttachIn(_Body):
    pledge_ids: list[int] | None = Field(default=None, description="default: every pledge in force on the assets")


class DisburseIn(_Body):
    value_date: BusinessDate | None = Field(default=None, description="default: the business date")


class MoneyIn(_Body):
    amount: PaymentAmount
    currency: str = "CNY"
    value_date: BusinessDate | None = Field(default=None, description="default: the business date")


class RepayIn(MoneyIn):
    prepay: bool = Field(default=False, description="money beyond what is due repays principal early")
    mode: str = Field(default="reduce_payment", description="reduce_payment | reduce_term")
    fee_rate: FeeRate = Field(default=Decimal(0), description="prepayment fee rate on the principal repaid early")


class PayoffIn(_Body):
    value_date: BusinessDate | None = None
    fee_rate: FeeRate = Decimal(0)


class DepositIn(MoneyIn):
    borrower_id: int


class ReasonIn(_Body):
    reason: str = Field(min_length=1, max_length=2000)


class GradeIn(_Body):
    grade: str = Field(description="normal | special_mention | substandard | doubtful | loss")
    reason: str | None = Field(default=None, max_length=2000)


class RestructureIn(_Body):
    reason: str = Field(min_length=1, max_length=2000)
    on: BusinessDate | None = Field(default=None, description="restructuring date (default: the business date)")
    debtor_in_difficulty: bool = Field(
        default=False, description="债务人财务困难: with an NPL, the floor is 次级 substandard instead of 关注"
    )


class WriteOffDecisionIn(_Body):
    approve: bool
    reason: str | None = Field(default=None, max_length=2000)


class ExtensionDecisionIn(WriteOffDecisionIn):
    """展期审批: approve, or reject with the reason."""


# ---- responses (贷款接口应答): money as ``Yuan`` (a decimal string with two places), dates ISO -------------------


class LoanOut(BaseModel):
    """A loan contract (借款合同) and its state."""

    id: int
    contract_no: str
    decision_id: int | None
    application_id: int | None
    bank_id: int
    borrower_id: int
    currency: str
    principal: Yuan
    annual_rate: str = Field(description="decimal fraction, 6 places: 0.035000 = 3.5%")
    penalty_uplift: str = Field(description="penalty interest uplift on the contract rate: 0.5000 = +50%")
    method: str = Field(description="equal-installment | equal-principal | interest-first | bullet")
    term_months: int
    status: str = Field(description="contracted | active | repaid | written_off")
    contracted_on: dt.date | None
    disbursed_on: dt.date | None
    maturity_date: dt.date | None
    closed_on: dt.date | None
    outstanding_principal: Yuan
    dpd: int = Field(description="days past due as of the last close that carried the loan (accrued_through)")
    grade: str = Field(
        description="five-tier grade (五级分类): normal | special_mention | substandard | doubtful | loss"
    )
    grade_reason: str | None
    defaulted_on: dt.date | None
    accrued_through: dt.date | None
    restructured_on: dt.date | None = Field(None, description="贷款重组日 (its floor holds for a year's observation)")
    restructure_floor: str | None = Field(None, description="the grade the loan may not be better than meanwhile")
    recalled_on: dt.date | None = Field(None, description="提前收回日: all principal fell due on it")
    non_accrual: bool = Field(False, description="非应计: more than 90 days past due, interest accrues off balance")
    interest_off: Yuan = Field(Decimal("0.00"), description="表外利息: off-balance interest not yet received")


class BalancesOut(BaseModel):
    """The loan's receivables in the ledger (the book of record)."""

    principal: Yuan
    interest: Yuan
    penalty: Yuan
    advance: Yuan = Field(
        default=Decimal(0), description="代垫费用及应收费用: advances and fees charged on the loan, owed first"
    )


class InstalmentOut(BaseModel):
    """One period of the repayment schedule (还款计划) with what was accrued and paid against it."""

    period: int
    start_date: dt.date
    due_date: dt.date
    principal: Yuan
    interest: Yuan
    payment: Yuan
    interest_accrued: Yuan
    paid_principal: Yuan
    paid_interest: Yuan
    settled_on: dt.date | None


class ChargeIn(_Body):
    kind: Literal["valuation", "insurance", "guarantee", "registration"]
    amount: PaymentAmount
    collect: Literal["receivable", "paid"] = Field(
        "receivable", description="receivable: owed on the loan, settled first; paid: from the borrower's account now"
    )
    payee: Literal["third_party", "bank"] = Field(
        "third_party", description="third_party: the bank paid a valuer, insurer, guarantor or registry; bank: its fee"
    )
    memo: str | None = Field(None, max_length=500)


class ChargeOut(BaseModel):
    """A fee charged on the loan (贷款费用)."""

    id: int
    kind: str
    on: dt.date
    amount: Yuan
    collect: str
    payee: str
    memo: str
    entry_id: int


class LoanDetailOut(LoanOut):
    """The loan with its schedule, its ledger balances, its pledges, its charges and its days past due today."""

    dpd_today: int
    pledge_ids: list[int]
    balances: BalancesOut
    schedule: list[InstalmentOut]
    charges: list[ChargeOut] = Field(default_factory=list, description="贷款费用, oldest first")


class PledgesOut(BaseModel):
    loan_id: int
    pledge_ids: list[int]


class AllocationLineOut(BaseModel):
    """Where part of a receipt went (还款冲抵): ``bucket`` penalty | interest | principal, or for a prepayment
    prepaid_interest | prepaid_principal | fee."""

    period: int
    due_date: dt.date
    bucket: str
    amount: Yuan


class RepaymentOut(BaseModel):
    """A receipt (还款/提前还款/提前结清/核销后收回) and how it was allocated; the loan's state after it."""

    id: int
    loan_id: int
    kind: str = Field(description="repayment | prepayment | payoff | recovery")
    value_date: dt.date
    amount: Yuan
    penalty: Yuan
    interest: Yuan
    principal: Yuan
    fee: Yuan
    entry_id: int
    allocation: list[AllocationLineOut]
    loan_status: str
    outstanding_principal: Yuan


class PayoffQuoteOut(BaseModel):
    """提前结清试算: what a payoff on ``on`` would take."""

    on: dt.date
    overdue: Yuan = Field(description="everything already due (penalty, interest, principal)")
    principal: Yuan
    interest: Yuan = Field(description="interest on the rest of the principal since the last due date")
    fee: Yuan
    days: str = Field(description="days of broken-period interest")
    total: Yuan


class DepositOut(BaseModel):
    entry_id: int
    borrower_id: int
    settlement_balance: Yuan


class WriteOffOut(BaseModel):
    """A write-off (核销) and, once approved, how the loan's allowance absorbed it."""

    id: int
    loan_id: int
    approval_id: int
    status: str = Field(description="proposed | approved | rejected")
    proposed_on: dt.date
    approved_on: dt.date | None
    principal: Yuan
    interest: Yuan
    penalty: Yuan
    allowance_used: Yuan
    allowance_released: Yuan
    entry_id: int | None


class ExtensionIn(_Body):
    months: int = Field(ge=1, le=36, description="months added to the maturity (贷款通则 art. 12 caps the total)")
    reason: str = Field(min_length=1, max_length=2000)
    debtor_in_difficulty: bool = Field(
        default=False, description="债务人财务困难: the extension is then also a restructuring (2023 rules art. 19)"
    )


class ExtensionOut(BaseModel):
    """An extension (展期): proposed by a credit officer, approved or rejected by a different approver."""

    id: int
    loan_id: int
    seq: int = Field(description="1 for the loan's first approved extension; 0 until approved")
    status: Literal["proposed", "approved", "rejected"]
    applied_on: dt.date
    months: int
    from_maturity: dt.date
    to_maturity: dt.date | None = Field(description="the new maturity, once approved")
    reason: str
    debtor_in_difficulty: bool
    pledge_change_filings: list[int]
    proposed_by: str
    decide_by: dt.date | None = Field(description="the approver's deadline (working days)")
    decided_on: dt.date | None


class RenewalIn(_Body):
    kind: Literal["repay_first", "no_repayment"] = Field(
        description="repay_first: 续贷 (the old loan repaid from the borrower's funds first); no_repayment: 无还本续贷 "
        "(the new loan's proceeds repay the old principal; no cash to the borrower)"
    )
    months: int = Field(ge=1, le=36, description="the new loan's term")
    reason: str = Field(min_length=1, max_length=2000)
    amount: LoanAmount | None = Field(None, description="续贷 only: the new principal (default: the outstanding)")
    annual_rate: str | None = Field(None, max_length=12, description="new rate: 0.0385 or 3.85% (default: same)")
    repayment_method: str | None = Field(None, max_length=20, description="default: the old loan's method")
    debtor_in_difficulty: bool = Field(
        default=False, description="债务人财务困难: the renewal is then a restructuring (2023 rules art. 19)"
    )


class SchemeCarryOut(BaseModel):
    """The old loan's risk-sharing enrolment on the renewal (续贷纳入): carried to the new loan, or refused and why."""

    scheme_code: str
    enrolled: bool
    code: str | None = Field(None, description="the refusal's error code, e.g. risk.enrol.ineligible")
    reason_zh: str | None = None
    reason_en: str | None = None


class RenewalOut(BaseModel):
    id: int
    kind: str
    old_loan_id: int
    new_loan_id: int
    on: dt.date
    amount: Yuan
    reason: str
    debtor_in_difficulty: bool
    pledge_change_filings: list[int]
    risk_sharing: SchemeCarryOut | None = Field(
        None, description="the old loan's scheme enrolment carried to the new loan (null: the old loan had none)"
    )


class FloatingIn(_Body):
    every_months: int = Field(description="repricing period in months: 1, 3, 6 or 12 (dates anchored on disbursement)")
    spread_bp: int | None = Field(
        default=None, description="spread over the 1-year LPR in bp (default: the credit decision's rate minus its LPR)"
    )


class FloatingOut(BaseModel):
    loan_id: int
    tenor: str
    spread_bp: int
    every_months: int
    next_on: dt.date


class RateChangeOut(BaseModel):
    on: dt.date
    lpr_date: dt.date
    lpr_bp: int
    spread_bp: int
    from_rate: str
    to_rate: str
    from_period: int
