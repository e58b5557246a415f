"""API keys (接口密钥): system-to-system keys a signed-in person makes for its own party, carrying only roles it holds,
always expiring; the full key is shown once and only its digest is stored. Published through ``service``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, errors
from ippledge.access.credentials import (
    digest,
    new_api_key,
    same_digest,
    split_api_key,
)
from ippledge.access.model import (
    PartyKind,
    Principal,
    Role,
    check_roles_allowed,
)
from ippledge.access.queries import PartyView, principal_for_user  # noqa: F401  (published here too)
from ippledge.access.tables import (
    ApiKey,
    Party,
)
from ippledge.db import utcnow
from ippledge.kernel.errors import not_found
from ippledge.kernel.text import check_name

API_KEY_MAX_DAYS = 365  # the longest (and the default) life of an API key unless settings say otherwise


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
