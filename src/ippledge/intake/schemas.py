"""One-stop application request and response bodies (受理接口报文). Amounts travel as decimal strings in yuan."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from ippledge.web.dates import BusinessDate
from ippledge.web.money import LoanAmount, LoanAmountOrZero, Yuan


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: LoanAmount = Field(description="decimal string in yuan, e.g. '3000000.00'")
    currency: str = "CNY"
    term_months: int
    purpose: str = Field(max_length=2000)
    ip_asset_ids: list[int] = Field(default_factory=list, max_length=200)
    ip_numbers: list[str] = Field(default_factory=list, max_length=200)
    banks: list[int] | str = Field(description='bank party ids, or "any" for every bank offering an active product')
    consent_party_ids: list[int] = Field(default_factory=list, max_length=100)


class PrecheckOut(BaseModel):
    """One refusal the registry's pre-check would give on the offered IP (登记预审); ``blocking``: the parties cannot
    clear it in the pledge filing itself (a lapsed annuity, a pledge in force, a dead or sealed right)."""

    code: str
    ground: int
    message_zh: str
    message_en: str
    asset_id: int | None
    number: str | None
    details: dict[str, object]
    blocking: bool


class ApplicationOut(BaseModel):
    id: int
    application_no: str
    applicant_id: int
    amount: Yuan
    currency: str
    term_months: int
    purpose: str
    any_bank: bool
    green_channel: bool
    status: str
    submitted_on: dt.date
    withdrawn_on: dt.date | None
    ip_asset_ids: list[int]
    precheck: list[PrecheckOut] | None = None  # the registry's pre-check on the offered IP, when asked for


class TaskOut(BaseModel):
    id: int
    application_id: int
    kind: str
    assignee_id: int
    assignee_name: str
    bank_id: int
    status: str
    channel: str
    opened_on: dt.date
    since: dt.date
    due_on: dt.date
    limit_days: int
    working_days_elapsed: int
    overdue: bool
    closed_on: dt.date | None
    reason: str | None
    result_ref: str | None


class TimelineOut(BaseModel):
    application: ApplicationOut
    as_of: dt.date
    tasks: list[TaskOut]


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000)


class OptionalReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=2000)


class ValuationRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valuer_id: int | None = Field(default=None, description="omit for the bank's own internal valuation")


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party_id: int


class ConsentOut(BaseModel):
    party_id: int
    basis: str
    granted_on: dt.date
    revoked_on: dt.date | None


class TimeLimitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task_kind: str
    channel: str = "standard"
    working_days: int
    effective_from: BusinessDate
    note: str | None = Field(default=None, max_length=500)


class TimeLimitOut(BaseModel):
    task_kind: str
    channel: str
    working_days: int
    source: str  # "default" or the effective date of the record used


class GreenChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party_id: int
    since: BusinessDate
    until: BusinessDate | None = None
    reason: str = Field(max_length=500)


class GreenChannelOut(BaseModel):
    id: int
    party_id: int
    since: dt.date
    until: dt.date | None
    reason: str


class ThresholdOut(BaseModel):
    """The internal-valuation threshold (内部评估门槛) recorded, from its effective date."""

    amount: Yuan
    effective_from: dt.date


class ThresholdIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: LoanAmountOrZero
    effective_from: BusinessDate
    note: str | None = Field(default=None, max_length=500)
