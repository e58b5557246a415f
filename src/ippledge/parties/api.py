"""Access routes (认证与机构管理): login, the caller, parties, users, API keys, approvals.

The HTTP edge of the access platform: it lives above ``web`` (whose request dependencies authenticate through
``access.service``), so ``access`` itself never imports the HTTP kit. Reads go through ``access.queries``, changes
through ``access.service``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter, Query, Request, status
from sqlalchemy.orm import Session

from ippledge.access import queries, service
from ippledge.access.model import LoginPolicy, PartyKind, Principal, Role
from ippledge.access.passwords import PasswordPolicy
from ippledge.config import Settings
from ippledge.db import unit_of_work, utcnow
from ippledge.kernel.errors import IppledgeError, not_found
from ippledge.parties.schemas import (
    ApiKeyIn,
    ApiKeyOut,
    ApprovalDecisionIn,
    ApprovalOut,
    BranchIn,
    BranchOut,
    LoginIn,
    MeOut,
    PartyIn,
    PartyOut,
    PasswordChangeIn,
    PostingIn,
    PostingOut,
    RolesIn,
    TokenOut,
    UserIn,
    UserOut,
)
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["access"])
T = TypeVar("T")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def login_policy(settings: Settings) -> LoginPolicy:
    """The login throttling rules as the settings give them."""
    return LoginPolicy(
        account_threshold=settings.login_account_threshold,
        address_threshold=settings.login_address_threshold,
        base_seconds=settings.login_lock_base_seconds,
        max_seconds=settings.login_lock_max_seconds,
        window_seconds=settings.login_window_seconds,
    )


def _password_policy(request: Request) -> PasswordPolicy:
    return PasswordPolicy(min_length=_settings(request).password_min_length)


def _keeping_failures(request: Request, act: Callable[..., T]) -> T:
    """Run ``act(session)`` in its own transaction that commits even when ``act`` refuses: a failed login is counted
    and audited, and a rollback would forget it. The refusal is raised after the commit."""
    refused: IppledgeError | None = None
    with unit_of_work(request.app.state.session_factory) as session:
        try:
            result = act(session)
        except IppledgeError as exc:
            refused = exc
    if refused is not None:
        raise refused
    return result


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@router.post("/auth/login", response_model=TokenOut)
def login(body: LoginIn, request: Request) -> TokenOut:
    """Sign in (登录). Repeated failures pause logins for the account and for the source address (429 ``auth.locked``,
    the wait in ``details.retry_after``); every failure is audited."""
    settings = _settings(request)
    ttl = settings.token_ttl_minutes
    address = request.client.host if request.client else None
    token, user_id, party_id = _keeping_failures(
        request,
        lambda s: _login(s, body, address, ttl, login_policy(settings)),
    )
    return TokenOut(access_token=token, expires_in=ttl * 60, user_id=user_id, party_id=party_id)


def _login(session: Session, body: LoginIn, address: str | None, ttl: int, policy: LoginPolicy) -> tuple[str, int, int]:
    token, user = service.login(session, body.username, body.password, utcnow(), ttl, address, policy)
    return token, user.id, user.party_id


@router.post("/auth/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(body: PasswordChangeIn, request: Request, principal: PrincipalDep) -> None:
    """Change one's own password (修改密码), giving the old one; the user's other sessions end, this one goes on."""
    settings = _settings(request)
    _keeping_failures(
        request,
        lambda s: service.change_password(
            s,
            principal,
            body.old_password,
            body.new_password,
            utcnow(),
            _bearer(request),
            _password_policy(request),
            login_policy(settings),
        ),
    )


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
def get_party(party_id: IdPath, principal: PrincipalDep, session: SessionDep) -> PartyOut:
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
def create_user(
    party_id: IdPath, body: UserIn, request: Request, principal: PrincipalDep, session: SessionDep
) -> UserOut:
    """A party's admin adds users to its own party. The platform's admin may only open a new party: its first user,
    an ``admin``, while the party has no users. An API key never creates people."""
    if principal.party_id != party_id and principal.party_kind != PartyKind.PLATFORM:
        raise not_found("机构", "party", id=party_id)
    party = queries.party(session, party_id)
    if party is None:
        raise not_found("机构", "party", id=party_id)
    user = service.create_user(
        session,
        principal,
        party,
        body.username,
        body.password,
        body.roles,
        body.display_name,
        _password_policy(request),
    )
    return _user_out(_view(session, user.id))


def _view(session: Session, user_id: int) -> queries.UserView:
    view = queries.user_view(session, user_id)
    assert view is not None
    return view


def _own_party(principal: Principal, party_id: int) -> None:
    if principal.party_id != party_id:
        raise not_found("机构", "party", id=party_id)


@router.put("/parties/{party_id}/users/{user_id}/roles", response_model=UserOut)
def set_roles(
    party_id: IdPath, user_id: IdPath, body: RolesIn, principal: PrincipalDep, session: SessionDep
) -> UserOut:
    """The party's admin sets a user's roles; keys the user made with a role it loses are revoked."""
    _own_party(principal, party_id)
    service.set_roles(session, principal, user_id, body.roles, utcnow())
    return _user_out(_view(session, user_id))


@router.post("/parties/{party_id}/users/{user_id}/deactivate", response_model=UserOut)
def deactivate_user(party_id: IdPath, user_id: IdPath, principal: PrincipalDep, session: SessionDep) -> UserOut:
    """Stop a user (停用): its sessions and the API keys it made are revoked at once."""
    _own_party(principal, party_id)
    service.deactivate_user(session, principal, user_id, utcnow())
    return _user_out(_view(session, user_id))


@router.post("/parties/{party_id}/users/{user_id}/activate", response_model=UserOut)
def activate_user(party_id: IdPath, user_id: IdPath, principal: PrincipalDep, session: SessionDep) -> UserOut:
    """Let a stopped user sign in again (启用); old sessions and keys stay revoked."""
    _own_party(principal, party_id)
    service.activate_user(session, principal, user_id)
    return _user_out(_view(session, user_id))


@router.get("/parties/{party_id}/users", response_model=list[UserOut])
def list_users(party_id: IdPath, principal: PrincipalDep, session: SessionDep) -> list[UserOut]:
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
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        key=key,
    )


@router.post("/api-keys", response_model=ApiKeyOut, status_code=status.HTTP_201_CREATED)
def create_api_key(body: ApiKeyIn, request: Request, principal: PrincipalDep, session: SessionDep) -> ApiKeyOut:
    """A key for the caller's own party, for system-to-system access (e.g. a bank's core system): made by a signed-in
    admin, carrying only roles that admin holds, and expiring."""
    principal.require(Role.ADMIN)
    party = queries.party(session, principal.party_id)
    assert party is not None
    row, key = service.create_api_key(
        session,
        principal,
        party,
        body.name,
        body.roles,
        utcnow(),
        body.expires_at,
        _settings(request).api_key_max_days,
    )
    (view,) = [k for k in queries.api_keys_of(session, principal.party_id) if k.id == row.id]
    return _key_out(view, key)


@router.get("/api-keys", response_model=list[ApiKeyOut])
def list_api_keys(principal: PrincipalDep, session: SessionDep) -> list[ApiKeyOut]:
    principal.require(Role.ADMIN)
    return [_key_out(k) for k in queries.api_keys_of(session, principal.party_id)]


@router.delete("/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_api_key(key_id: IdPath, principal: PrincipalDep, session: SessionDep) -> None:
    principal.require(Role.ADMIN)
    service.revoke_api_key(session, principal, key_id, utcnow())


@router.get("/approvals", response_model=list[ApprovalOut])
def list_approvals(
    principal: PrincipalDep, session: SessionDep, status_: str = Query("pending", alias="status")
) -> list[ApprovalOut]:
    """The caller's party's maker-checker queue (待复核), pending by default."""
    return [ApprovalOut.model_validate(a) for a in queries.approvals_of(session, principal.party_id, status_)]


@router.post("/approvals/{approval_id}/decision", response_model=ApprovalOut)
def decide(approval_id: IdPath, body: ApprovalDecisionIn, principal: PrincipalDep, session: SessionDep) -> ApprovalOut:
    """Maker-checker: a different user with the approver role approves or rejects a proposal."""
    return ApprovalOut.model_validate(
        service.decide_generic(session, principal, approval_id, body.approve, body.reason)
    )


# -- bank organisation (银行机构: head office, branches, sub-branches; officers posted to them) ---------------------


def _branch_out(b: queries.BranchView) -> BranchOut:
    return BranchOut.model_validate(b)


@router.get("/banks/{bank_id}/branches")
def bank_branches(bank_id: IdPath, principal: PrincipalDep, session: SessionDep) -> list[BranchOut]:
    """The bank's units (总行、分行、支行) with their type (科技特色 / 文化特色 / ordinary) and region: the bank itself,
    the platform and the regulator; anyone else 404."""
    return [_branch_out(b) for b in queries.visible_branches(session, principal, bank_id)]


@router.post("/banks/{bank_id}/branches", status_code=status.HTTP_201_CREATED)
def open_branch(bank_id: IdPath, body: BranchIn, principal: PrincipalDep, session: SessionDep) -> BranchOut:
    """Open a unit of the bank (its admin): one head office, branches under it, sub-branches under a branch."""
    row = service.create_branch(
        session,
        principal,
        bank_id,
        body.name,
        body.level,
        body.branch_type,
        body.region_code,
        body.opened_on,
        body.parent_id,
    )
    view = queries.branch(session, row.id)
    assert view is not None
    return _branch_out(view)


@router.post("/banks/{bank_id}/postings", status_code=status.HTTP_201_CREATED)
def post_officer(
    bank_id: IdPath, body: PostingIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> PostingOut:
    """Post one of the bank's people to one of its units and a team from today (its admin); loans they sign carry
    both, and keep the team they were signed in when the person moves (the posting history)."""
    target = queries.branch(session, body.branch_id)
    if target is None or target.bank_id != bank_id:
        raise not_found("银行机构", "bank branch", id=body.branch_id)
    service.post_officer(session, principal, body.user_id, body.branch_id, body.team, today)
    return PostingOut(user_id=body.user_id, branch_id=body.branch_id, team=body.team.strip())
