"""Request and response models of the gateway routes (数据网关接口); a consent and an access answer with the fields
of their query views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.gateway.queries import AccessView, ConsentView
from ippledge.web.ids import MAX_ID
from ippledge.web.views import ViewModel


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


class ConsentOut(ViewModel, view=ConsentView):
    pass


class AccessOut(ViewModel, view=AccessView):
    pass


class ReadOut(BaseModel):
    firm_id: int
    source: str
    purpose: str
    as_of: dt.date
    values: dict[str, Any]
