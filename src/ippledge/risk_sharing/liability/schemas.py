"""Liability-chain requests and responses (职业责任保险接口报文). Amounts are decimal strings in yuan."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from ippledge.web.dates import BusinessDate
from ippledge.web.money import CoverAmount, CoverAmountOrZero, PoolAmount, Yuan

if TYPE_CHECKING:
    from ippledge.risk_sharing.liability.tables import LiabilityPolicy


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyIn(_Body):
    """Terms left out are taken from the scheme's preset terms in force on ``start_on`` (``liability.presets``)."""

    scheme_code: str
    insured_id: int = Field(description="the IP operations institution: policyholder and insured")
    insured_amount: CoverAmount
    start_on: BusinessDate
    end_on: BusinessDate
    per_claim_limit: CoverAmountOrZero | None = None  # 0 is refused by the terms rule (risk.liability.terms)
    aggregate_limit: CoverAmountOrZero | None = None
    deductible: CoverAmountOrZero | None = None
    exclusions: list[str] | None = Field(default=None, description="causes not covered (model.Cause values)")
    premium_rate_bp: int | None = None
    subsidy_bp: int | None = None
    subsidy_cap: CoverAmountOrZero | None = None


class PolicyOut(BaseModel):
    id: int
    scheme_code: str
    insurer_id: int
    insured_id: int
    per_claim_limit: Yuan
    aggregate_limit: Yuan
    deductible: Yuan
    exclusions: list[str]
    insured_amount: Yuan
    premium_rate_bp: int
    premium: Yuan
    premium_paid: Yuan
    subsidy_paid: Yuan
    indemnified: Yuan = Field(description="indemnities paid so far, against the aggregate limit")
    aggregate_left: Yuan
    start_on: dt.date
    end_on: dt.date

    @classmethod
    def of(cls, row: LiabilityPolicy) -> PolicyOut:
        return cls(
            id=row.id,
            scheme_code=row.scheme_code,
            insurer_id=row.insurer_id,
            insured_id=row.insured_id,
            per_claim_limit=row.per_claim_limit,
            aggregate_limit=row.aggregate_limit,
            deductible=row.deductible,
            exclusions=[c for c in row.exclusions.split(",") if c],
            insured_amount=row.insured_amount,
            premium_rate_bp=row.premium_rate_bp,
            premium=row.premium,
            premium_paid=row.premium_paid,
            subsidy_paid=row.subsidy_paid,
            indemnified=row.indemnified,
            aggregate_left=max(row.aggregate_limit - row.indemnified, 0),
            start_on=row.start_on,
            end_on=row.end_on,
        )


class LiabilityClaimIn(_Body):
    risk_claim_id: int = Field(description="the compensation claim on which the institution paid the bank")
    cause: str = Field(default="professional_service", description="model.Cause value")
    statement: str


class LiabilityClaimOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    policy_id: int
    risk_claim_id: int
    insured_id: int
    insurer_id: int
    cause: str
    loss: Yuan
    status: str = Field(description="filed | settled | declined")
    indemnity: Yuan
    deductible: Yuan
    limited_by: str
    filed_on: dt.date
    settled_on: dt.date | None


class CoContributionIn(_Body):
    amount: PoolAmount
    value_date: BusinessDate | None = None


class CoFundingOut(BaseModel):
    scheme_code: str
    balance: Yuan
    co_funding: dict[str, Yuan] = Field(description="paid in by source: district_ip_office, ip_operator")


class DisposalAgentIn(_Body):
    agent_id: int
    mandate: str = ""


class DisposalAgentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    loan_id: int
    bank_id: int
    agent_id: int
    appointed_on: dt.date
    mandate: str
