"""Published read face (查询接口) of registry: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

# Reads for the edges (the simulator's hidden truth, the demo's scenario, the benchmarks).
from sqlalchemy import Date, String, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.db import among, sqlite_index
from ippledge.kernel.money import from_fen
from ippledge.registry import numbers, store
from ippledge.registry.model import AssetFacts, IpKind, LegalState, Subtype
from ippledge.registry.tables import PATENT_IN_FORCE_INDEX, Annuity, Enterprise, IpAsset, IpOwner, LegalStatusEvent

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
    from ippledge.registry.tables import IpAsset

    ids = sorted(set(asset_ids))
    out: dict[int, AssetSummary] = {}
    for start in range(0, len(ids), _CHUNK):
        stmt = select(IpAsset).where(IpAsset.id.in_(ids[start : start + _CHUNK])).order_by(IpAsset.id)
        for a in session.scalars(stmt):
            out[a.id] = AssetSummary(a.id, IpKind(a.kind), Subtype(a.subtype), a.number, a.title, LegalState(a.status))
    return out


def ipc_main_of(session: Session, asset_ids: Iterable[int]) -> dict[int, str | None]:
    """``asset id -> main IPC symbol`` (主分类号; ``None`` for a trademark or an unclassified patent)."""
    from ippledge.registry.tables import IpAsset

    ids = sorted(set(asset_ids))
    out: dict[int, str | None] = {}
    for start in range(0, len(ids), _CHUNK):
        stmt = select(IpAsset.id, IpAsset.ipc_main).where(IpAsset.id.in_(ids[start : start + _CHUNK]))
        out.update({int(i): ipc for i, ipc in session.execute(stmt)})
    return out


def asset_id_by_number(session: Session, kind: IpKind | str, number: str) -> int | None:
    """The id of the asset of ``kind`` with the stored (normalised) ``number``, or ``None`` if not on the register."""
    kind_value = IpKind(kind).value
    return session.scalar(select(IpAsset.id).where(IpAsset.kind == kind_value, IpAsset.number == number))


# -- the register as intake, valuation and credit read it ------------------------------------------------------------


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
    for start in range(0, len(ids), _CHUNK):
        stmt = select(IpOwner.ip_asset_id).where(
            IpOwner.ip_asset_id.in_(ids[start : start + _CHUNK]), IpOwner.party_id == party_id
        )
        out.update(session.scalars(stmt))
    return out


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


def existing_asset_ids(session: Session, asset_ids: Iterable[int]) -> set[int]:
    """The subset of ``asset_ids`` that are on the register."""
    ids = sorted(set(asset_ids))
    out: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        out.update(session.scalars(select(IpAsset.id).where(IpAsset.id.in_(ids[start : start + _CHUNK]))))
    return out


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


# -- post-loan monitoring (贷后监测): the day's events and the annuities of pledged patents --------------------------


@dataclass(frozen=True)
class StatusEventRow:
    """One recorded legal-status event (法律状态事件) as monitoring reads it."""

    id: int
    asset_id: int
    code: str
    effective_date: dt.date
    source: str
    batch_id: int | None


def status_events_after(
    session: Session, after_id: int, through: dt.date, effective_from: dt.date | None = None
) -> list[StatusEventRow]:
    """Events recorded after event id ``after_id`` and effective on or before ``through`` (and on or after
    ``effective_from`` when given), by id: feeds and the API alike; a watermark on the id catches a backdated feed
    line that a window on the effective date would miss."""
    stmt = (
        select(
            LegalStatusEvent.id,
            LegalStatusEvent.ip_asset_id,
            LegalStatusEvent.code,
            LegalStatusEvent.effective_date,
            LegalStatusEvent.source,
            LegalStatusEvent.batch_id,
        )
        .where(LegalStatusEvent.id > after_id, LegalStatusEvent.effective_date <= through)
        .order_by(LegalStatusEvent.id)
    )
    if effective_from is not None:
        stmt = stmt.where(LegalStatusEvent.effective_date >= effective_from)
    return [StatusEventRow(*row) for row in session.execute(stmt)]


def last_event_id(session: Session) -> int:
    return int(session.scalar(select(func.max(LegalStatusEvent.id))) or 0)


@dataclass(frozen=True)
class OpenAnnuity:
    """An unpaid annuity (未缴年费) of a patent in force: patent year, due date and the official fee (yuan)."""

    asset_id: int
    year_no: int
    due_date: dt.date
    amount: Decimal


def open_annuities(session: Session, asset_ids: Sequence[int], due_from: dt.date, due_to: dt.date) -> list[OpenAnnuity]:
    """Unpaid annuities of the given patents in force, due from ``due_from`` to ``due_to`` inclusive."""
    out: list[OpenAnnuity] = []
    ids = sorted(set(asset_ids))
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(Annuity.ip_asset_id, Annuity.year_no, Annuity.due_date, Annuity.amount)
            .join(IpAsset, IpAsset.id == Annuity.ip_asset_id)
            .where(
                Annuity.ip_asset_id.in_(ids[start : start + _CHUNK]),
                Annuity.paid_on.is_(None),
                Annuity.due_date >= due_from,
                Annuity.due_date <= due_to,
                IpAsset.status == LegalState.IN_FORCE.value,
            )
            .order_by(Annuity.ip_asset_id, Annuity.year_no)
        )
        out.extend(OpenAnnuity(*row) for row in session.execute(stmt))
    return out


def open_annuity(session: Session, asset_id: int, year_no: int) -> OpenAnnuity | None:
    """One unpaid annuity of a patent in force (None: unknown, paid, or the right is not in force)."""
    stmt = (
        select(Annuity.ip_asset_id, Annuity.year_no, Annuity.due_date, Annuity.amount)
        .join(IpAsset, IpAsset.id == Annuity.ip_asset_id)
        .where(
            Annuity.ip_asset_id == asset_id,
            Annuity.year_no == year_no,
            Annuity.paid_on.is_(None),
            IpAsset.status == LegalState.IN_FORCE.value,
        )
    )
    row = session.execute(stmt).first()
    return None if row is None else OpenAnnuity(*row)


@dataclass(frozen=True)
class PledgedAssetFacts:
    """What monitoring reads of a pledged IP: number, title, state and expiry."""

    asset_id: int
    kind: str
    number: str
    title: str
    status: str
    expiry_date: dt.date | None
    preserved: bool
    invalidation_pending: bool


def pledged_asset_facts(session: Session, asset_ids: Sequence[int]) -> dict[int, PledgedAssetFacts]:
    out: dict[int, PledgedAssetFacts] = {}
    ids = sorted(set(asset_ids))
    for start in range(0, len(ids), _CHUNK):
        stmt = select(
            IpAsset.id,
            IpAsset.kind,
            IpAsset.number,
            IpAsset.title,
            IpAsset.status,
            IpAsset.expiry_date,
            IpAsset.preserved,
            IpAsset.invalidation_pending,
        ).where(IpAsset.id.in_(ids[start : start + _CHUNK]))
        for row in session.execute(stmt):
            out[row[0]] = PledgedAssetFacts(*row)
    return out


# -- whitelists and the reverse push (白名单与反向推送): designations and IP facts of many firms at once ---------------


@dataclass(frozen=True)
class DesignationFact:
    """A designation an enterprise holds on a date (企业认定): kind, detail (the park's name) and source."""

    kind: str
    detail: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    source: str


def designations(session: Session, party_ids: Sequence[int], on: dt.date) -> dict[int, list[DesignationFact]]:
    """``party id -> designations valid on ``on```` for the given enterprises (set-based, in chunks)."""
    from ippledge.registry.tables import EnterpriseDesignation as D

    ids = sorted(set(party_ids))
    out: dict[int, list[DesignationFact]] = {}
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(D.party_id, D.kind, D.detail, D.valid_from, D.valid_to, D.source)
            .where(
                D.party_id.in_(ids[start : start + _CHUNK]),
                D.valid_from <= on,
                (D.valid_to.is_(None)) | (D.valid_to >= on),
            )
            .order_by(D.party_id, D.kind, D.valid_from)
        )
        for pid, kind, detail, vf, vt, source in session.execute(stmt):
            out.setdefault(int(pid), []).append(DesignationFact(kind, detail, vf, vt, source))
    return out


