"""Request and response models of the gateway routes (数据网关接口)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.web.ids import MAX_ID


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grantee_id: int = Field(
        ge=1, le=MAX_ID, description="the bank that may read (for the purpose whitelist also the platform operator)"
    )
    source: str = Field(max_length=16, description="ip_office, copyright, tax, sci_tech or credit_bureau")
    fields: list[str] = Field(min_length=1, max_length=8, description="the source's fields the bank may read")
    purpose: str = Field(
        max_length=24, description="credit_assessment, scheme_eligibility, post_loan, policy_matching or whitelist"
    )
    expires_on: dt.date = Field(description="last day the consent is in force (at most three years)")


class ConsentOut(BaseModel):
    id: int
    firm_id: int
    grantee_id: int
    source: str
    fields: list[str]
    purpose: str
    granted_on: dt.date
    expires_on: dt.date
    granted_by: str
    revoked_at: dt.datetime | None
    revoked_by: str | None
    state: str


class AccessOut(BaseModel):
    id: int
    firm_id: int
    reader_id: int
    actor: str
    consent_id: int | None
    source: str
    field: str
    purpose: str
    business_date: dt.date
    read_at: dt.datetime


class ReadOut(BaseModel):
    firm_id: int
    source: str
    purpose: str
    as_of: dt.date
    values: dict[str, Any]
