"""Valuer governance bodies (评估机构监督接口报文): every valuation side by side, flags, the league table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from ippledge.valuation.engine.schemas import ModelValuationOut
from ippledge.web.money import Yuan


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
    value: Yuan
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
    realised_over_appraised: float | None = Field(
        None, description="median realised price / appraised value (成交价/评估价) of its reports behind lots sold"
    )
    realised_reports: int = 0


class LeagueTableOut(BaseModel):
    as_of: dt.date
    thresholds: dict[str, Any]
    valuers: list[ValuerRowOut]
