"""Provisioning request and response bodies (贷款损失准备接口报文): money as ``Yuan`` strings, rates and ratios as
decimal strings (0.015 = 1.5%), dates ISO. The report is also what ``ippledge loan provisions --json`` prints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.lending.provisioning import model as pm
from ippledge.web.dates import BusinessDate
from ippledge.web.money import Yuan


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str = Field(min_length=1, max_length=40)
    effective_from: BusinessDate
    specific_bp: dict[str, int] = Field(
        default_factory=dict,
        description="specific rates by grade in basis points; only substandard (2000-3000) and doubtful "
        "(4000-6000) may differ from 银发〔2002〕98号",
    )
    general_bp: int = Field(pm.DEFAULT_GENERAL_BP, description="general rate on performing loans, basis points")
    coverage_min_bp: int = Field(pm.DEFAULT_COVERAGE_MIN_BP, description="拨备覆盖率 floor, 12000-15000")
    loan_ratio_min_bp: int = Field(pm.DEFAULT_LOAN_RATIO_MIN_BP, description="贷款拨备率 floor, 150-250")
    notes: str = Field("", max_length=500)


class PolicyVersionOut(BaseModel):
    """A stored policy version (计提政策版本) and its whole document."""

    id: int
    bank_id: int | None = Field(description="null: the platform default")
    version_no: int
    effective_from: dt.date
    policy: dict[str, Any] = Field(description="the policy document (format ippledge.provision-policy/1)")


class GradeLineOut(BaseModel):
    grade: str
    grade_zh: str
    loans: int
    outstanding: Yuan
    rate: str | None = Field(description="allowance rate of the grade; null where banks with different rates add up")
    required_allowance: Yuan
    held_allowance: Yuan
    forced_sale_recoverable: Yuan = Field(
        description="what a forced sale of the pledged IP would recover (<= outstanding)"
    )
    unsecured: Yuan = Field(description="LGD x exposure at forced-sale value (a loan without one counts whole)")


class TotalsOut(BaseModel):
    loans: int
    outstanding: Yuan
    npl: Yuan = Field(description="non-performing loans (不良贷款): substandard, doubtful, loss")
    required_allowance: Yuan
    held_allowance: Yuan
    forced_sale_recoverable: Yuan
    unsecured: Yuan
    npl_unsecured: Yuan = Field(description="NPL principal a forced sale of the pledged IP would not recover")
    npl_lgd: str | None = Field(description="loss given default of the NPLs at forced-sale value; null without NPLs")


class RatiosOut(BaseModel):
    npl_ratio: str | None = Field(description="不良率; null for an empty book")
    provision_coverage: str | None = Field(description="拨备覆盖率 = allowance / NPL; null without NPLs")
    provision_coverage_min: str
    provision_coverage_breach: bool
    loan_provision_ratio: str | None = Field(description="贷款拨备率 = allowance / loans; null for an empty book")
    loan_provision_ratio_min: str
    loan_provision_ratio_breach: bool


class SummaryOut(BaseModel):
    """Per five-tier grade, the totals and the regulatory ratios."""

    grades: list[GradeLineOut]
    totals: TotalsOut
    ratios: RatiosOut


class PolicyRefOut(BaseModel):
    version: str
    effective_from: dt.date


class BankProvisionsOut(SummaryOut):
    """One bank's book under its policy in force."""

    bank_id: int
    bank: str
    policy: PolicyRefOut


class ProvisionsOut(BaseModel):
    """Every bank the caller may see, and the total (against the platform default's thresholds)."""

    as_of: dt.date | None = Field(description="null: the books as they stand after the last close")
    policy_date: dt.date = Field(description="the date whose policies apply")
    banks: list[BankProvisionsOut]
    total: SummaryOut


class BankReportOut(BankProvisionsOut):
    """One bank's provisions (``GET /banks/{id}/provisions``)."""

    as_of: dt.date | None
    policy_date: dt.date


def summary_out(summary: pm.ProvisionSummary) -> SummaryOut:
    """The response form of a summary: money as yuan, rates and ratios as decimal fractions."""

    def ratio(value: object) -> str | None:
        return None if value is None else str(value)

    return SummaryOut(
        grades=[
            GradeLineOut(
                grade=x.grade.code,
                grade_zh=x.grade.zh,
                loans=x.loans,
                outstanding=x.outstanding,
                rate=None if x.rate_bp is None else pm.bp_fraction(x.rate_bp),
                required_allowance=x.required,
                held_allowance=x.held,
                forced_sale_recoverable=x.recoverable,
                unsecured=x.unsecured,
            )
            for x in summary.lines
        ],
        totals=TotalsOut(
            loans=summary.loans,
            outstanding=summary.outstanding,
            npl=summary.npl,
            required_allowance=summary.required,
            held_allowance=summary.held,
            forced_sale_recoverable=summary.recoverable,
            unsecured=summary.unsecured,
            npl_unsecured=summary.npl_unsecured,
            npl_lgd=ratio(summary.npl_lgd),
        ),
        ratios=RatiosOut(
            npl_ratio=ratio(summary.npl_ratio),
            provision_coverage=ratio(summary.coverage_ratio),
            provision_coverage_min=pm.bp_fraction(summary.coverage_min_bp),
            provision_coverage_breach=summary.coverage_breach,
            loan_provision_ratio=ratio(summary.loan_provision_ratio),
            loan_provision_ratio_min=pm.bp_fraction(summary.loan_ratio_min_bp),
            loan_provision_ratio_breach=summary.loan_ratio_breach,
        ),
    )
