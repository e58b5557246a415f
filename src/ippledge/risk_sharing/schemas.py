"""Risk-sharing request bodies (风险分担接口报文). Amounts are decimal strings in yuan; dates ISO."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PoolIn(_Body):
    scheme_code: str


class ContributionIn(_Body):
    amount: str | int
    value_date: dt.date | None = None


class EnrolIn(_Body):
    loan_id: int
    scheme_code: str


class CoverIn(_Body):
    kind: str = Field(description="pooled_insurance | loan_insurance | guarantee")
    payer_id: int
    premium_rate_bp: int
    start_on: dt.date
    end_on: dt.date
    loan_id: int | None = None
    scheme_code: str | None = None
    insured_amount: str | None = None


class ClaimIn(_Body):
    loan_id: int
    statement: str
    documents: list[str] = Field(default_factory=list, description="references of the evidence documents")


class NoteIn(_Body):
    note: str = ""


class DecisionIn(_Body):
    approve: bool
    reason: str | None = None


class SettlementIn(_Body):
    """预付清算: approve (the default) or reject the proposed settlement; a rejection needs a reason."""

    approve: bool = True
    reason: str | None = None


class RecoveryIn(_Body):
    amount: str | int
    value_date: dt.date | None = None


class SubsidyRuleIn(_Body):
    scheme_code: str
    rule: dict[str, Any]


class SubsidyApplyIn(_Body):
    rule_id: int
    loan_id: int
    year: int
    declared_fee: str | None = None
