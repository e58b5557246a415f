"""Request and response models of the demand routes (融资需求接口); a demand answers with the fields of its query
view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.demand.model import GroupBy, Use
from ippledge.demand.queries import DemandView
from ippledge.web.dates import BusinessDate
from ippledge.web.ids import MAX_ID
from ippledge.web.money import Yuan, YuanIn
from ippledge.web.views import ViewModel


class DemandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enterprise_id: int | None = Field(None, ge=1, description="the firm (operator entries); a firm enters its own")
    amount: YuanIn
    term_months: int = Field(ge=1, le=120)
    use: Use
    ip_asset_ids: list[int] = Field(default_factory=list, max_length=200, description="IP the firm offers to pledge")
    needed_by: BusinessDate | None = None
    note: str = Field("", max_length=2000)
    event_id: int | None = Field(None, ge=1, le=MAX_ID, description="the event where the demand was collected")


class DemandOut(ViewModel, view=DemandView):
    amount: Yuan  # the view's Decimal as a yuan string


class SurveyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(
        min_length=1, max_length=7_000_000, description="the CSV (UTF-8) or .xlsx file, base64-encoded"
    )


class SurveyOut(BaseModel):
    id: int
    filename: str
    fmt: str
    total: int
    loaded: int
    rejected: int
    errors: list[dict[str, Any]]


class MatchOut(BaseModel):
    rank: int
    outcome: str
    bank_id: int
    product_id: int
    product_code: str
    product_name: str
    rate_cap_bp: int | None
    lending_value: str | None
    checks: list[dict[str, Any]]


class FunnelOut(BaseModel):
    key: str
    counts: dict[str, int]
    rates: dict[str, float | None]
    lent_amount: str


class FunnelQuery(BaseModel):
    start: dt.date
    end: dt.date
    by: GroupBy = GroupBy.BANK
