"""Published read face (查询接口) of access: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind
from ippledge.access.tables import Party

_CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)


@dataclass(frozen=True)
class PartyView:
    """A party (机构) as other packages may read it: who it is, not its credentials."""

    id: int
    kind: PartyKind
    name: str
    uscc: str | None
    region_code: str | None
    active: bool


def _party_view(row: Party) -> PartyView:
    return PartyView(row.id, PartyKind(row.kind), row.name, row.uscc, row.region_code, row.active)


def parties(session: Session, party_ids: Iterable[int]) -> dict[int, PartyView]:
    """``party id -> party`` for the ids that exist (any number of ids, read in chunks)."""
    ids = sorted(set(party_ids))
    out: dict[int, PartyView] = {}
    for start in range(0, len(ids), _CHUNK):
        for row in session.scalars(select(Party).where(Party.id.in_(ids[start : start + _CHUNK]))):
            out[row.id] = _party_view(row)
    return out


def names_of(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """``party id -> name`` (机构名称) for the ids that name a party."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {int(i): str(n) for i, n in session.execute(select(Party.id, Party.name).where(Party.id.in_(wanted)))}
