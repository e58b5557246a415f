"""Published read face (查询接口) of registry: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.registry import store
from ippledge.registry.model import AssetFacts, IpKind, LegalState, Subtype
from ippledge.registry.tables import IpAsset

_CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)


def load_facts(session: Session, asset_ids: Sequence[int], as_of: dt.date) -> dict[int, AssetFacts]:
    """Register facts (登记事实) of each asset on ``as_of`` as pure ``AssetFacts`` (owners, state, unpaid annuities);
    ids that do not exist are simply absent. Pledge registration's pre-check reads the register through this."""
    return store.load_facts(session, asset_ids, as_of)


@dataclass(frozen=True)
class AssetSummary:
    """An IP asset as other capabilities list it (知识产权摘要): what it is, not its whole register record."""

    id: int
    kind: IpKind
    subtype: Subtype
    number: str  # the stored (normalised) number
    title: str
    status: LegalState


def asset_summaries(session: Session, asset_ids: Iterable[int]) -> dict[int, AssetSummary]:
    """``asset id -> summary`` for the ids on the register, in ascending id order; unknown ids are absent."""
    ids = sorted(set(asset_ids))
    out: dict[int, AssetSummary] = {}
    for start in range(0, len(ids), _CHUNK):
        stmt = select(IpAsset).where(IpAsset.id.in_(ids[start : start + _CHUNK])).order_by(IpAsset.id)
        for a in session.scalars(stmt):
            out[a.id] = AssetSummary(a.id, IpKind(a.kind), Subtype(a.subtype), a.number, a.title, LegalState(a.status))
    return out


def asset_id_by_number(session: Session, kind: IpKind | str, number: str) -> int | None:
    """The id of the asset of ``kind`` with the stored (normalised) ``number``, or ``None`` if not on the register."""
    kind_value = IpKind(kind).value
    return session.scalar(select(IpAsset.id).where(IpAsset.kind == kind_value, IpAsset.number == number))


def existing_asset_ids(session: Session, asset_ids: Iterable[int]) -> set[int]:
    """The subset of ``asset_ids`` that are on the register."""
    ids = sorted(set(asset_ids))
    out: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        out.update(session.scalars(select(IpAsset.id).where(IpAsset.id.in_(ids[start : start + _CHUNK]))))
    return out
