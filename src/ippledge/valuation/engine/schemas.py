"""Model valuation bodies (模型估值接口报文): the model beside every report of an IP. Values in yuan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from ippledge.web.money import Yuan


class ModelValuationOut(BaseModel):
    id: int
    ip_asset_id: int
    as_of: dt.date
    model_version: str
    seed: int
    score: float
    dimensions: dict[str, float | None]
    value_p10: Yuan
    value_p50: Yuan
    value_p90: Yuan
    collateral_value: Yuan
    market_value: Yuan | None
    cost_value: Yuan
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
    value: Yuan
    superseded: bool


class AssetValuationOut(BaseModel):
    """The model valuation and every report visible to the caller, side by side (多方估值并列)."""

    ip_asset_id: int
    model: ModelValuationOut | None
    reports: list[ReportValueOut]
