"""Access request and response bodies (机构、用户与凭证接口报文)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ippledge.access.model import PartyKind, Role
from ippledge.access.queries import BranchView
from ippledge.kernel.text import name_validator
from ippledge.web.dates import RecordDate
from ippledge.web.ids import MAX_ID
from ippledge.web.views import ViewModel

# Names people read: no control, bidirectional or invisible characters (kernel.text).
PartyName = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(name_validator("party name"))]
DisplayName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(name_validator("display name"))]
KeyName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(name_validator("key name"))]


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
    name: PartyName
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
    # Length and the other password rules are checked by access.passwords, with their own error codes.
    password: str = Field(min_length=1, max_length=200)
    display_name: DisplayName | None = None
    roles: list[Role] = Field(min_length=1)


class RolesIn(BaseModel):
    roles: list[Role] = Field(min_length=1)


class PasswordChangeIn(BaseModel):
    old_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class UserOut(BaseModel):
    id: int
    party_id: int
    username: str
    display_name: str
    roles: list[Role]
    active: bool


class ApiKeyIn(BaseModel):
    name: KeyName
    roles: list[Role] = Field(min_length=1, description="only roles the creating user holds")
    expires_at: dt.datetime | None = Field(
        default=None, description="when the key stops working; by default, and at most, IPPLEDGE_API_KEY_MAX_DAYS ahead"
    )


class ApiKeyOut(BaseModel):
    id: int
    name: str
    prefix: str
    roles: list[Role]
    created_at: dt.datetime
    expires_at: dt.datetime | None
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


# -- bank organisation (银行机构) -----------------------------------------------------------------------------------
BranchName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(name_validator("branch name"))]


class BranchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: BranchName
    level: str = Field(description="head_office | branch | sub_branch", max_length=16)
    branch_type: str = Field(
        default="ordinary", max_length=16, description="tech (科技特色) | culture (文化特色) | ordinary"
    )
    region_code: str = Field(pattern=r"^\d{6}$", description="county-level division (区县) code, e.g. 110108")
    opened_on: RecordDate
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class BranchOut(ViewModel, view=BranchView):
    pass


class PostingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(ge=1, le=MAX_ID)
    branch_id: int = Field(ge=1, le=MAX_ID)
    team: str = Field(default="", max_length=40)


class PostingOut(BaseModel):
    user_id: int
    branch_id: int
    team: str
