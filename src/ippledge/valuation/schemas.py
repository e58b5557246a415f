"""Valuation report bodies (评估报告接口报文). Values travel as decimal strings in yuan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ip_asset_id: int
    value: str | int


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ItemIn] = Field(min_length=1, max_length=200)
    total: str | int | None = None
    method: str = Field(description="income | market | cost")
    assumptions: Any = Field(default_factory=dict, description="JSON object, e.g. royalty_rate, discount_rate")
    valuation_date: dt.date
    valid_until: dt.date | None = Field(default=None, description="defaults to one year after the valuation date")


class ItemOut(BaseModel):
    ip_asset_id: int
    value: str


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
    total: str
    currency: str
    supersedes_id: int | None
    submitted_on: dt.date
    items: list[ItemOut]


class ValuedItemOut(BaseModel):
    report_id: int
    ip_asset_id: int
    value: str
    valuation_date: dt.date
    valid_until: dt.date


class ModelValuationOut(BaseModel):
    id: int
    ip_asset_id: int
    as_of: dt.date
    model_version: str
    seed: int
    score: float
    dimensions: dict[str, float | None]
    value_p10: str
    value_p50: str
    value_p90: str
    collateral_value: str
    market_value: str | None
    cost_value: str
    currency: str
    assumptions: dict[str, Any]
    explanation: dict[str, Any]


class ReportValueOut(BaseModel):
    report_id: int
    report_no: str
    valuer_id: int
    bank_id: int | None  # None for an external historical report
    internal: bool
    method: str
    valuation_date: dt.date
    valid_until: dt.date
    value: str
    superseded: bool


class AssetValuationOut(BaseModel):
    """The model valuation and every report visible to the caller, side by side (多方估值并列)."""

    ip_asset_id: int
    model: ModelValuationOut | None
    reports: list[ReportValueOut]


class FlagOut(BaseModel):
    kind: str
    report_id: int | None
    ip_asset_id: int | None
    valuer_id: int
    client_id: int | None
    details: dict[str, Any]


class SideReportOut(BaseModel):
    report_id: int
    valuer_id: int
    client_id: int | None
    internal: bool
    valuation_date: dt.date
    value: str
    vs_model_p50: float | None  # report / model P50


class SideBySideOut(BaseModel):
    """Every valuation of one IP side by side (多方估值并列): the model, each report, and the governance flags."""

    ip_asset_id: int
    model: ModelValuationOut | None
    reports: list[SideReportOut]
    flags: list[FlagOut]
    thresholds_version: str


class ValuerRowOut(BaseModel):
    valuer_id: int
    name: str | None
    reports: int
    compared: int
    median_abs_log_dev: float | None
    mean_abs_log_dev: float | None
    bias: float | None
    raw_bias: float | None
    outside_share: float | None
    realised: int
    realised_median_abs_log_dev: float | None
    flags: int
    flagged: bool
    reasons: list[str]


class LeagueTableOut(BaseModel):
    as_of: dt.date
    thresholds: dict[str, Any]
    valuers: list[ValuerRowOut]
