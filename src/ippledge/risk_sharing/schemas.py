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


class SplitIn(_Body):
    """A loss to split under a scheme (nothing is written)."""

    loss: str | int = Field(description="net principal loss, yuan")
    balance: str | int | None = Field(default=None, description="balance at default (picks the tier); default: loss")
    interest: str | int = "0"
    ip_share_bp: int | None = Field(default=None, ge=0, le=10_000)
    fund_balance: str | int | None = Field(default=None, description="for a scheme whose liability is limited to it")
    as_of: dt.date | None = None


class SimulationIn(_Body):
    """A Monte Carlo run: a homogeneous book (``loans``, ``pd``) or the live enrolled book (``portfolio``)."""

    scheme_code: str
    rho: float = Field(ge=0, lt=1, description="asset correlation")
    lgd: float = Field(ge=0, le=1, description="mean loss given default")
    scenarios: int = Field(ge=1, description="at most 200,000 per request")
    seed: int
    portfolio: bool = False
    loans: int | None = Field(default=None, ge=1, le=100_000_000)
    pd: float | None = Field(default=None, ge=0, le=1)
    exposure: float = Field(default=1_000_000.0, gt=0)
    years: int = Field(default=1, ge=1, le=30)
    fund: float | None = Field(default=None, ge=0)
    contribution: float = Field(default=0.0, ge=0)
    sensitivity: str | None = Field(default=None, description="FROM:TO, e.g. fund:bank")
    as_of: dt.date | None = None
