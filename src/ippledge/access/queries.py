"""Published read face (查询接口) of access: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind
from ippledge.access.tables import Party

# -- parties as intake, valuation and credit read them ---------------------------------------------------------------


@dataclass(frozen=True)
class PartyRef:
    """A party (机构) as another capability sees it: who it is, of which kind, whether it is active."""

    id: int
    kind: PartyKind
    name: str
    active: bool


def parties(session: Session, ids: Iterable[int]) -> dict[int, PartyRef]:
    """The parties with these ids, by id; ids that name no party are left out."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    stmt = select(Party.id, Party.kind, Party.name, Party.active).where(Party.id.in_(wanted))
    rows = session.execute(stmt)
    return {pid: PartyRef(pid, PartyKind(kind), name, bool(active)) for pid, kind, name, active in rows}


def party_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The names of the parties with these ids, by id; ids that name no party are left out."""
    return {pid: p.name for pid, p in parties(session, ids).items()}
