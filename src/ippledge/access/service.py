"""Access use cases (参与方与凭证): parties, users, login, tokens, API keys, maker-checker approvals.

API keys (``api_keys``), bulk loads (``bulk``) and bank organisation (``branches``) are their own modules, their
names re-exported here.

Services flush but never commit: the caller's unit of work does.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Executable, bindparam, delete, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ippledge.access import audit, errors

# API keys, bulk loads and bank organisation are their own modules, published here too (``service.X``).
from ippledge.access.api_keys import API_KEY_MAX_DAYS as API_KEY_MAX_DAYS
from ippledge.access.api_keys import authenticate_api_key as authenticate_api_key
from ippledge.access.api_keys import create_api_key as create_api_key
from ippledge.access.api_keys import revoke_api_key as revoke_api_key
from ippledge.access.approval_rules import check_four_eyes
from ippledge.access.branches import create_branch as create_branch
from ippledge.access.branches import post_officer as post_officer
from ippledge.access.bulk import PARTY_COLUMNS as PARTY_COLUMNS
from ippledge.access.bulk import BulkUser as BulkUser
from ippledge.access.bulk import bulk_create_users as bulk_create_users
from ippledge.access.bulk import bulk_load_parties as bulk_load_parties
from ippledge.access.credentials import (
    digest,
    hash_password,
    new_token,
    verify_dummy,
    verify_password,
)
from ippledge.access.model import (
    ACCOUNT,
    ADDRESS,
    DECIDED_WHERE,
    LoginPolicy,
    PartyKind,
    Principal,
    Role,
    check_roles_allowed,
    lock_seconds,
)
from ippledge.access.passwords import DEFAULT_PASSWORD_POLICY, PasswordPolicy, check_password
from ippledge.access.queries import PartyView, principal_for_user  # noqa: F401  (published here too)
from ippledge.access.tables import (
    AccessToken,
    ApiKey,
    Approval,
    LoginThrottle,
    Party,
    User,
    UserRole,
)
from ippledge.db import is_postgres, utcnow
from ippledge.kernel.errors import not_found
from ippledge.kernel.text import check_name

DEFAULT_LOGIN_POLICY = LoginPolicy()


def create_party(
    session: Session,
    actor: Principal | str,
    kind: PartyKind,
    name: str,
    uscc: str | None = None,
    region_code: str | None = None,
) -> Party:
    if not name.strip():
        raise errors.PARTY_NAME_REQUIRED()
    name = check_name(name, "party name")
    if uscc is not None:
        from ippledge.kernel.identifiers import uscc as uscc_id

        uscc = uscc_id.validate(uscc)
        if session.scalar(select(Party.id).where(Party.uscc == uscc)) is not None:
            raise errors.USCC_TAKEN(uscc=uscc)
    party = Party(kind=kind.value, name=name.strip(), uscc=uscc, region_code=region_code)
    session.add(party)
    session.flush()
    audit.record(session, actor, "party.created", "party", party.id, {"kind": kind.value, "name": party.name})
    return party


def _authorize_user_admin(
    session: Session, actor: Principal | str, party: Party | PartyView, roles: frozenset[Role]
) -> None:
    """Who may add users to ``party`` with ``roles``.

    A party's own admin (a signed-in person) manages its users and grants the roles its kind allows. The platform's
    admin may only open a new party: create its first user, an ``admin``, while it has no users at all. An API key
    never creates people. A string actor is the system itself (bootstrap, tests, bulk loads) and is not checked.
    """
    if isinstance(actor, str):
        return
    if actor.user_id is None:
        raise errors.HUMAN_REQUIRED()
    if actor.party_id == party.id:
        actor.require(Role.ADMIN)
        return
    if actor.party_kind is not PartyKind.PLATFORM or not actor.has(Role.ADMIN):
        raise not_found("机构", "party", id=party.id)  # another party's users are none of the caller's business
    not_held = sorted(r.value for r in roles - actor.roles)
    if not_held:
        raise errors.ROLE_NOT_HELD(roles=not_held, listed=", ".join(not_held))
    # Lock the party so two requests cannot both create "the first" admin.
    session.scalars(select(Party.id).where(Party.id == party.id).with_for_update()).one()
    if roles != {Role.ADMIN} or session.scalar(select(User.id).where(User.party_id == party.id).limit(1)) is not None:
        raise errors.FIRST_ADMIN_ONLY()


def create_user(
    session: Session,
    actor: Principal | str,
    party: Party | PartyView,
    username: str,
    password: str,
    roles: Iterable[Role],
    display_name: str | None = None,
    password_policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
) -> User:
    role_set = frozenset(roles)
    check_roles_allowed(PartyKind(party.kind), role_set)
    _authorize_user_admin(session, actor, party, role_set)
    display = check_name(display_name, "display name") if display_name is not None else username
    check_password(password, username, password_policy)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise errors.USERNAME_TAKEN(username=username)
    user = User(
        party_id=party.id,
        username=username,
        display_name=display,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    session.add_all(UserRole(user_id=user.id, role=r.value) for r in role_set)
    audit.record(session, actor, "user.created", "user", user.id, {"party_id": party.id, "roles": sorted(role_set)})
    return user


def _party_user(session: Session, admin: Principal, user_id: int) -> User:
    """A user of the admin's own party, for its admin (a signed-in person) to manage; anyone else's is not found."""
    if admin.user_id is None:
        raise errors.HUMAN_REQUIRED()
    admin.require(Role.ADMIN)
    user = session.scalars(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None or user.party_id != admin.party_id:
        raise errors.USER_NOT_IN_PARTY(user_id=user_id)
    return user


def _revoke_tokens(session: Session, user_id: int, now: dt.datetime, keep_digest: str | None = None) -> int:
    stmt = update(AccessToken).where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
    if keep_digest is not None:
        stmt = stmt.where(AccessToken.token_hash != keep_digest)
    return int(session.execute(stmt.values(revoked_at=now)).rowcount or 0)  # type: ignore[attr-defined]


def _revoke_keys_made_by(session: Session, user_id: int, now: dt.datetime, beyond: frozenset[Role] | None) -> int:
    """Revoke the live keys ``user_id`` created: all of them, or (``beyond`` given) those carrying a role outside it."""
    rows = session.scalars(select(ApiKey).where(ApiKey.created_by == user_id, ApiKey.revoked_at.is_(None))).all()
    n = 0
    for row in rows:
        if beyond is None or not {Role(r) for r in row.roles.split(",") if r} <= beyond:
            row.revoked_at = now
            n += 1
    return n


def set_roles(session: Session, actor: Principal, user_id: int, roles: Iterable[Role], now: dt.datetime) -> None:
    """The party's admin sets a user's roles; keys the user made that carry a role it no longer holds are revoked."""
    user = _party_user(session, actor, user_id)
    party = session.get(Party, user.party_id)
    assert party is not None
    role_set = frozenset(roles)
    check_roles_allowed(PartyKind(party.kind), role_set)
    session.execute(delete(UserRole).where(UserRole.user_id == user.id))
    session.add_all(UserRole(user_id=user.id, role=r.value) for r in role_set)
    revoked = _revoke_keys_made_by(session, user.id, now, beyond=role_set)
    audit.record(
        session, actor, "user.roles_set", "user", user.id, {"roles": sorted(role_set), "keys_revoked": revoked}
    )


def deactivate_user(session: Session, actor: Principal, user_id: int, now: dt.datetime) -> None:
    """Stop a user (停用): its tokens and the API keys it made are revoked at once, not left to expire."""
    user = _party_user(session, actor, user_id)
    if user.id == actor.user_id:
        raise errors.SELF_DEACTIVATION()
    user.active = False
    tokens = _revoke_tokens(session, user.id, now)
    keys = _revoke_keys_made_by(session, user.id, now, beyond=None)
    audit.record(session, actor, "user.deactivated", "user", user.id, {"tokens_revoked": tokens, "keys_revoked": keys})


def activate_user(session: Session, actor: Principal, user_id: int) -> None:
    """Let a stopped user sign in again (启用); its old tokens and keys stay revoked."""
    user = _party_user(session, actor, user_id)
    user.active = True
    audit.record(session, actor, "user.activated", "user", user.id, {})


def change_password(
    session: Session,
    actor: Principal,
    old_password: str,
    new_password: str,
    now: dt.datetime,
    current_token: str | None = None,
    password_policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
    login_policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
) -> None:
    """A signed-in user changes its own password, proving the old one; every other session of the user ends.

    A wrong old password counts as a failed login of the account (a stolen token must not let anyone guess the
    password at leisure); as with ``login``, the caller commits that count even though the error is raised."""
    if actor.user_id is None:
        raise errors.HUMAN_REQUIRED()
    user = session.get(User, actor.user_id)
    assert user is not None
    keys = [(ACCOUNT, user.username)]
    wait = _locked_for(session, keys, now)
    if wait:
        raise errors.LOGIN_LOCKED(retry_after=wait)
    if not verify_password(user.password_hash, old_password):
        locked = _count_failure(session, keys, now, login_policy)
        audit.record(session, actor, "auth.password_change_failed", "user", user.id, {"locked_seconds": locked})
        raise errors.WRONG_PASSWORD()
    if new_password == old_password:
        raise errors.PASSWORD_UNCHANGED()
    check_password(new_password, user.username, password_policy)
    user.password_hash = hash_password(new_password)
    ended = _revoke_tokens(session, user.id, now, keep_digest=digest(current_token) if current_token else None)
    audit.record(session, actor, "user.password_changed", "user", user.id, {"sessions_ended": ended})


def _locked_for(session: Session, keys: Sequence[tuple[str, str]], now: dt.datetime) -> int:
    """Seconds until logins for these (scope, subject) keys may resume; 0 when none is paused."""
    until = session.scalar(
        select(func.max(LoginThrottle.locked_until)).where(
            tuple_(LoginThrottle.scope, LoginThrottle.subject).in_(keys), LoginThrottle.locked_until > now
        )
    )
    return 0 if until is None else max(1, math.ceil((until - now).total_seconds()))


def _count_failure(session: Session, keys: Sequence[tuple[str, str]], now: dt.datetime, policy: LoginPolicy) -> int:
    """Count one failed login against each key; returns the longest pause it started (0 when none)."""
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    longest = 0
    for scope, subject in keys:
        # Create the row if missing without racing a concurrent failure, then lock it to count.
        session.execute(
            dialect_insert(LoginThrottle)
            .values(scope=scope, subject=subject, failures=0, last_failure_at=now)
            .on_conflict_do_nothing(index_elements=["scope", "subject"])
        )
        row = session.scalars(
            select(LoginThrottle)
            .where(LoginThrottle.scope == scope, LoginThrottle.subject == subject)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        # Failures are forgotten a window after the last one, or after the pause it caused ended.
        quiet_since = max(row.last_failure_at, row.locked_until or row.last_failure_at)
        if now - quiet_since > dt.timedelta(seconds=policy.window_seconds):
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        pause = lock_seconds(row.failures, policy.threshold(scope), policy)
        if pause:
            row.locked_until = now + dt.timedelta(seconds=pause)
            longest = max(longest, pause)
    session.flush()
    return longest


def login(
    session: Session,
    username: str,
    password: str,
    now: dt.datetime,
    ttl_minutes: int,
    address: str | None = None,
    policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
) -> tuple[str, User]:
    """Check the password and issue a bearer token (returned once, stored as a digest).

    Throttled per account and per source ``address`` (``LoginPolicy``): while either is paused the password is not
    even checked (``auth.locked``, 429). A failure is counted and audited in ``session`` before ``BAD_CREDENTIALS`` is
    raised, so the caller must commit the session even then (the route does), or the count is lost. An unknown
    username costs one password verification too (against a dummy hash), so timing does not tell which names exist.
    """
    keys = [(ACCOUNT, username[:200])] + ([(ADDRESS, address[:200])] if address else [])
    wait = _locked_for(session, keys, now)
    if wait:
        raise errors.LOGIN_LOCKED(retry_after=wait)
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash, password) if user is not None else verify_dummy(password)
    if user is None or not ok or not user.active:
        reason = "unknown_user" if user is None else "wrong_password" if not ok else "user_disabled"
        paused = _count_failure(session, keys, now, policy)
        audit.record(
            session,
            "anonymous",
            "auth.login_failed",
            "user" if user is not None else "username",
            user.id if user is not None else username[:64],
            {"reason": reason, "address": address, "paused_seconds": paused},
        )
        raise errors.BAD_CREDENTIALS()
    session.execute(delete(LoginThrottle).where(LoginThrottle.scope == ACCOUNT, LoginThrottle.subject == username))
    token = new_token()
    session.add(
        AccessToken(
            user_id=user.id,
            token_hash=digest(token),
            issued_at=now,
            expires_at=now + dt.timedelta(minutes=ttl_minutes),
        )
    )
    audit.record(session, f"user:{user.id}", "auth.login", "user", user.id, {"address": address})
    return token, user


def logout(session: Session, token: str, now: dt.datetime) -> None:
    row = session.scalar(select(AccessToken).where(AccessToken.token_hash == digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        audit.record(session, f"user:{row.user_id}", "auth.logout", "user", row.user_id, {})


@functools.cache
def _token_statement() -> Executable:
    """The statement ``authenticate_token`` runs on every request, built once (building one costs more than running
    it); the token's digest is its parameter."""
    return (
        select(
            AccessToken.revoked_at,
            AccessToken.expires_at,
            User.id,
            User.active,
            User.display_name,
            Party.id,
            Party.kind,
            Party.active,
            UserRole.role,
        )
        .join(User, User.id == AccessToken.user_id)
        .join(Party, Party.id == User.party_id)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(AccessToken.token_hash == bindparam("token_hash"))
    )


