"""Request and response models of the whitelist routes (白名单接口)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.web.dates import BusinessDate
from ippledge.whitelist.model import MAX_REVERSE_BATCH, DeclineReason


class CriteriaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40, description="the criteria's code; a known code gets a new version")
    name: str = Field(min_length=1, max_length=200)
    effective_from: BusinessDate
    rules: dict[str, Any] = Field(
        description='{"require": [{"fact": "ip_score", "op": ">=", "value": 60}], "any_of": [...], '
        '"weights": {"ip_score": 1, "ip_demonstration": 20}}'
    )


class CriteriaOut(BaseModel):
    id: int
    code: str
    version_no: int
    name: str
    rules: dict[str, Any]
    effective_from: dt.date
    created_by: str


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


class MemberOut(BaseModel):
    rank: int
    enterprise_id: int
    name: str
    uscc: str | None
    score: float
    reasons: list[dict[str, Any]]


class ListOut(BaseModel):
    id: int
    criteria_id: int
    name: str
    as_of: dt.date
    valid_from: dt.date
    valid_to: dt.date
    status: str
    considered: int
    unknown: int
    built_by: str
    reviewed_by: str | None
    review_note: str | None
    published_on: dt.date | None
    members: list[MemberOut]


class PushIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bank_ids: list[int] = Field(min_length=1, max_length=200)
    top_n: int = Field(50, ge=1, le=500, description="how many of the list's top firms to push")
    first_contact_days: int = Field(10, ge=1, le=60, description="working days to first contact a firm")
    next_step_days: int = Field(20, ge=1, le=60, description="working days for each later step")


class StepOut(BaseModel):
    from_state: str | None
    to_state: str
    on: dt.date
    reason_code: str | None
    note: str
    actor: str


class ItemOut(BaseModel):
    id: int
    rank: int
    enterprise_id: int
    name: str
    uscc: str | None
    state: str
    state_on: dt.date
    due_on: dt.date | None
    overdue: bool
    escalated_on: dt.date | None
    furthest: str
    decline_reason: str | None
    branch: str | None
    history: list[StepOut]
    reasons: list[dict[str, Any]] = Field(description="each criterion's verdict on the firm (empty for an event)")
    consented: dict[str, dict[str, Any]] = Field(
        description="source -> fields the firm's consents in force (purpose whitelist) let this bank see, read now"
    )


class PushOut(BaseModel):
    id: int
    whitelist_id: int | None
    event_id: int | None = Field(description="set for an event's follow-up tasks (活动后续对接), which have no list")
    bank_id: int
    pushed_on: dt.date
    first_contact_days: int
    next_step_days: int
    firms: int
    items: list[ItemOut]


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


class AnswerOut(BaseModel):
    line: int
    uscc: str
    found: bool
    enterprise_id: int | None
    name: str | None
    valid_patents: int
    valid_inventions: int
    pledged: bool
    pledges_in_force: int
    pledged_assets: int
    annuity_risk: str
    annuities_past_grace: int
    annuities_in_grace: int
    annuities_due_soon: int
    abnormal_applications: int
    ip_abuse_flag: bool
    whitelisted: bool
    whitelists: list[dict[str, Any]]


class LineErrorOut(BaseModel):
    line: int
    uscc: str
    code: str
    message_zh: str
    message_en: str


class ReverseOut(BaseModel):
    as_of: dt.date
    asked: int
    answered: int
    rejected: int
    answers: list[AnswerOut]
    errors: list[LineErrorOut]
