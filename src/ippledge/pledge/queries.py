"""Published read face (查询接口) of pledge: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

# Reads for the edges (the demo's scenario and summary).
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.db import among
from ippledge.pledge import registry_settings, store
from ippledge.pledge.decision import pledgor_marks
from ippledge.pledge.model import FilingStatus, Refusal, asset_precheck, blocking
from ippledge.pledge.store import PledgeOnDate
from ippledge.pledge.tables import Pledge, PledgeFiling, PledgeFilingItem, PledgeItem
from ippledge.registry import queries as registry_queries
from ippledge.registry.ports import PledgeInForce

# -- pledges as lending reads them: securing a loan, released when it is repaid -------------------------------------


@dataclass(frozen=True)
class PledgeStanding:
    """A registered pledge (质押登记): who pledged to whom, and its status (``in_force``, ``released`` ...)."""

    id: int
    pledgor_id: int
    pledgee_id: int
    status: str

    @property
    def in_force(self) -> bool:
        return self.status == "in_force"


def pledge_standing(session: Session, pledge_id: int) -> PledgeStanding | None:
    """One pledge's parties and status, or ``None`` for an unknown id (no caller scoping: the caller checks)."""
    row = session.get(Pledge, pledge_id)
    return None if row is None else PledgeStanding(row.id, row.pledgor_id, row.pledgee_id, row.status)


def pledges_in_force_from_to(
    session: Session, pledgor_id: int, pledgee_id: int, asset_ids: Sequence[int]
) -> dict[int, int]:
    """``asset id -> pledge id`` for each of ``asset_ids`` under a pledge in force from ``pledgor_id`` to
    ``pledgee_id`` (the item itself still pledged); assets under no such pledge are left out."""
    if not asset_ids:
        return {}
    stmt = (
        select(PledgeItem.ip_asset_id, Pledge.id)
        .join(Pledge, Pledge.id == PledgeItem.pledge_id)
        .where(
            PledgeItem.ip_asset_id.in_(list(asset_ids)),
            PledgeItem.in_force,
            Pledge.status == "in_force",
            Pledge.pledgee_id == pledgee_id,
            Pledge.pledgor_id == pledgor_id,
        )
    )
    return {int(a): int(p) for a, p in session.execute(stmt)}


# -- pledges in force, as valuation revalues them --------------------------------------------------------------------


@dataclass(frozen=True)
class PledgeHolding:
    """A pledge in force (在押质权) and the IP it still covers; the pledgee is a bank, the pledgor the borrower."""

    pledge_id: int
    pledgee_id: int
    pledgor_id: int
    ip_asset_ids: tuple[int, ...]  # ascending


def pledges_in_force_on(session: Session, as_of: dt.date) -> list[PledgeHolding]:
    """Every pledge in force and effective on or before ``as_of`` with its IP still pledged, by pledge id.

    A pledge whose items were all released is left out."""
    stmt = (
        select(Pledge.id, Pledge.pledgee_id, Pledge.pledgor_id, PledgeItem.ip_asset_id)
        .join(PledgeItem, PledgeItem.pledge_id == Pledge.id)
        .where(Pledge.status == "in_force", Pledge.effective_on <= as_of, PledgeItem.in_force)
        .order_by(Pledge.id, PledgeItem.ip_asset_id)
    )
    assets: dict[int, list[int]] = defaultdict(list)
    parties: dict[int, tuple[int, int]] = {}
    for pid, pledgee, pledgor, aid in session.execute(stmt):
        assets[pid].append(aid)
        parties[pid] = (pledgee, pledgor)
    return [PledgeHolding(pid, *parties[pid], tuple(aids)) for pid, aids in assets.items()]


_CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)


def pledges_in_force(session: Session, asset_ids: Sequence[int]) -> dict[int, list[PledgeInForce]]:
    """``asset_id -> the pledge in force on it now`` (a list: the register's port type) for the pledged ones.

    The registry's port ``registry.ports.PledgesInForce``, plugged by ``bootstrap.wire``: the pledgee-consent rule on
    transfers and licences, collateral alerts and the batch query read pledges through it.
    """
    out: dict[int, list[PledgeInForce]] = {}
    for start in range(0, len(asset_ids), _CHUNK):
        chunk = list(asset_ids[start : start + _CHUNK])
        stmt = (
            select(
                PledgeItem.ip_asset_id,
                Pledge.id,
                Pledge.registration_no,
                Pledge.pledgor_id,
                Pledge.pledgee_id,
                Pledge.effective_on,
                Pledge.debt_amount,
                Pledge.currency,
            )
            .join(Pledge, Pledge.id == PledgeItem.pledge_id)
            .where(PledgeItem.ip_asset_id.in_(chunk), PledgeItem.in_force)
            .order_by(PledgeItem.ip_asset_id, Pledge.id)
        )
        for aid, pid, reg_no, pledgor, pledgee, on, amount, currency in session.execute(stmt):
            out.setdefault(aid, []).append(PledgeInForce(pid, reg_no, pledgor, pledgee, on, amount, currency))
    return out


