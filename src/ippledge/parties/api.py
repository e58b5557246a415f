"""Access routes (认证与机构管理): login, the caller, parties, users, API keys, approvals.

The HTTP edge of the access platform: it lives above ``web`` (whose request dependencies authenticate through
``access.service``), so ``access`` itself never imports the HTTP kit. Reads go through ``access.queries``, changes
through ``access.service``.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, status

from ippledge.access import queries, service
from ippledge.access.model import PartyKind, Role
from ippledge.db import utcnow
from ippledge.kernel.errors import not_found
from ippledge.parties.schemas import (
    ApiKeyIn,
    ApiKeyOut,
    ApprovalDecisionIn,
    ApprovalOut,
    LoginIn,
    MeOut,
    PartyIn,
    PartyOut,
    TokenOut,
    UserIn,
    UserOut,
)
from ippledge.web.deps import PrincipalDep, SessionDep

router = APIRouter(tags=["access"])


@router.post("/auth/login", response_model=TokenOut)
def login(body: LoginIn, request: Request, session: SessionDep) -> TokenOut:
    ttl = request.app.state.settings.token_ttl_minutes
    token, user = service.login(session, body.username, body.password, utcnow(), ttl)
    return TokenOut(access_token=token, expires_in=ttl * 60, user_id=user.id, party_id=user.party_id)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, principal: PrincipalDep, session: SessionDep) -> None:
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    service.logout(session, token, utcnow())


@router.get("/me", response_model=MeOut)
def me(principal: PrincipalDep) -> MeOut:
    return MeOut(
        party_id=principal.party_id,
        party_kind=principal.party_kind,
        roles=sorted(principal.roles),
        user_id=principal.user_id,
        api_key_id=principal.api_key_id,
        name=principal.name,
    )


@router.post("/parties", response_model=PartyOut, status_code=status.HTTP_201_CREATED)
def create_party(body: PartyIn, principal: PrincipalDep, session: SessionDep) -> PartyOut:
    """Onboard an institution (机构入驻). Only the platform operator does this."""
    principal.require_kind(PartyKind.PLATFORM)
    principal.require(Role.ADMIN, Role.OPERATOR)
    party = service.create_party(session, principal, body.kind, body.name, body.uscc, body.region_code)
    return PartyOut.model_validate(party)


@router.get("/parties/{party_id}", response_model=PartyOut)
def get_party(party_id: int, principal: PrincipalDep, session: SessionDep) -> PartyOut:
    """Party directory: institutions are public to every signed-in caller, enterprises only to themselves."""
    party = queries.party(session, party_id)
    visible = party is not None and (
        party.kind is not PartyKind.ENTERPRISE
        or party.id == principal.party_id
        or principal.party_kind in (PartyKind.PLATFORM, PartyKind.REGULATOR, PartyKind.REGISTRY)
    )
    if party is None or not visible:
        raise not_found("机构", "party", id=party_id)
    return PartyOut.model_validate(party)


def _user_out(user: queries.UserView) -> UserOut:
    return UserOut(
        id=user.id,
        party_id=user.party_id,
        username=user.username,
        display_name=user.display_name,
        roles=sorted(user.roles),
        active=user.active,
    )


@router.post("/parties/{party_id}/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(party_id: int, body: UserIn, principal: PrincipalDep, session: SessionDep) -> UserOut:
    """A party's admin adds users to their own party; the platform operator may seed any party's first admin."""
    if principal.party_id != party_id and principal.party_kind != PartyKind.PLATFORM:
        raise not_found("机构", "party", id=party_id)
    principal.require(Role.ADMIN)
    party = queries.party(session, party_id)
    if party is None:
        raise not_found("机构", "party", id=party_id)
    user = service.create_user(session, principal, party, body.username, body.password, body.roles, body.display_name)
    view = queries.user_view(session, user.id)
    assert view is not None
    return _user_out(view)


@router.get("/parties/{party_id}/users", response_model=list[UserOut])
def list_users(party_id: int, principal: PrincipalDep, session: SessionDep) -> list[UserOut]:
    if principal.party_id != party_id:
        raise not_found("机构", "party", id=party_id)
    principal.require(Role.ADMIN)
    return [_user_out(u) for u in queries.users_of(session, party_id)]


def _key_out(row: queries.ApiKeyView, key: str | None = None) -> ApiKeyOut:
    return ApiKeyOut(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        roles=list(row.roles),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        key=key,
    )


@router.post("/api-keys", response_model=ApiKeyOut, status_code=status.HTTP_201_CREATED)
def create_api_key(body: ApiKeyIn, principal: PrincipalDep, session: SessionDep) -> ApiKeyOut:
    """A key for the caller's own party, for system-to-system access (e.g. a bank's core system)."""
    principal.require(Role.ADMIN)
    party = queries.party(session, principal.party_id)
    assert party is not None
    row, key = service.create_api_key(session, principal, party, body.name, body.roles)
    (view,) = [k for k in queries.api_keys_of(session, principal.party_id) if k.id == row.id]
    return _key_out(view, key)


@router.get("/api-keys", response_model=list[ApiKeyOut])
def list_api_keys(principal: PrincipalDep, session: SessionDep) -> list[ApiKeyOut]:
    principal.require(Role.ADMIN)
    return [_key_out(k) for k in queries.api_keys_of(session, principal.party_id)]


@router.delete("/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_api_key(key_id: int, principal: PrincipalDep, session: SessionDep) -> None:
    principal.require(Role.ADMIN)
    service.revoke_api_key(session, principal, key_id, utcnow())


@router.get("/approvals", response_model=list[ApprovalOut])
def list_approvals(
    principal: PrincipalDep, session: SessionDep, status_: str = Query("pending", alias="status")
) -> list[ApprovalOut]:
    """The caller's party's maker-checker queue (待复核), pending by default."""
    return [ApprovalOut.model_validate(a) for a in queries.approvals_of(session, principal.party_id, status_)]


@router.post("/approvals/{approval_id}/decision", response_model=ApprovalOut)
def decide(approval_id: int, body: ApprovalDecisionIn, principal: PrincipalDep, session: SessionDep) -> ApprovalOut:
    """Maker-checker: a different user with the approver role approves or rejects a proposal."""
    return ApprovalOut.model_validate(
        service.decide_generic(session, principal, approval_id, body.approve, body.reason)
    )
