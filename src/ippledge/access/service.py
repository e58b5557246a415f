"""Access use cases (参与方与凭证): parties, users, login, tokens, API keys, maker-checker approvals.

Services flush but never commit: the caller's unit of work does.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ippledge.access import audit, errors
from ippledge.access.approval_rules import check_four_eyes
from ippledge.access.credentials import (
    digest,
    hash_password,
    new_api_key,
    new_token,
    same_digest,
    split_api_key,
    verify_dummy,
    verify_password,
)
from ippledge.access.model import (
    ACCOUNT,
    ADDRESS,
    DECIDED_WHERE,
    BranchLevel,
    LoginPolicy,
    PartyKind,
    Principal,
    Role,
    branch_level,
    check_parent,
    check_roles_allowed,
    lock_seconds,
    region_name,
)
from ippledge.access.model import branch_type as branch_type_of
from ippledge.access.passwords import DEFAULT_PASSWORD_POLICY, PasswordPolicy, check_password
from ippledge.access.queries import PartyView, principal_for_user  # noqa: F401  (published here too)
from ippledge.access.tables import (
    AccessToken,
    ApiKey,
    Approval,
    BankBranch,
    BranchPosting,
    BranchPostingSpell,
    LoginThrottle,
    Party,
    User,
    UserRole,
)
from ippledge.db import RowChunks, bulk_copy, is_postgres, utcnow
from ippledge.kernel.clock import business_date
from ippledge.kernel.errors import not_found
from ippledge.kernel.text import check_name

DEFAULT_LOGIN_POLICY = LoginPolicy()
API_KEY_MAX_DAYS = 365  # the longest (and the default) life of an API key unless settings say otherwise


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


def create_api_key(
    session: Session,
    actor: Principal,
    party: Party | PartyView,
    name: str,
    roles: Iterable[Role],
    now: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    max_days: int = API_KEY_MAX_DAYS,
) -> tuple[ApiKey, str]:
    """A system-to-system key for ``party``; the full key is returned once and never stored.

    Only a signed-in person makes keys, for its own party, carrying only roles it holds itself; every key expires
    (``expires_at``, by default and at most ``max_days`` ahead)."""
    if actor.user_id is None:
        raise errors.HUMAN_REQUIRED()
    if party.id != actor.party_id:
        raise not_found("机构", "party", id=party.id)
    role_set = frozenset(roles)
    check_roles_allowed(PartyKind(party.kind), role_set)
    not_held = sorted(r.value for r in role_set - actor.roles)
    if not_held:
        raise errors.ROLE_NOT_HELD(roles=not_held, listed=", ".join(not_held))
    name = check_name(name, "key name")
    now = now or utcnow()
    latest = now + dt.timedelta(days=max_days)
    expires = expires_at or latest
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)
    if not now < expires <= latest:
        raise errors.API_KEY_EXPIRY(max_days=max_days)
    prefix, key = new_api_key()
    row = ApiKey(
        party_id=party.id,
        name=name,
        prefix=prefix,
        key_hash=digest(key),
        roles=",".join(sorted(role_set)),
        created_by=actor.user_id,
        expires_at=expires,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "api_key.created",
        "api_key",
        row.id,
        {"name": name, "roles": sorted(role_set), "expires_at": expires.isoformat()},
    )
    return row, key


def revoke_api_key(session: Session, actor: Principal, key_id: int, now: dt.datetime) -> None:
    if actor.user_id is None:
        raise errors.HUMAN_REQUIRED()
    row = session.get(ApiKey, key_id)
    if row is None or row.party_id != actor.party_id:
        raise not_found("接口密钥", "API key", id=key_id)
    row.revoked_at = now
    audit.record(session, actor, "api_key.revoked", "api_key", row.id, {})


def authenticate_api_key(session: Session, key: str, now: dt.datetime | None = None) -> Principal:
    prefix = split_api_key(key)
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)) if prefix else None
    if row is None or row.revoked_at is not None or not same_digest(key, row.key_hash):
        raise errors.BAD_API_KEY()
    if row.expires_at is not None and row.expires_at <= (now or utcnow()):
        raise errors.API_KEY_EXPIRED()
    party = session.get(Party, row.party_id)
    if party is None or not party.active:
        raise errors.PARTY_DISABLED()
    return Principal(
        party_id=party.id,
        party_kind=PartyKind(party.kind),
        roles=frozenset(Role(r) for r in row.roles.split(",") if r),
        api_key_id=row.id,
        name=row.name,
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


# Bulk loads (批量装载) for the simulated market: explicit ids, rows straight through the driver.
# (Imports appended with the functions, so that parallel additions to this face merge cleanly.)


PARTY_COLUMNS = ("id", "kind", "name", "uscc", "region_code", "active", "created_at")


def bulk_load_parties(session: Session, chunks: RowChunks, advance: Callable[[int], None] | None = None) -> int:
    """Write parties given as tuples in ``PARTY_COLUMNS`` order (explicit ids, see ``queries.next_party_id``);
    unaudited: the caller audits the whole load once. Returns the rows written."""
    return bulk_copy(session, "party", PARTY_COLUMNS, chunks, advance, reset_id_sequence=True)


@dataclass(frozen=True)
class BulkUser:
    """One user of a bulk load: its party, username, display name and roles."""

    party_id: int
    username: str
    display_name: str
    roles: frozenset[Role]


def bulk_create_users(session: Session, users: Sequence[BulkUser], password_hash: str) -> int:
    """Create users with their roles in a few statements, all with the same ``password_hash``; ids follow the
    highest existing one. Unaudited: the caller audits the whole load once. Returns the users created."""
    if not users:
        return 0
    user0 = int(session.scalar(select(func.coalesce(func.max(User.id), 0))) or 0) + 1
    rows = [
        {
            "id": user0 + k,
            "party_id": u.party_id,
            "username": u.username,
            "display_name": u.display_name,
            "password_hash": password_hash,
        }
        for k, u in enumerate(users)
    ]
    roles = [{"user_id": user0 + k, "role": r.value} for k, u in enumerate(users) for r in sorted(u.roles)]
    session.execute(insert(User), rows)
    session.execute(insert(UserRole), roles)
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('app_user', 'id'), (SELECT max(id) FROM app_user))"
        )
    return len(rows)


# -- bank organisation (银行机构) -----------------------------------------------------------------------------------


def _authorize_bank_admin(actor: Principal | str, bank_id: int) -> None:
    """The bank's own admin, or the system (a string actor: bootstrap, the simulator)."""
    if isinstance(actor, str):
        return
    if actor.party_id != bank_id:
        raise not_found("机构", "party", id=bank_id)
    actor.require(Role.ADMIN)