def pledges_of_asset(session: Session, principal: Principal, asset_id: int, on: dt.date | None) -> list[PledgeOnDate]:
    """Pledges on one IP (质押查询) as the register stood on ``on`` (effective_on <= on < released_on), with the terms
    of that day; without ``on``, its whole history. Parties, the registry and supervisors see full rows; other
    register readers (banks, guarantors) gazette extracts without the debt amount; anyone else only their own."""
    return store.pledges_of_asset(session, principal, asset_id, on)


def filing_asset_ids(session: Session, filing_id: int) -> list[int]:
    """The ids of the IP listed in a pledge filing (质押登记申请), ascending."""
    stmt = select(PledgeFilingItem.ip_asset_id).where(PledgeFilingItem.filing_id == filing_id)
    return sorted(session.scalars(stmt))


@dataclass(frozen=True)
class FilingStanding:
    """Where a filing stands (登记申请状态): ``registered``, ``refused``, ``withdrawn`` or still on its way."""

    id: int
    kind: str
    pledge_id: int | None
    status: str
    decided_on: dt.date | None
    refusal_codes: tuple[str, ...]


def filing_standing(session: Session, filing_id: int) -> FilingStanding | None:
    """The status of a filing, for a capability that filed it through this face (a post-loan action waits on it)."""
    f = session.get(PledgeFiling, filing_id)
    if f is None:
        return None
    codes = tuple(json.loads(f.refusal_codes)) if f.refusal_codes else ()
    return FilingStanding(f.id, f.kind, f.pledge_id, f.status, f.decided_on, codes)


@dataclass(frozen=True)
class OverdueFiling:
    """A filing lodged with a registry and still undecided past the registry's time limit (超时未决的登记申请)."""

    id: int
    filing_no: str
    kind: str
    registry_id: int
    pledgor_id: int
    pledgee_id: int
    submitted_on: dt.date | None
    due_on: dt.date


def overdue_filings(session: Session, principal: Principal, today: dt.date) -> list[OverdueFiling]:
    """Submitted filings the caller may see (the filing's scope rule: a registry its own, overseers every registry)
    whose decision is past due, by deadline, in one read."""
    stmt = (
        scope.scoped(PledgeFiling, principal)
        .where(
            PledgeFiling.status == FilingStatus.SUBMITTED.value,
            PledgeFiling.due_on.is_not(None),
            PledgeFiling.due_on < today,
        )
        .order_by(PledgeFiling.due_on, PledgeFiling.id)
    )
    return [
        OverdueFiling(f.id, f.filing_no, f.kind, f.registry_id, f.pledgor_id, f.pledgee_id, f.submitted_on, f.due_on)
        for f in session.scalars(stmt)
        if f.due_on is not None
    ]


def pledge_asset_ids(session: Session, pledge_id: int) -> list[int]:
    """The ids of the IP under a registered pledge (已登记质权), released or not, ascending."""
    return sorted(session.scalars(select(PledgeItem.ip_asset_id).where(PledgeItem.pledge_id == pledge_id)))


def pledge_asset_ids_of(session: Session, pledge_ids: Sequence[int]) -> dict[int, list[int]]:
    """:func:`pledge_asset_ids` of many pledges in one query: ``pledge id -> its IP ids (released or not)``."""
    out: dict[int, list[int]] = {}
    stmt = select(PledgeItem.pledge_id, PledgeItem.ip_asset_id).where(
        among(PledgeItem.pledge_id, sorted(set(pledge_ids)))
    )
    for pid, aid in session.execute(stmt.order_by(PledgeItem.pledge_id, PledgeItem.ip_asset_id)):
        out.setdefault(int(pid), []).append(int(aid))
    return out


def count_in_force(session: Session) -> int:
    """How many registered pledges are in force (有效质权)."""
    stmt = select(func.count()).select_from(Pledge).where(Pledge.status == "in_force")
    return int(session.scalar(stmt) or 0)


def registration_no(session: Session, pledge_id: int) -> str | None:
    """The registration number (登记号) of a pledge; ``None`` for an unknown id."""
    return session.scalar(select(Pledge.registration_no).where(Pledge.id == pledge_id))


