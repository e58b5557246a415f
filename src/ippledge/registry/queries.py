"""Published read face (查询接口) of registry: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

# Reads for the edges (the simulator's hidden truth, the demo's scenario, the benchmarks).
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.registry.tables import Annuity, IpAsset, IpOwner, LegalStatusEvent


def asset_ids_by_number(session: Session) -> dict[tuple[str, str], int]:
    """Asset id by (kind, number) for every asset of the register (bulk tools, the simulator's hidden truth)."""
    return {(str(k), str(n)): int(i) for i, k, n in session.execute(select(IpAsset.id, IpAsset.kind, IpAsset.number))}


def next_asset_id(session: Session) -> int:
    """The id after the highest asset id (for bulk loads with explicit ids)."""
    return int(session.scalar(select(func.coalesce(func.max(IpAsset.id), 0))) or 0) + 1


def next_event_id(session: Session) -> int:
    """The id after the highest legal-status event id (for bulk loads with explicit ids)."""
    return int(session.scalar(select(func.coalesce(func.max(LegalStatusEvent.id), 0))) or 0) + 1


def sole_owners(session: Session) -> dict[int, int]:
    """The owner of every asset that has exactly one owner, by asset id."""
    stmt = (
        select(IpOwner.ip_asset_id, func.min(IpOwner.party_id)).group_by(IpOwner.ip_asset_id).having(func.count() == 1)
    )
    return {int(a): int(o) for a, o in session.execute(stmt)}


def owner_ids(session: Session, asset_id: int) -> list[int]:
    """The owners (party ids) of one asset, in id order."""
    stmt = select(IpOwner.party_id).where(IpOwner.ip_asset_id == asset_id).order_by(IpOwner.party_id)
    return [int(p) for p in session.scalars(stmt)]


@dataclass(frozen=True)
class AssetSearch:
    """What an asset must be for ``asset_ids``; ``None`` leaves a criterion out. Dates compare strictly."""

    kind: str | None = "patent"  # None: any kind
    subtype: str | None = None
    status: str | None = None
    preserved: bool | None = None
    invalidation_pending: bool | None = None
    same_day_twin: bool | None = None  # True: a same-day twin is recorded; False: none
    co_owned: bool | None = None  # True: more than one owner
    no_unpaid_annuity_due_by: dt.date | None = None  # no unpaid annuity due on or before this date
    unpaid_annuity_due_between: tuple[dt.date, dt.date] | None = None  # an unpaid annuity due strictly inside
    expires_after: dt.date | None = None
    expires_before: dt.date | None = None
    excluded: frozenset[int] = frozenset()  # asset ids left out (already pledged, already used ...)


def asset_ids(session: Session, search: AssetSearch, limit: int | None = None) -> list[int]:
    """Ids of the assets matching ``search``, in id order (the first ``limit`` of them when given)."""
    conds = [] if search.kind is None else [IpAsset.kind == search.kind]
    if search.subtype is not None:
        conds.append(IpAsset.subtype == search.subtype)
    if search.status is not None:
        conds.append(IpAsset.status == search.status)
    if search.preserved is not None:
        conds.append(IpAsset.preserved.is_(search.preserved))
    if search.invalidation_pending is not None:
        conds.append(IpAsset.invalidation_pending.is_(search.invalidation_pending))
    if search.same_day_twin is not None:
        conds.append(IpAsset.same_day_twin.is_not(None) if search.same_day_twin else IpAsset.same_day_twin.is_(None))
    if search.co_owned is not None:
        co = select(IpOwner.ip_asset_id).group_by(IpOwner.ip_asset_id).having(func.count() > 1)
        conds.append(IpAsset.id.in_(co) if search.co_owned else IpAsset.id.not_in(co))
    if search.no_unpaid_annuity_due_by is not None:
        due = select(Annuity.ip_asset_id).where(
            Annuity.paid_on.is_(None), Annuity.due_date <= search.no_unpaid_annuity_due_by
        )
        conds.append(IpAsset.id.not_in(due))
    if search.unpaid_annuity_due_between is not None:
        lo, hi = search.unpaid_annuity_due_between
        unpaid = select(Annuity.ip_asset_id).where(
            Annuity.paid_on.is_(None), Annuity.due_date > lo, Annuity.due_date < hi
        )
        conds.append(IpAsset.id.in_(unpaid))
    if search.expires_after is not None:
        conds.append(IpAsset.expiry_date > search.expires_after)
    if search.expires_before is not None:
        conds.append(IpAsset.expiry_date < search.expires_before)
    if search.excluded:
        conds.append(IpAsset.id.not_in(sorted(search.excluded)))
    stmt = select(IpAsset.id).where(*conds).order_by(IpAsset.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [int(i) for i in session.scalars(stmt)]
