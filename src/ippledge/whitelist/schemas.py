"""Request and response models of the whitelist routes (白名单接口); the answers carry the fields of the query views
and of the reverse push's results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.web.dates import BusinessDate
from ippledge.web.views import ViewModel
from ippledge.whitelist import queries
from ippledge.whitelist.model import MAX_REVERSE_BATCH, DeclineReason
from ippledge.whitelist.service import LineError, ReverseAnswer


class CriteriaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40, description="the criteria's code; a known code gets a new version")
    name: str = Field(min_length=1, max_length=200)
    effective_from: BusinessDate
    rules: dict[str, Any] = Field(
        description='{"require": [{"fact": "ip_score", "op": ">=", "value": 60}], "any_of": [...], '
        '"weights": {"ip_score": 1, "ip_demonstration": 20}}'
    )


class CriteriaOut(ViewModel, view=queries.CriteriaView):
    pass


class BuildIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    criteria_id: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=200)
    as_of: BusinessDate
    valid_from: BusinessDate
    valid_to: BusinessDate


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: str = Field(pattern="^(approve|reject)$", description="approve (publish) or reject")
    note: str = Field("", max_length=2000)


class MemberOut(ViewModel, view=queries.MemberView):
    pass


class ListOut(ViewModel, view=queries.ListView, nested={queries.MemberView: MemberOut}):
    pass


class PushIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bank_ids: list[int] = Field(min_length=1, max_length=200)
    top_n: int = Field(50, ge=1, le=500, description="how many of the list's top firms to push")
    first_contact_days: int = Field(10, ge=1, le=60, description="working days to first contact a firm")
    next_step_days: int = Field(20, ge=1, le=60, description="working days for each later step")


class StepOut(ViewModel, view=queries.StepView):
    pass


class ItemOut(
    ViewModel,
    view=queries.ItemView,
    nested={queries.StepView: StepOut},
    descriptions={
        "reasons": "each criterion's verdict on the firm (empty for an event)",
        "consented": "source -> fields the firm's consents in force (purpose whitelist) let this bank see, read now",
    },
):
    pass


class PushOut(
    ViewModel,
    view=queries.PushView,
    nested={queries.ItemView: ItemOut},
    descriptions={"event_id": "set for an event's follow-up tasks (活动后续对接), which have no list"},
):
    pass


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: str = Field(
        max_length=12, description="contacted, visited, applied, approved or declined (forward only; declined ends it)"
    )
    reason_code: DeclineReason | None = Field(None, description="required with declined")
    note: str = Field("", max_length=2000)
    branch: str | None = Field(None, max_length=100, description="the branch (支行) working the firm")


class EscalationOut(BaseModel):
    as_of: dt.date
    escalated: int


class ReverseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    usccs: list[str] = Field(min_length=1, max_length=MAX_REVERSE_BATCH, description="applicants' USCCs, one a line")


class AnswerOut(ViewModel, view=ReverseAnswer):
    pass


class LineErrorOut(ViewModel, view=LineError):
    pass


class ReverseOut(BaseModel):
    as_of: dt.date
    asked: int
    answered: int
    rejected: int
    answers: list[AnswerOut]
    errors: list[LineErrorOut]
