"""Access routes (认证与机构管理): login, the caller, parties, users, API keys, approvals."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import select

from ippledge.access import service
from ippledge.access.model import PartyKind, Role
from ippledge.access.schemas import (
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
from ippledge.access.tables import ApiKey, Approval, Party, User
from ippledge.db import utcnow
from ippledge.kernel.errors import not_found
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
def create_party(body: PartyIn, principal: PrincipalDep, session: SessionDep) -> Party:
    """Onboard an institution (机构入驻). Only the platform operator does this."""
    principal.require_kind(PartyKind.PLATFORM)
    principal.require(Role.ADMIN, Role.OPERATOR)
    return service.create_party(session, principal, body.kind, body.name, body.uscc, body.region_code)


@router.get("/parties/{party_id}", response_model=PartyOut)
def get_party(party_id: int, principal: PrincipalDep, session: SessionDep) -> Party:
    """Party directory: institutions are public to every signed-in caller, enterprises only to themselves."""
    party = session.get(Party, party_id)
    visible = party is not None and (
        party.kind != PartyKind.ENTERPRISE.value
        or party.id == principal.party_id
        or principal.party_kind in (PartyKind.PLATFORM, PartyKind.REGULATOR, PartyKind.REGISTRY)
    )
    if party is None or not visible:
        raise not_found("机构", "party", id=party_id)
    return party


def _user_out(session: SessionDep, user: User) -> UserOut:
    return UserOut(
        id=user.id,
        party_id=user.party_id,
        username=user.username,
        display_name=user.display_name,
        roles=sorted(service.user_roles(session, user.id)),
        active=user.active,
    )


@router.post("/parties/{party_id}/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(party_id: int, body: UserIn, principal: PrincipalDep, session: SessionDep) -> UserOut:
    """A party's admin adds users to their own party; the platform operator may seed any party's first admin."""
    if principal.party_id != party_id and principal.party_kind != PartyKind.PLATFORM:
        raise not_found("机构", "party", id=party_id)
    principal.require(Role.ADMIN)
    party = session.get(Party, party_id)
    if party is None:
        raise not_found("机构", "party", id=party_id)
    user = service.create_user(session, principal, party, body.username, body.password, body.roles, body.display_name)
    return _user_out(session, user)


@router.get("/parties/{party_id}/users", response_model=list[UserOut])
def list_users(party_id: int, principal: PrincipalDep, session: SessionDep) -> list[UserOut]:
    if principal.party_id != party_id:
        raise not_found("机构", "party", id=party_id)
    principal.require(Role.ADMIN)
    users = session.scalars(select(User).where(User.party_id == party_id).order_by(User.id))
    return [_user_out(session, u) for u in users]


def _key_out(row: ApiKey, key: str | None = None) -> ApiKeyOut:
    return ApiKeyOut(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        roles=[Role(r) for r in row.roles.split(",") if r],
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        key=key,
    )


@router.post("/api-keys", response_model=ApiKeyOut, status_code=status.HTTP_201_CREATED)
def create_api_key(body: ApiKeyIn, principal: PrincipalDep, session: SessionDep) -> ApiKeyOut:
    """A key for the caller's own party, for system-to-system access (e.g. a bank's core system)."""
    principal.require(Role.ADMIN)
    party = session.get(Party, principal.party_id)
    assert party is not None
    row, key = service.create_api_key(session, principal, party, body.name, body.roles)
    return _key_out(row, key)


@router.get("/api-keys", response_model=list[ApiKeyOut])
def list_api_keys(principal: PrincipalDep, session: SessionDep) -> list[ApiKeyOut]:
    principal.require(Role.ADMIN)
    rows = session.scalars(select(ApiKey).where(ApiKey.party_id == principal.party_id).order_by(ApiKey.id))
    return [_key_out(r) for r in rows]


@router.delete("/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_api_key(key_id: int, principal: PrincipalDep, session: SessionDep) -> None:
    principal.require(Role.ADMIN)
    service.revoke_api_key(session, principal, key_id, utcnow())


@router.get("/approvals", response_model=list[ApprovalOut])
def list_approvals(
    principal: PrincipalDep, session: SessionDep, status_: str = Query("pending", alias="status")
) -> object:
    """The caller's party's maker-checker queue (待复核), pending by default."""
    stmt = select(Approval).where(Approval.party_id == principal.party_id, Approval.status == status_)
    return list(session.scalars(stmt.order_by(Approval.id)))


@router.post("/approvals/{approval_id}/decision", response_model=ApprovalOut)
def decide(approval_id: int, body: ApprovalDecisionIn, principal: PrincipalDep, session: SessionDep) -> object:
    """Maker-checker: a different user with the approver role approves or rejects a proposal."""
    return service.decide(session, principal, approval_id, body.approve, body.reason)
