"""Access request and response bodies (机构、用户与凭证接口报文)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from ippledge.access.model import PartyKind, Role


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    user_id: int
    party_id: int


class MeOut(BaseModel):
    party_id: int
    party_kind: PartyKind
    roles: list[Role]
    user_id: int | None
    api_key_id: int | None
    name: str


class PartyIn(BaseModel):
    kind: PartyKind
    name: str = Field(min_length=1, max_length=200)
    uscc: str | None = None
    region_code: str | None = Field(default=None, pattern=r"^\d{6}$")


class PartyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: PartyKind
    name: str
    uscc: str | None
    region_code: str | None
    active: bool


class UserIn(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=8, max_length=200)
    display_name: str | None = Field(default=None, max_length=100)
    roles: list[Role] = Field(min_length=1)


class UserOut(BaseModel):
    id: int
    party_id: int
    username: str
    display_name: str
    roles: list[Role]
    active: bool


class ApiKeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    roles: list[Role] = Field(min_length=1)


class ApiKeyOut(BaseModel):
    id: int
    name: str
    prefix: str
    roles: list[Role]
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    key: str | None = Field(default=None, description="shown once, at creation")


class ApprovalDecisionIn(BaseModel):
    approve: bool
    reason: str | None = Field(default=None, max_length=2000)


class ApprovalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    subject_type: str
    subject_id: str
    action: str
    status: str
    proposed_by: int
    decided_by: int | None
    reason: str | None
