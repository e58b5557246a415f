"""Delivery request and response bodies (投递接口报文). Instants are ISO 8601 UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="webhook", max_length=100)
    url: str = Field(description="http(s) endpoint on the receiver's side, e.g. https://core.bank.example/ippledge")
    topics: list[str] = Field(description='topic patterns: "*", "lending.*", "pledge.registered"')
    scope: str = Field(default="own", description="own: events concerning the party; all: regulator/platform only")


class SubscriptionOut(BaseModel):
    id: int
    name: str
    url: str
    topics: list[str]
    scope: str
    active: bool
    created_at: dt.datetime
    secret_rotated_at: dt.datetime | None
    previous_secret_until: dt.datetime | None = Field(
        default=None, description="until then the secret replaced by the last rotation signs too"
    )
    deactivated_at: dt.datetime | None
    secret: str | None = Field(default=None, description="the signing secret: shown once, at creation or rotation")


class AttemptOut(BaseModel):
    at: dt.datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    outcome: str


class DeliveryOut(BaseModel):
    id: int
    subscription_id: int
    event_id: int
    topic: str | None = None
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: dt.datetime | None
    dead_at: dt.datetime | None
    history: list[AttemptOut] | None = None


class EventOut(BaseModel):
    id: int
    seq: int = Field(description="feed position: resume with after=<the last seq you processed>")
    topic: str
    occurred_at: dt.datetime
    payload: dict[str, Any]


class FeedOut(BaseModel):
    events: list[EventOut]
    next_after: int = Field(description="pass as after= on the next poll")
