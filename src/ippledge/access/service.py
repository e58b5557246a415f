"""Access use cases (参与方与凭证): parties, users, login, tokens, API keys, maker-checker approvals.

Services flush but never commit: the caller's unit of work does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from ippledge.access import audit, errors
from ippledge.access.approval_rules import check_four_eyes
from ippledge.access.credentials import (
    digest,
    hash_password,
    new_api_key,
    new_token,
    split_api_key,
    verify_password,
)
from ippledge.access.model import DECIDED_WHERE, PartyKind, Principal, Role, check_roles_allowed
from ippledge.access.queries import PartyView, principal_for_user
from ippledge.access.tables import AccessToken, ApiKey, Approval, Party, User, UserRole
from ippledge.db import RowChunks, bulk_copy, utcnow
from ippledge.kernel.errors import not_found


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


def create_user(
    session: Session,
    actor: Principal | str,
    party: Party | PartyView,
    username: str,
    password: str,
    roles: Iterable[Role],
    display_name: str | None = None,
) -> User:
    role_set = frozenset(roles)
    check_roles_allowed(PartyKind(party.kind), role_set)
    if len(password) < 8:
        raise errors.WEAK_PASSWORD()
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise errors.USERNAME_TAKEN(username=username)
    user = User(
        party_id=party.id,
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    session.add_all(UserRole(user_id=user.id, role=r.value) for r in role_set)
    audit.record(session, actor, "user.created", "user", user.id, {"party_id": party.id, "roles": sorted(role_set)})
    return user


def set_roles(session: Session, actor: Principal, user: User, roles: Iterable[Role]) -> None:
    party = session.get(Party, user.party_id)
    assert party is not None
    role_set = frozenset(roles)
    check_roles_allowed(PartyKind(party.kind), role_set)
    session.execute(delete(UserRole).where(UserRole.user_id == user.id))
    session.add_all(UserRole(user_id=user.id, role=r.value) for r in role_set)
    audit.record(session, actor, "user.roles_set", "user", user.id, {"roles": sorted(role_set)})


def login(session: Session, username: str, password: str, now: dt.datetime, ttl_minutes: int) -> tuple[str, User]:
    """Check the password and issue a bearer token (returned once, stored as a digest)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        raise errors.BAD_CREDENTIALS()
    token = new_token()
    session.add(
        AccessToken(
            user_id=user.id,
            token_hash=digest(token),
            issued_at=now,
            expires_at=now + dt.timedelta(minutes=ttl_minutes),
        )
    )
    audit.record(session, f"user:{user.id}", "auth.login", "user", user.id, {})
    return token, user


def logout(session: Session, token: str, now: dt.datetime) -> None:
    row = session.scalar(select(AccessToken).where(AccessToken.token_hash == digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        audit.record(session, f"user:{row.user_id}", "auth.logout", "user", row.user_id, {})


def authenticate_token(session: Session, token: str, now: dt.datetime) -> Principal:
    row = session.scalar(select(AccessToken).where(AccessToken.token_hash == digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise errors.BAD_TOKEN()
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise errors.USER_DISABLED()
    party = session.get(Party, user.party_id)
    if party is None or not party.active:
        raise errors.PARTY_DISABLED()
    return principal_for_user(session, user)


def create_api_key(
    session: Session, actor: Principal, party: Party | PartyView, name: str, roles: Iterable[Role]
) -> tuple[ApiKey, str]:
    """A system-to-system key for ``party``; the full key is returned once and never stored."""
    role_set = frozenset(roles)
    check_roles_allowed(PartyKind(party.kind), role_set)
    prefix, key = new_api_key()
    row = ApiKey(
        party_id=party.id,
        name=name,
        prefix=prefix,
        key_hash=digest(key),
        roles=",".join(sorted(role_set)),
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "api_key.created", "api_key", row.id, {"name": name, "roles": sorted(role_set)})
    return row, key


def revoke_api_key(session: Session, actor: Principal, key_id: int, now: dt.datetime) -> None:
    row = session.get(ApiKey, key_id)
    if row is None or row.party_id != actor.party_id:
        raise not_found("接口密钥", "API key", id=key_id)
    row.revoked_at = now
    audit.record(session, actor, "api_key.revoked", "api_key", row.id, {})


def authenticate_api_key(session: Session, key: str) -> Principal:
    prefix = split_api_key(key)
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)) if prefix else None
    if row is None or row.revoked_at is not None or row.key_hash != digest(key):
        raise errors.BAD_API_KEY()
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