@dataclass(frozen=True)
class FirmIpFacts:
    """An enterprise's IP on the register on a date, for a bank's reverse push (反向推送) and whitelist criteria:
    patents in force (有效专利) and among them inventions (有效发明专利); unpaid annuities of patents in force past
    their six-month grace (the right terminates: 宽限期已过), within it (滞纳期), and falling due within ``soon_days``;
    open abnormal-application flags (非正常专利申请)."""

    party_id: int
    valid_patents: int = 0
    valid_inventions: int = 0
    annuities_past_grace: int = 0
    annuities_in_grace: int = 0
    annuities_due_soon: int = 0
    abnormal_applications: int = 0


def _patents_in_force() -> Any:
    """Owners joined to their patents in force through the narrow partial index (``id, subtype`` of the patents in
    force only): the planner drives the join from the requested firms' owner index, never the wide asset rows
    (decision 0033; SQLite is told the index, PostgreSQL finds it)."""
    stmt = select(IpOwner.party_id).join(IpAsset, IpAsset.id == IpOwner.ip_asset_id)
    # Constants written into the SQL, not bound: a planner matches a partial index's condition only against literals.
    patent = literal(IpKind.PATENT.value, literal_execute=True)
    alive = literal(LegalState.IN_FORCE.value, literal_execute=True)
    stmt = stmt.where(IpAsset.kind == patent, IpAsset.status == alive)
    return sqlite_index(stmt, IpAsset, PATENT_IN_FORCE_INDEX)


