"""Access use cases (参与方与凭证): parties, users, login, tokens, API keys, maker-checker approvals.

Services flush but never commit: the caller's unit of work does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.approval_rules import check_four_eyes
from ippledge.access.credentials import (
    digest,
    hash_password,
    new_api_key,
    new_token,
    split_api_key,
    verify_password,
)
from ippledge.access.model import PartyKind, Principal, Role, check_roles_allowed
from ippledge.access.tables import AccessToken, ApiKey, Approval, Party, User, UserRole
from ippledge.db import utcnow
from ippledge.kernel.errors import AuthenticationError, ConflictError, ValidationError, not_found


def _bad_credentials() -> AuthenticationError:
    return AuthenticationError("用户名或密码错误", "wrong username or password", code="auth.bad_credentials")


def create_party(
    session: Session,
    actor: Principal | str,
    kind: PartyKind,
    name: str,
    uscc: str | None = None,
    region_code: str | None = None,
) -> Party:
    if not name.strip():
        raise ValidationError("机构名称不能为空", "party name is required", code="party.name_required")
    if uscc is not None:
        from ippledge.kernel.identifiers import uscc as uscc_id

        uscc = uscc_id.validate(uscc)
        if session.scalar(select(Party.id).where(Party.uscc == uscc)) is not None:
            raise ConflictError(
                f"统一社会信用代码已登记：{uscc}", f"USCC already registered: {uscc}", code="party.uscc_taken"
            )
    party = Party(kind=kind.value, name=name.strip(), uscc=uscc, region_code=region_code)
    session.add(party)
    session.flush()
    audit.record(session, actor, "party.created", "party", party.id, {"kind": kind.value, "name": party.name})
    return party


def create_user(
    session: Session,
    actor: Principal | str,
    party: Party,
    username: str,
    password: str,
    roles: Iterable[Role],
    display_name: str | None = None,
) -> User:
    role_set = frozenset(roles)
    check_roles_allowed(PartyKind(party.kind), role_set)
    if len(password) < 8:
        raise ValidationError("密码至少 8 位", "password must have at least 8 characters", code="user.weak_password")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"用户名已存在：{username}", f"username taken: {username}", code="user.username_taken")
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


def user_roles(session: Session, user_id: int) -> frozenset[Role]:
    return frozenset(Role(r) for r in session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))


def login(session: Session, username: str, password: str, now: dt.datetime, ttl_minutes: int) -> tuple[str, User]:
    """Check the password and issue a bearer token (returned once, stored as a digest)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        raise _bad_credentials()
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


def principal_for_user(session: Session, user: User) -> Principal:
    party = session.get(Party, user.party_id)
    assert party is not None
    return Principal(
        party_id=party.id,
        party_kind=PartyKind(party.kind),
        roles=user_roles(session, user.id),
        user_id=user.id,
        name=user.display_name,
    )


def authenticate_token(session: Session, token: str, now: dt.datetime) -> Principal:
    row = session.scalar(select(AccessToken).where(AccessToken.token_hash == digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise AuthenticationError("登录已失效，请重新登录", "token invalid or expired", code="auth.bad_token")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise AuthenticationError("用户已停用", "user is disabled", code="auth.user_disabled")
    party = session.get(Party, user.party_id)
    if party is None or not party.active:
        raise AuthenticationError("机构已停用", "party is disabled", code="auth.party_disabled")
    return principal_for_user(session, user)


def create_api_key(
    session: Session, actor: Principal, party: Party, name: str, roles: Iterable[Role]
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
        raise AuthenticationError("接口密钥无效", "invalid API key", code="auth.bad_api_key")
    party = session.get(Party, row.party_id)
    if party is None or not party.active:
        raise AuthenticationError("机构已停用", "party is disabled", code="auth.party_disabled")
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
        raise ValidationError("提议必须由具名用户提出", "a proposal needs a named user", code="approval.anonymous")
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


def decide(
    session: Session, checker: Principal, approval_id: int, approve: bool, reason: str | None = None
) -> Approval:
    """Approve or reject a pending proposal of the checker's own party; the proposer can never decide it."""
    # Lock the row: two approvers deciding at the same moment must not both succeed.
    row = session.scalars(select(Approval).where(Approval.id == approval_id).with_for_update()).first()
    if row is None or row.party_id != checker.party_id:
        raise not_found("待复核事项", "approval", id=approval_id)
    if row.status != "pending":
        raise ConflictError("该事项已处理", "approval already decided", code="approval.decided")
    checker.require(Role.APPROVER)
    check_four_eyes(row.proposed_by, checker.user_id)
    if not approve and not (reason or "").strip():
        raise ValidationError("驳回必须说明理由", "a rejection needs a reason", code="approval.reason_required")
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
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from sqlalchemy import func, insert  # noqa: E402

from ippledge.db import RowChunks, bulk_copy  # noqa: E402

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