def create_branch(
    session: Session,
    actor: Principal | str,
    bank_id: int,
    name: str,
    level: str,
    branch_type: str,
    region_code: str,
    opened_on: dt.date,
    parent_id: int | None = None,
) -> BankBranch:
    """Open a unit of ``bank_id``: its head office (one per bank), a branch under it or a sub-branch under a branch,
    in a known county-level division; nothing is written when a rule refuses."""
    _authorize_bank_admin(actor, bank_id)
    bank = session.get(Party, bank_id)
    if bank is None or bank.kind != PartyKind.BANK.value:
        raise not_found("银行", "bank", id=bank_id)
    lvl, kind = branch_level(level), branch_type_of(branch_type)
    region_name(region_code)
    name = check_name(name, "branch name")
    parent = None if parent_id is None else session.get(BankBranch, parent_id)
    if parent_id is not None and parent is None:
        raise errors.BRANCH_UNKNOWN(branch_id=parent_id)
    check_parent(
        lvl,
        None if parent is None else BranchLevel(parent.level),
        parent is None or parent.bank_id == bank_id,
    )
    if lvl is BranchLevel.HEAD_OFFICE:
        session.scalars(select(Party.id).where(Party.id == bank_id).with_for_update()).one()
        head = select(BankBranch.id).where(BankBranch.bank_id == bank_id, BankBranch.level == lvl.value)
        if session.scalar(head) is not None:
            raise errors.HEAD_OFFICE_EXISTS(bank_id=bank_id)
    row = BankBranch(
        bank_id=bank_id,
        parent_id=parent_id,
        level=lvl.value,
        branch_type=kind.value,
        name=name,
        region_code=region_code,
        opened_on=opened_on,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "bank.branch_opened",
        "bank_branch",
        row.id,
        {"bank_id": bank_id, "level": lvl.value, "type": kind.value, "region": region_code, "parent": parent_id},
    )
    return row


def post_officer(
    session: Session,
    actor: Principal | str,
    user_id: int,
    branch_id: int,
    team: str = "",
    on: dt.date | None = None,
) -> None:
    """Post one of the bank's people to one of its branches and a team from ``on`` (default: today in China). The
    new posting replaces the current one, and the history keeps both spells: the open one ends on ``on`` (a second
    posting on the same day replaces that day's spell)."""
    row = session.get(BankBranch, branch_id)
    if row is None:
        raise errors.BRANCH_UNKNOWN(branch_id=branch_id)
    _authorize_bank_admin(actor, row.bank_id)
    user = session.get(User, user_id)
    if user is None or user.party_id != row.bank_id:
        raise errors.NOT_BANK_STAFF(user_id=user_id)
    team = check_name(team, "team") if team.strip() else ""
    posting = session.get(BranchPosting, user_id)
    before = None if posting is None else {"branch_id": posting.branch_id, "team": posting.team}
    if posting is None:
        session.add(BranchPosting(user_id=user_id, branch_id=branch_id, team=team))
    else:
        posting.branch_id, posting.team = branch_id, team
    _open_spell(session, user_id, branch_id, team, on or business_date())
    session.flush()
    audit.record(
        session,
        actor,
        "bank.officer_posted",
        "app_user",
        user_id,
        {"branch_id": branch_id, "team": team, "was": before},
    )


def _open_spell(session: Session, user_id: int, branch_id: int, team: str, on: dt.date) -> None:
    s = BranchPostingSpell
    current = session.scalars(select(s).where(s.user_id == user_id, s.valid_until.is_(None))).first()
    if current is not None and current.valid_from >= on:  # re-posted the same day: that day's spell is replaced
        current.branch_id, current.team = branch_id, team
        return
    if current is not None:
        current.valid_until = on
    session.add(BranchPostingSpell(user_id=user_id, branch_id=branch_id, team=team, valid_from=on, valid_until=None))