def authenticate_token(session: Session, token: str, now: dt.datetime) -> Principal:
    """The caller behind a bearer token, read on every request: one query (the token, its user, the user's party
    and roles joined; a row per role), run on the session's connection without ORM objects. It was four ORM queries
    (decision 0022). Still read each time, never cached, so a revoked token, a disabled user or party stops working
    at once."""
    rows = session.connection().execute(_token_statement(), {"token_hash": digest(token)}).all()
    if not rows:
        raise errors.BAD_TOKEN()
    revoked_at, expires_at, user_id, user_active, display_name, party_id, party_kind, party_active, _ = rows[0]
    if revoked_at is not None or expires_at <= now:
        raise errors.BAD_TOKEN()
    if not user_active:
        raise errors.USER_DISABLED()
    if not party_active:
        raise errors.PARTY_DISABLED()
    return Principal(
        party_id=party_id,
        party_kind=PartyKind(party_kind),
        roles=frozenset(Role(r[-1]) for r in rows if r[-1] is not None),
        user_id=user_id,
        name=display_name,
    )


# --- maker-checker (双人复核) -------------------------------------------------------------------------------------


def propose(
    session: Session,
    maker: Principal,
    subject_type: str,
    subject_id: object,
    action: str,
    payload: Mapping[str, Any] | None = None,
) -> Approval:
    if maker.user_id is None:
        raise errors.APPROVAL_ANONYMOUS()
    row = Approval(
        party_id=maker.party_id,
        subject_type=subject_type,
        subject_id=str(subject_id),
        action=action,
        payload=json.dumps(dict(payload or {}), ensure_ascii=False, default=str),
        proposed_by=maker.user_id,
        proposed_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        maker,
        "approval.proposed",
        subject_type,
        subject_id,
        {"approval_id": row.id, "action": action},
    )
    return row


