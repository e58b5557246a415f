"""Pledge registration request and response bodies (质押登记接口报文). Amounts travel as decimal strings (``Yuan``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from ippledge.web.dates import BusinessDate
from ippledge.web.money import LoanAmount, Yuan


class FilingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registry_id: int
    pledgor_id: int
    pledgee_id: int
    ip_numbers: list[str] = Field(default_factory=list, max_length=200)
    ip_asset_ids: list[int] = Field(default_factory=list, max_length=200)
    debt_type: str | None = Field(default=None, max_length=40)
    debt_amount: LoanAmount | None = Field(default=None, description="decimal string in yuan, e.g. '5000000.00'")
    debt_start: BusinessDate | None = None
    debt_end: BusinessDate | None = None
    security_scope: str | None = Field(default=None, max_length=2000)
    forfeiture_clause: bool = False
    confirms_same_day_dual: bool = False
    confirms_invalidation_pending: bool = False
    consenting_coowner_ids: list[int] = Field(default_factory=list, max_length=50)
    coowner_agreement: str | None = Field(default=None, max_length=200, description="共有人特别约定的编号或说明")


class ChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    debt_amount: LoanAmount | None = None
    debt_end: BusinessDate | None = None
    pledgor_id: int | None = None
    pledgee_id: int | None = None


class ReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)
    proof: str | None = Field(
        default=None, max_length=500, description="主债权消灭的证明（结清证明编号等）; with it one party may file alone"
    )


class RefuseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codes: list[str] = Field(min_length=1, max_length=17)
    note: str | None = Field(default=None, max_length=2000)


class SettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_limit_working_days: int | None = Field(default=None, ge=1, le=60)
    registration_prefix: str | None = None
    ip_kinds: list[str] | None = None
    day_basis: str | None = Field(default=None, description="working | calendar: how the time limit's days count")


class SettingsOut(BaseModel):
    registry_id: int
    time_limit_working_days: int
    registration_prefix: str
    ip_kinds: list[str]
    version: int
    day_basis: str


class WarningOut(BaseModel):
    code: str
    message_zh: str
    message_en: str


class RefusalOut(BaseModel):
    code: str
    ground: int
    message_zh: str
    message_en: str
    asset_id: int | None
    number: str | None
    details: dict[str, object]


class ItemOut(BaseModel):
    ip_asset_id: int
    kind: str
    number: str
    title: str


class FilingOut(BaseModel):
    id: int
    filing_no: str
    kind: str
    status: str
    pledge_id: int | None
    registry_id: int
    pledgor_id: int
    pledgee_id: int
    debt_type: str | None
    debt_amount: Yuan | None
    currency: str
    debt_start: dt.date | None
    debt_end: dt.date | None
    security_scope: str | None
    forfeiture_clause: bool
    confirms_same_day_dual: bool
    confirms_invalidation_pending: bool
    consenting_coowner_ids: list[int]
    coowner_agreement: str | None = None
    change: dict[str, object] | None
    pledgor_confirmed: bool
    pledgee_confirmed: bool
    submitted_on: dt.date | None
    due_on: dt.date | None
    decided_on: dt.date | None
    refusal_codes: list[str] | None
    decision_note: str | None
    registration_no: str | None
    items: list[ItemOut]
    precheck: list[RefusalOut] | None = None  # preview of refusals before a decision
    warnings: list[WarningOut] = Field(default_factory=list)  # recorded, not refused (流质条款)


class PledgeOut(BaseModel):
    id: int
    registration_no: str
    registry_id: int
    pledgor_id: int
    pledgee_id: int
    debt_amount: Yuan
    currency: str
    debt_end: dt.date
    effective_on: dt.date
    released_on: dt.date | None
    status: str
    version: int
    items: list[ItemOut]


class PledgeOnDateOut(BaseModel):
    pledge_id: int
    registration_no: str
    registry_id: int
    pledgor_id: int
    pledgee_id: int
    debt_amount: Yuan | None  # None: a gazette extract (登记公告) for a register reader that is not a party
    currency: str
    debt_end: dt.date
    effective_on: dt.date
    released_on: dt.date | None
    version: int
    in_force_on_date: bool
    redacted: bool
