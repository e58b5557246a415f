"""Request and response models of the policy-matching routes (政策匹配接口)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FeesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    valuation_fee: Decimal | None = Field(None, ge=0, le=Decimal("1e9"), max_digits=14, decimal_places=2)
    annual_premium: Decimal | None = Field(None, ge=0, le=Decimal("1e9"), max_digits=14, decimal_places=2)
    annual_guarantee_fee: Decimal | None = Field(None, ge=0, le=Decimal("1e9"), max_digits=14, decimal_places=2)


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Decimal = Field(gt=0, le=Decimal("1e10"), max_digits=14, decimal_places=2, description="yuan")
    term_months: int = Field(ge=1, le=360)
    annual_rate: Decimal = Field(gt=0, lt=1, max_digits=8, decimal_places=6, description="fraction, 0.035")
    method: str = Field("interest-first", max_length=20, description="equal-installment, equal-principal, ...")
    start_on: dt.date | None = Field(None, description="planned settlement date; today when omitted")
    ip_types: list[str] = Field(default_factory=lambda: ["invention"], max_length=6)
    other_security: Decimal = Field(Decimal(0), ge=0, le=Decimal("1e10"), max_digits=14, decimal_places=2)
    fees: FeesIn = Field(default_factory=FeesIn)


class ReasonOut(BaseModel):
    code: str
    path: str
    message_zh: str
    message_en: str


class MatchOut(BaseModel):
    kind: str
    code: str
    version: str
    name_zh: str
    name_en: str
    subsidy_kind: str | None
    qualifies: bool
    reasons: list[ReasonOut]
    rules_checked: list[str]
    saving: str | None
    saving_basis: str
    workings: dict[str, Any]


class ReportOut(BaseModel):
    firm_id: int
    loan_id: int | None
    as_of: dt.date
    facts: dict[str, Any]
    matches: list[MatchOut]
    subsidy_saving: str
