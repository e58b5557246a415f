"""Bulk loads (批量装载) for the simulated market: explicit ids, rows straight through the driver. Published through
``service``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ippledge.access.model import (
    Role,
)
from ippledge.access.queries import PartyView, principal_for_user  # noqa: F401  (published here too)
from ippledge.access.tables import (
    User,
    UserRole,
)
from ippledge.db import RowChunks, bulk_copy

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
