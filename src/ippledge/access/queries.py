"""Published read face (查询接口) of access: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind
from ippledge.access.tables import Party

# -- parties as lending reads them: borrowers, banks -----------------------------------------------------------------


def party_kind(session: Session, party_id: int) -> PartyKind | None:
    """The party's kind (机构类型), or ``None`` when there is no such party."""
    kind = session.scalar(select(Party.kind).where(Party.id == party_id))
    return None if kind is None else PartyKind(kind)


def party_ids(session: Session, kind: PartyKind) -> list[int]:
    """Ids of the parties of one kind, in id order."""
    return [int(i) for i in session.scalars(select(Party.id).where(Party.kind == kind.value).order_by(Party.id))]


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


def lock_party(session: Session, party_id: int) -> None:
    """Lock the party's row for this transaction (``SELECT .. FOR UPDATE``), so that two transactions spending the
    party's money (a borrower's settlement funds) run one after the other; a missing party is ``NoResultFound``."""
    session.scalars(select(Party.id).where(Party.id == party_id).with_for_update()).one()
