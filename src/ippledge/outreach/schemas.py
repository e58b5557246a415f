"""Request and response models of the event routes (对接活动接口); an event and a sign-up answer with the fields of
their query views."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from ippledge.outreach.model import MAX_BANKS, MAX_CAPACITY, EventKind
from ippledge.outreach.queries import EventView, SignupView
from ippledge.web.ids import MAX_ID
from ippledge.web.views import ViewModel


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: EventKind = Field(description="training (培训), roadshow (路演) or park_campaign (入园惠企)")
    title: str = Field(min_length=1, max_length=200)
    held_on: dt.date = Field(description="the day of the event; sign-ups close at its end")
    capacity: int = Field(ge=1, le=MAX_CAPACITY, description="places for firms")
    bank_ids: list[int] = Field(min_length=1, max_length=MAX_BANKS, description="banks invited: they follow up")
    park: str | None = Field(None, max_length=100, description="the park (园区) of a park campaign")
    region_code: str | None = Field(None, pattern=r"^\d{6}$", description="administrative division code")
    note: str = Field("", max_length=2000)


class EventOut(ViewModel, view=EventView):
    pass


class SignupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enterprise_id: int | None = Field(None, ge=1, le=MAX_ID, description="the operator signs a firm up; a firm omits")


class SignupOut(ViewModel, view=SignupView):
    pass


class SignupFileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content_base64: str = Field(
        max_length=1_500_000, description="CSV (UTF-8) or Excel (.xlsx) with a header row holding a uscc column"
    )
    all_or_nothing: bool = Field(False, description="sign up no one when any line is bad (the bad lines still listed)")


class LineErrorOut(BaseModel):
    line: int
    uscc: str
    code: str
    message_zh: str
    message_en: str


class SignupFileOut(BaseModel):
    event_id: int
    total: int
    loaded: int
    rejected: int
    errors: list[LineErrorOut]


class AttendanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enterprise_ids: list[int] = Field(min_length=1, max_length=MAX_CAPACITY)
    attended: bool = True


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_contact_days: int = Field(10, ge=1, le=60, description="working days to first contact each firm")
    next_step_days: int = Field(20, ge=1, le=60, description="working days for each later step")


class FollowUpOut(BaseModel):
    push_id: int = Field(description="the bank's follow-up tasks, read and worked as /whitelist-pushes/{id}")
    bank_id: int
    firms: int
