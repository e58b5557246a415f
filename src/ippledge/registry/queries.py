"""Published read face (查询接口) of registry: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.kernel.money import from_fen
from ippledge.registry.model import IpKind, LegalState, Subtype

_CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)


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
    from ippledge.registry.tables import IpAsset

    ids = sorted(set(asset_ids))
    out: dict[int, AssetSummary] = {}
    for start in range(0, len(ids), _CHUNK):
        stmt = select(IpAsset).where(IpAsset.id.in_(ids[start : start + _CHUNK])).order_by(IpAsset.id)
        for a in session.scalars(stmt):
            out[a.id] = AssetSummary(a.id, IpKind(a.kind), Subtype(a.subtype), a.number, a.title, LegalState(a.status))
    return out


@dataclass(frozen=True)
class EnterpriseFacts:
    """What an enterprise's registry profile (企业信息) records of its revenue and age; either may be unknown."""

    party_id: int
    annual_revenue: Decimal | None  # yuan per year
    founded_on: dt.date | None


def enterprise_facts(session: Session, party_id: int) -> EnterpriseFacts | None:
    """The enterprise's revenue and founding date, or ``None`` when it has no profile."""
    from ippledge.registry.tables import Enterprise

    row = session.get(Enterprise, party_id)
    if row is None:
        return None
    revenue = None if row.annual_revenue_fen is None else from_fen(row.annual_revenue_fen)
    return EnterpriseFacts(row.party_id, revenue, row.founded_on)