def firm_ip_facts(session: Session, party_ids: Sequence[int], on: dt.date, soon_days: int) -> dict[int, FirmIpFacts]:
    """The :class:`FirmIpFacts` of every given enterprise, by party id (zero counts for a firm without IP): three
    grouped queries for the whole set (its ids in one parameter: ``db.among``), never one query per firm, each read
    from narrow indexes only (decision 0033)."""
    from sqlalchemy import case

    from ippledge.kernel.calendar import add_months
    from ippledge.registry.model import ANNUITY_GRACE_MONTHS
    from ippledge.registry.tables import AbnormalApplication

    ids = sorted(set(party_ids))
    counts: dict[int, dict[str, int]] = {pid: {} for pid in ids}
    soon = on + dt.timedelta(days=soon_days)
    # in grace while on <= due + 6 months (registry.model.grace_end), i.e. due >= on - 6 months
    grace_cutoff = add_months(on, -ANNUITY_GRACE_MONTHS)
    invention = Subtype.INVENTION.value
    if ids:
        # Patents in force and the inventions among them: one owner row per (asset, party), so count(*) is distinct.
        patents = (
            _patents_in_force()
            .add_columns(func.count(), func.sum(case((IpAsset.subtype == invention, 1), else_=0)))
            .where(among(IpOwner.party_id, ids))
            .group_by(IpOwner.party_id)
        )
        for pid, n, inv in session.execute(patents):
            counts[int(pid)].update(valid_patents=int(n), valid_inventions=int(inv or 0))
        # Their unpaid annuities up to ``soon`` (usually none or one per firm), from the partial index of open fees.
        fees = sqlite_index(
            _patents_in_force()
            .add_columns(
                func.sum(case((Annuity.due_date < grace_cutoff, 1), else_=0)),
                func.sum(case(((Annuity.due_date >= grace_cutoff) & (Annuity.due_date < on), 1), else_=0)),
                func.sum(case((Annuity.due_date >= on, 1), else_=0)),
            )
            .join(Annuity, Annuity.ip_asset_id == IpOwner.ip_asset_id)
            .where(
                among(IpOwner.party_id, ids), Annuity.paid_on.is_(None), Annuity.due_date <= soon
            )  # IS NULL: literal
            .group_by(IpOwner.party_id),
            Annuity,
            "ix_annuity_open",
        )
        for pid, past, grace, due in session.execute(fees):
            counts[int(pid)].update(
                annuities_past_grace=int(past or 0),
                annuities_in_grace=int(grace or 0),
                annuities_due_soon=int(due or 0),
            )
        flags = (
            select(IpOwner.party_id, func.count())
            .join(AbnormalApplication, AbnormalApplication.ip_asset_id == IpOwner.ip_asset_id)
            .where(
                among(IpOwner.party_id, ids),
                AbnormalApplication.flagged_on <= on,
                (AbnormalApplication.cleared_on.is_(None)) | (AbnormalApplication.cleared_on > on),
            )
            .group_by(IpOwner.party_id)
        )
        for pid, n in session.execute(flags):
            counts[int(pid)]["abnormal_applications"] = int(n)
    return {pid: FirmIpFacts(pid, **c) for pid, c in counts.items()}


def patents_in_force_of(session: Session, party_ids: Sequence[int]) -> dict[int, list[int]]:
    """``party id -> ids of the patents in force it owns`` (whitelist criteria score them)."""
    ids = sorted(set(party_ids))
    out: dict[int, list[int]] = {}
    stmt = (
        _patents_in_force()
        .add_columns(IpAsset.id)
        .where(among(IpOwner.party_id, ids))
        .order_by(IpOwner.party_id, IpAsset.id)
    )
    for pid, aid in session.execute(stmt):
        out.setdefault(int(pid), []).append(int(aid))
    return out


def enterprise_ids(session: Session) -> list[int]:
    """Every enterprise on the register (a whitelist build considers them all)."""
    return [int(p) for p in session.scalars(select(Enterprise.party_id).order_by(Enterprise.party_id))]


def high_tech_flags(session: Session, party_ids: Sequence[int]) -> set[int]:
    """The enterprises whose profile says 高新技术企业 (the profile flag, beside any dated designation)."""
    ids = sorted(set(party_ids))
    out: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        stmt = select(Enterprise.party_id).where(
            Enterprise.party_id.in_(ids[start : start + _CHUNK]), Enterprise.high_tech.is_(True)
        )
        out.update(int(p) for p in session.scalars(stmt))
    return out