def pledged_asset_ids(session: Session) -> frozenset[int]:
    """Ids of the IP assets under a pledge in force (在押)."""
    return frozenset(int(a) for a in session.scalars(select(PledgeItem.ip_asset_id).where(PledgeItem.in_force)))


def registered_on(session: Session, pledge_id: int) -> dt.date | None:
    """The date a pledge took effect on registration (质权自登记之日起设立); ``None`` for an unknown id."""
    return session.scalar(select(Pledge.effective_on).where(Pledge.id == pledge_id))


# -- the registry's pre-check, early (intake, credit) ----------------------------------------------------------------


def would_refuse(
    session: Session,
    pledgor_id: int,
    asset_ids: Sequence[int],
    as_of: dt.date,
    *,
    registry_id: int | None = None,
    debt_end: dt.date | None = None,
) -> list[Refusal]:
    """What the registry's pre-check would refuse if ``pledgor_id`` pledged these IP on ``as_of`` (预审): every
    per-IP ground (not the owner, lapsed or expired, annuity unpaid, preserved or sealed, already pledged, the
    trademark grounds, similar marks left out), the wrong registry when ``registry_id`` is given and a debt outliving
    the right when ``debt_end`` is. The contract's grounds wait for the contract. Unknown ids are left out."""
    facts = registry_queries.load_facts(session, list(asset_ids), as_of)
    assets = [facts[i] for i in asset_ids if i in facts]
    kinds = None if registry_id is None else registry_settings.effective(session, registry_id).ip_kinds
    in_force = store.registrations_in_force(session, [a.id for a in assets])
    marks = pledgor_marks(session, pledgor_id, assets, as_of)
    return asset_precheck(
        pledgor_id, assets, in_force, as_of, debt_end=debt_end, registry_kinds=kinds, pledgor_marks=marks
    )


def blocking_refusals(refusals: Sequence[Refusal]) -> list[Refusal]:
    """Those of ``refusals`` the parties cannot clear in the filing itself (consents, confirmations, the marks
    listed): the ones that should stop a loan secured by the pledge."""
    return blocking(refusals)


@dataclass(frozen=True)
class Registration:
    """A pledge registration (质押登记) as the IP office's statistics count it: the registered debt amount (yuan) on
    the date it took effect, and the IP it covers."""

    pledge_id: int
    pledgee_id: int
    pledgor_id: int
    effective_on: dt.date
    amount: Decimal
    ip_asset_ids: tuple[int, ...]


def registrations(session: Session, start: dt.date, end: dt.date) -> list[Registration]:
    """Every pledge that took effect from ``start`` to ``end`` (both included), released or not, by id."""
    stmt = (
        select(Pledge.id, Pledge.pledgee_id, Pledge.pledgor_id, Pledge.effective_on, Pledge.debt_amount)
        .where(Pledge.effective_on >= start, Pledge.effective_on <= end)
        .order_by(Pledge.id)
    )
    rows = list(session.execute(stmt))
    assets: dict[int, list[int]] = defaultdict(list)
    ids = [int(r[0]) for r in rows]
    for begin in range(0, len(ids), 5_000):
        chunk = ids[begin : begin + 5_000]
        for pid, aid in session.execute(
            select(PledgeItem.pledge_id, PledgeItem.ip_asset_id).where(PledgeItem.pledge_id.in_(chunk))
        ):
            assets[int(pid)].append(int(aid))
    return [
        Registration(int(i), int(e), int(o), on, amount, tuple(sorted(assets[int(i)]))) for i, e, o, on, amount in rows
    ]


@dataclass(frozen=True)
class PledgorStanding:
    """An enterprise's pledges in force as pledgor (出质情况): how many pledges, how many IP under them."""

    pledges: int
    assets: int


def standing_of_pledgors(session: Session, party_ids: Sequence[int]) -> dict[int, PledgorStanding]:
    """``pledgor -> its pledges in force`` for the given parties that have any (one grouped query, the ids in one
    parameter)."""
    ids = sorted(set(party_ids))
    out: dict[int, PledgorStanding] = {}
    stmt = (
        select(Pledge.pledgor_id, func.count(func.distinct(Pledge.id)), func.count(PledgeItem.ip_asset_id))
        .join(PledgeItem, PledgeItem.pledge_id == Pledge.id)
        .where(among(Pledge.pledgor_id, ids), PledgeItem.in_force)
        .group_by(Pledge.pledgor_id)
    )
    for pid, pledges, assets in session.execute(stmt):
        out[int(pid)] = PledgorStanding(int(pledges), int(assets))
    return out
