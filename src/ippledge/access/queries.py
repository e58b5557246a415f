"""Published read face (查询接口) of access: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind


def party_kind(session: Session, party_id: int) -> PartyKind | None:
    """The party's kind (机构类型), or ``None`` when there is no such party."""
    from ippledge.access.tables import Party

    kind = session.scalar(select(Party.kind).where(Party.id == party_id))
    return None if kind is None else PartyKind(kind)