def decide_generic(
    session: Session, checker: Principal, approval_id: int, approve: bool, reason: str | None = None
) -> Approval:
    """The generic checker's decision (``POST /approvals/{id}/decision``), for approvals no capability carries out
    itself; one that a capability proposed (a credit decision, a write-off, a claim, a subsidy) is refused with the
    route where deciding it also acts, so no approval is ever marked approved without its action."""
    row = session.get(Approval, approval_id)
    if row is not None and row.party_id == checker.party_id and row.subject_type in DECIDED_WHERE:
        raise errors.APPROVAL_DECIDED_ELSEWHERE(route=DECIDED_WHERE[row.subject_type], subject_type=row.subject_type)
    return decide(session, checker, approval_id, approve, reason)


def decide(
    session: Session, checker: Principal, approval_id: int, approve: bool, reason: str | None = None
) -> Approval:
    """Approve or reject a pending proposal of the checker's own party; the proposer can never decide it."""
    # Lock the row: two approvers deciding at the same moment must not both succeed.
    row = session.scalars(select(Approval).where(Approval.id == approval_id).with_for_update()).first()
    if row is None or row.party_id != checker.party_id:
        raise not_found("待复核事项", "approval", id=approval_id)
    if row.status != "pending":
        raise errors.APPROVAL_DECIDED()
    checker.require(Role.APPROVER)
    check_four_eyes(row.proposed_by, checker.user_id)
    if not approve and not (reason or "").strip():
        raise errors.APPROVAL_REASON_REQUIRED()
    row.status = "approved" if approve else "rejected"
    row.decided_by = checker.user_id
    row.decided_at = utcnow()
    row.reason = reason
    audit.record(
        session,
        checker,
        f"approval.{row.status}",
        row.subject_type,
        row.subject_id,
        {"approval_id": row.id, "reason": reason},
    )
    return row
