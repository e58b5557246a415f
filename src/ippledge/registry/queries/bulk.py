"""The whole register read at once (登记簿批量读取): column-wise for the valuation engine, its fingerprint, enterprise
profiles and event counts, and the ids bulk loads need (the simulator's hidden truth, the demo, the benchmarks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Date, String, func, select, type_coerce
from sqlalchemy.orm import Session

from ippledge.kernel.money import from_fen
from ippledge.registry.tables import Enterprise, IpAsset, IpOwner, LegalStatusEvent


def asset_columns(session: Session, names: Sequence[str], raw_dates: bool = False) -> list[tuple[Any, ...]]:
    """Every IP on the register as rows of the named ``ip_asset`` attributes (``id``, ``kind``, ``filing_date`` ...),
    in id order: one query for the whole register (the valuation engine's input).

    ``raw_dates``: dates as the driver gives them (ISO text on SQLite, ``date`` on PostgreSQL) for a reader that
    converts a whole column at once (NumPy parses ISO text in C): SQLAlchemy's per-value date parsing on SQLite was a
    third of the engine's register read (decision 0033). Read on the session's connection, past the ORM's row
    loading (plain values, the same rows); pending changes are flushed first, as the ORM would."""
    cols = []
    for n in names:
        col = getattr(IpAsset, n)
        cols.append(type_coerce(col, String).label(n) if raw_dates and isinstance(col.type, Date) else col)
    session.flush()
    # ``all()`` fetches in one driver call (iterating fetches row by row); rows are tuple-like
    return cast(list[tuple[Any, ...]], session.connection().execute(select(*cols).order_by(IpAsset.id)).all())


def owner_rows(session: Session) -> list[tuple[int, int]]:
    """``(asset id, party id)`` of every owner, by asset, then the largest share first, then the lowest party id: the
    first row of each asset is its main owner. Read on the session's connection, past the ORM's row loading."""
    stmt = select(IpOwner.ip_asset_id, IpOwner.party_id).order_by(
        IpOwner.ip_asset_id, IpOwner.share_bp.desc(), IpOwner.party_id
    )
    session.flush()
    return cast(list[tuple[int, int]], session.connection().execute(stmt).all())


def register_version(session: Session) -> tuple[Any, ...]:
    """A cheap fingerprint of what the valuation engine reads of the register (assets, owners, enterprise profiles,
    legal-status events): aggregates that change when a row is added, removed or updated through the ORM or Core
    (``ip_asset.updated_at``), so a reader may keep something computed from the register while it is unchanged.
    Four aggregate scans, no rows fetched."""
    asset = session.execute(select(func.count(), func.max(IpAsset.id), func.max(IpAsset.updated_at))).one()
    owner = session.execute(
        select(func.count(), func.sum(IpOwner.ip_asset_id), func.sum(IpOwner.party_id), func.sum(IpOwner.share_bp))
    ).one()
    firm = session.execute(
        select(
            func.count(),
            func.sum(Enterprise.annual_revenue_fen),
            func.count(Enterprise.annual_revenue_fen),
            func.count(Enterprise.size),
            func.sum(func.length(Enterprise.size)),
        )
    ).one()
    event = session.execute(select(func.count(), func.max(LegalStatusEvent.id))).one()
    return (*asset, *owner, *firm, *event)


@dataclass(frozen=True)
class EnterpriseProfile:
    """An enterprise's size and revenue as recorded on its registry profile (企业信息); either may be unknown."""

    party_id: int
    annual_revenue: Decimal | None
    size: str | None  # micro | small | medium | large


def enterprise_profiles(session: Session) -> dict[int, EnterpriseProfile]:
    """Every enterprise profile, by party id."""
    stmt = select(Enterprise.party_id, Enterprise.annual_revenue_fen, Enterprise.size)
    return {
        pid: EnterpriseProfile(pid, None if fen is None else from_fen(fen), size)
        for pid, fen, size in session.execute(stmt)
    }


def status_event_counts(session: Session, codes: Iterable[str], as_of: dt.date) -> list[tuple[int, str, int]]:
    """``(asset id, code, count)`` of the legal-status events (法律状态事件) with these codes effective by ``as_of``."""
    stmt = (
        select(LegalStatusEvent.ip_asset_id, LegalStatusEvent.code, func.count())
        .where(LegalStatusEvent.code.in_(list(codes)), LegalStatusEvent.effective_date <= as_of)
        .group_by(LegalStatusEvent.ip_asset_id, LegalStatusEvent.code)
    )
    return [(int(a), str(c), int(n)) for a, c, n in session.execute(stmt)]


def asset_ids_by_number(session: Session) -> dict[tuple[str, str], int]:
    """Asset id by (kind, number) for every asset of the register (bulk tools, the simulator's hidden truth)."""
    return {(str(k), str(n)): int(i) for i, k, n in session.execute(select(IpAsset.id, IpAsset.kind, IpAsset.number))}


def next_asset_id(session: Session) -> int:
    """The id after the highest asset id (for bulk loads with explicit ids)."""
    return int(session.scalar(select(func.coalesce(func.max(IpAsset.id), 0))) or 0) + 1


def next_event_id(session: Session) -> int:
    """The id after the highest legal-status event id (for bulk loads with explicit ids)."""
    return int(session.scalar(select(func.coalesce(func.max(LegalStatusEvent.id), 0))) or 0) + 1
