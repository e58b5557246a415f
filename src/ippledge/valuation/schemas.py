"""Valuation report bodies (评估报告接口报文). Values travel as decimal strings in yuan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.web.dates import BusinessDate
from ippledge.web.money import ValuationAmount, Yuan


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ip_asset_id: int
    value: ValuationAmount


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ItemIn] = Field(min_length=1, max_length=200)
    total: ValuationAmount | None = None
    method: str = Field(description="income | market | cost")
    assumptions: Any = Field(default_factory=dict, description="JSON object, e.g. royalty_rate, discount_rate")
    valuation_date: BusinessDate
    valid_until: BusinessDate | None = Field(default=None, description="defaults to one year after the valuation date")


class ItemOut(BaseModel):
    ip_asset_id: int
    value: Yuan


class ReportOut(BaseModel):
    id: int
    report_no: str
    task_id: int
    application_id: int
    bank_id: int
    valuer_id: int
    internal: bool
    signer_user_id: int
    method: str
    assumptions: dict[str, Any]
    valuation_date: dt.date
    valid_until: dt.date
    total: Yuan
    currency: str
    supersedes_id: int | None
    submitted_on: dt.date
    items: list[ItemOut]


class ValuedItemOut(BaseModel):
    report_id: int
    ip_asset_id: int
    value: Yuan
    valuation_date: dt.date
    valid_until: dt.date
