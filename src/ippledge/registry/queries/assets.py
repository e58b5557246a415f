"""The register's assets as other capabilities read them (知识产权查询): facts, summaries, numbers, owners, and a
search by criteria. Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.registry import numbers, store
from ippledge.registry.model import AssetFacts, IpKind, LegalState, Subtype
from ippledge.registry.tables import Annuity, IpAsset, IpOwner

CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)


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
    for start in range(0, len(ids), CHUNK):
        stmt = select(IpAsset).where(IpAsset.id.in_(ids[start : start + CHUNK])).order_by(IpAsset.id)
        for a in session.scalars(stmt):
            out[a.id] = AssetSummary(a.id, IpKind(a.kind), Subtype(a.subtype), a.number, a.title, LegalState(a.status))
    return out


def ipc_main_of(session: Session, asset_ids: Iterable[int]) -> dict[int, str | None]:
    """``asset id -> main IPC symbol`` (主分类号; ``None`` for a trademark or an unclassified patent)."""
    ids = sorted(set(asset_ids))
    out: dict[int, str | None] = {}
    for start in range(0, len(ids), CHUNK):
        stmt = select(IpAsset.id, IpAsset.ipc_main).where(IpAsset.id.in_(ids[start : start + CHUNK]))
        out.update({int(i): ipc for i, ipc in session.execute(stmt)})
    return out


def asset_id_by_number(session: Session, kind: IpKind | str, number: str) -> int | None:
    """The id of the asset of ``kind`` with the stored (normalised) ``number``, or ``None`` if not on the register."""
    kind_value = IpKind(kind).value
    return session.scalar(select(IpAsset.id).where(IpAsset.kind == kind_value, IpAsset.number == number))


def visible_asset_id(session: Session, principal: Principal, asset_id: int) -> int:
    """The id of an IP the caller may read on the register (register readers and its owners); 404 otherwise."""
    return scope.get_visible(session, IpAsset, asset_id, principal).id


def find_asset_id(session: Session, text: str) -> int | None:
    """The asset any register reading of ``text`` names (a patent, trademark or copyright number as typed, readings
    tried in order of preference), or ``None`` when none is on the register. Text no reading fits raises its error."""
    reading = numbers.read(text)
    if reading.error is not None and not reading.candidates:
        raise reading.error
    for kind, stored in reading.candidates:
        if (found := asset_id_by_number(session, kind, stored)) is not None:
            return found
    return None


def assets_owned_by(session: Session, party_id: int, asset_ids: Iterable[int]) -> set[int]:
    """Those of ``asset_ids`` the party owns or co-owns (权利人/共有人)."""
    ids = sorted(set(asset_ids))
    out: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        stmt = select(IpOwner.ip_asset_id).where(
            IpOwner.ip_asset_id.in_(ids[start : start + CHUNK]), IpOwner.party_id == party_id
        )
        out.update(session.scalars(stmt))
    return out


def existing_asset_ids(session: Session, asset_ids: Iterable[int]) -> set[int]:
    """The subset of ``asset_ids`` that are on the register."""
    ids = sorted(set(asset_ids))
    out: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        out.update(session.scalars(select(IpAsset.id).where(IpAsset.id.in_(ids[start : start + CHUNK]))))
    return out


def sole_owners(session: Session) -> dict[int, int]:
    """The owner of every asset that has exactly one owner, by asset id."""
    stmt = (
        select(IpOwner.ip_asset_id, func.min(IpOwner.party_id)).group_by(IpOwner.ip_asset_id).having(func.count() == 1)
    )
    return {int(a): int(o) for a, o in session.execute(stmt)}


def owned_asset_ids(session: Session, party_id: int, kind: IpKind | str, status: LegalState | None = None) -> list[int]:
    """Ids of the assets of ``kind`` that ``party_id`` owns or co-owns, optionally only those in ``status``."""
    stmt = (
        select(IpAsset.id)
        .join(IpOwner, IpOwner.ip_asset_id == IpAsset.id)
        .where(IpOwner.party_id == party_id, IpAsset.kind == IpKind(kind).value)
    )
    if status is not None:
        stmt = stmt.where(IpAsset.status == status.value)
    return sorted({int(i) for i in session.scalars(stmt)})


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
