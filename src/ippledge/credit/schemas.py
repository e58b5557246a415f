"""Credit request and response bodies (授信接口报文). Amounts are decimal strings in yuan; rates in basis points."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.web.dates import BusinessDate
from ippledge.web.money import Coverage, DebtAmountOrZero, LoanAmount, LoanAmountOrZero, LprMultiple, P90Multiple, Yuan


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    kind: str = Field(description="credit_plus_ip | pure_ip_pledge")


class ProductOut(BaseModel):
    id: int
    bank_id: int
    code: str
    name: str
    kind: str


class VersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_from: BusinessDate
    effective_to: BusinessDate | None = None
    min_amount: LoanAmountOrZero
    max_amount: LoanAmount
    max_term_months: int = 36
    ltv_bp: dict[str, int] | None = Field(default=None, description="pledge-rate caps by IP subtype, basis points")
    rate_cap_lpr_multiple: LprMultiple | None = Field(default=None, description="e.g. '1.4' = LPR x 1.4")
    rate_cap_lpr_plus_bp: int | None = Field(default=None, description="e.g. 80 = LPR + 80bp")
    penalty_uplift_bp: int = 5000
    underwriting: str = "none"
    repayment_methods: list[str] | None = None
    ip_required_above: LoanAmountOrZero | None = None
    model_basis_without_report: bool = Field(
        default=False, description="an IP without a valid report may lend on the model's P50 (贷款依据: 模型估值)"
    )
    model_cap_p90_multiple: P90Multiple | None = Field(
        default=None, description="e.g. '1.5': lendable value = min(appraisal, 1.5 x model P90)"
    )
    min_forced_sale_coverage: Coverage | None = Field(
        default=None, description="e.g. '0.5': warn when forced-sale value / amount is below 50%"
    )


class VersionOut(BaseModel):
    id: int
    product_id: int
    version_no: int
    status: str
    effective_from: dt.date
    effective_to: dt.date | None
    ltv_bp: dict[str, int]
    min_amount: Yuan
    max_amount: Yuan
    max_term_months: int
    rate_cap_lpr_multiple: str | None
    rate_cap_lpr_plus_bp: int | None
    penalty_uplift_bp: int
    underwriting: str
    repayment_methods: list[str]
    ip_required_above: Yuan | None
    model_basis_without_report: bool
    model_cap_p90_multiple: str | None
    min_forced_sale_coverage: str | None


class LprIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_date: BusinessDate
    tenor: str = "1y"
    rate_bp: int
    source: str | None = Field(default=None, max_length=500)


class LprOut(BaseModel):
    effective_date: dt.date
    tenor: str
    rate_bp: int
    verified: bool


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: int
    product_version_id: int
    amount: LoanAmount
    currency: str = "CNY"
    term_months: int
    repayment_method: str
    spread_bp: int


class DecisionOut(BaseModel):
    id: int
    application_id: int
    bank_id: int
    borrower_id: int
    product_version_id: int
    status: str
    amount: Yuan
    currency: str
    term_months: int
    repayment_method: str
    spread_bp: int
    lpr_date: dt.date
    lpr_bp: int
    rate_bp: int
    rate_cap_bp: int | None
    penalty_uplift_bp: int
    max_supported: Yuan
    ip_required: bool
    pledged_asset_ids: list[int]
    valuations: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    failures: list[str]
    warnings: list[dict[str, Any]] = Field(description="non-blocking findings: the model's challenges, coverage")
    basis_kind: str | None = Field(description="report | internal | model | mixed (贷款依据)")
    appraisal: Yuan | None = Field(description="the appraisal of record the LTV cap applies to")
    model_p10: Yuan | None
    model_p50: Yuan | None
    model_p90: Yuan | None
    forced_sale: Yuan | None = Field(description="forced-sale value: an LGD input, never the cap")
    ltv_cap_bp: int | None
    forced_sale_coverage: str | None = Field(description="forced-sale value / amount")
    approval_id: int | None
    as_of: dt.date


class DecideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=2000)


class TermsOut(BaseModel):
    decision_id: int
    application_id: int
    bank_id: int
    borrower_id: int
    amount: Yuan
    currency: str
    term_months: int
    annual_rate: str
    rate_bp: int
    penalty_uplift: str
    penalty_annual_rate: str
    repayment_method: str
    pledged_asset_ids: list[int]
    product_version_id: int
    lpr_date: dt.date
    lpr_bp: int
    approved_on: dt.date


class PledgeFilingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registry_id: int
    security_scope: str | None = Field(default=None, max_length=2000)


class PledgeFilingRef(BaseModel):
    filing_id: int
    filing_no: str
    status: str
    ip_asset_ids: list[int]


class SecurityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="property | equipment | receivables | deposit | guarantee | credit")
    amount: LoanAmount = Field(description="the part of the loan this security covers (yuan)")
    note: str = Field(default="", max_length=200)


class AttestationIn(BaseModel):
    """银行报送信息: what the bank attests about the borrower and the loan's other security; omitted = not attested."""

    model_config = ConfigDict(extra="forbid")

    borrower_bank_debt: DebtAmountOrZero | None = Field(
        default=None, description="the borrower's total bank debt (yuan)"
    )
    clean_credit: bool | None = Field(default=None, description="no adverse record in the credit report")
    credit_report_ref: str | None = Field(default=None, max_length=200)
    other_security: list[SecurityIn] = Field(default_factory=list, max_length=50)


class AttestationOut(BaseModel):
    id: int
    application_id: int
    bank_id: int
    borrower_bank_debt: Yuan | None
    clean_credit: bool | None
    credit_report_ref: str | None
    other_security: list[dict[str, str]]
    attested_on: dt.date
    attested_by: int
