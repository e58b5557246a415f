"""Published read face (查询接口) of access: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

# Reads for the edges (the demo, the simulator, the benchmarks).
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Principal
from ippledge.access.tables import Party, User


def party_ids(session: Session, kind: PartyKind) -> list[int]:
    """Ids of the parties of one kind, in id order."""
    return [int(i) for i in session.scalars(select(Party.id).where(Party.kind == kind.value).order_by(Party.id))]


def party_kinds(session: Session) -> dict[int, str]:
    """Every party's kind (``bank``, ``valuer`` ...) by party id."""
    return {int(p): str(k) for p, k in session.execute(select(Party.id, Party.kind))}


def party_names(session: Session, kind: PartyKind) -> dict[int, str]:
    """Names of the parties of one kind by party id."""
    return {int(p): str(n) for p, n in session.execute(select(Party.id, Party.name).where(Party.kind == kind.value))}


def party_ids_by_uscc(session: Session) -> dict[str, int]:
    """Party id by unified social credit code (统一社会信用代码), for every party that has one."""
    return {str(u): int(p) for p, u in session.execute(select(Party.id, Party.uscc).where(Party.uscc.is_not(None)))}


def has_parties(session: Session) -> bool:
    """Whether any party exists (an empty database has none)."""
    return session.scalar(select(Party.id).limit(1)) is not None


def next_party_id(session: Session) -> int:
    """The id after the highest party id (for bulk loads with explicit ids)."""
    return int(session.scalar(select(func.coalesce(func.max(Party.id), 0))) or 0) + 1


def next_user_id(session: Session) -> int:
    """The id after the highest user id (for bulk loads with explicit ids)."""
    return int(session.scalar(select(func.coalesce(func.max(User.id), 0))) or 0) + 1


def username_prefix_taken(session: Session, prefix: str) -> bool:
    """Whether some username starts with ``prefix``."""
    return session.scalar(select(User.id).where(User.username.startswith(prefix)).limit(1)) is not None


def usernames_with_suffix(session: Session, suffix: str) -> list[tuple[int, str]]:
    """(party id, username) of the users whose username ends with ``.suffix``, in user id order."""
    stmt = select(User.party_id, User.username).where(User.username.like(f"%.{suffix}")).order_by(User.id)
    return [(int(p), str(u)) for p, u in session.execute(stmt)]


def first_username_with_suffix(session: Session, party_id: int, suffix: str) -> str | None:
    """The first (by id) user of ``party_id`` whose username ends with ``.suffix``, e.g. its ``officer``."""
    stmt = select(User.username).where(User.party_id == party_id, User.username.like(f"%.{suffix}"))
    return session.scalar(stmt.order_by(User.id).limit(1))


def principal_of(session: Session, username: str) -> Principal | None:
    """The principal a user acts as (party, kind, roles), by username; ``None`` for an unknown user."""
    from ippledge.access.service import principal_for_user

    user = session.scalar(select(User).where(User.username == username))
    return None if user is None else principal_for_user(session, user)
