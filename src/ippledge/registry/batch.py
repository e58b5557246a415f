"""Batch query (批量查询): status, owners, pledges and annuity state of up to 10,000 IP numbers in one request.

Each number is normalised and answered as ``found``, ``invalid`` (with the identifier error) or ``not_found``.
Everything is read with a few chunked ``IN`` queries (assets, owners with their names, pledges in force, unpaid
annuities), never one query per number. Register readers see every asset; anyone else (an enterprise) only the
assets it owns or co-owns, and every other number reads as ``not_found``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import REGISTER_READERS, PartyKind, Principal
from ippledge.registry import errors, model
from ippledge.registry.feed_store import in_values
from ippledge.registry.model import AnnuityState, IpKind, LegalState
from ippledge.registry.numbers import Candidate, display, read
from ippledge.registry.ports import pledges_in_force
from ippledge.registry.tables import Annuity, IpAsset, IpOwner

# Who sees pledge amounts of pledges they are not party to (others get gazette extracts).
_FULL_VIEW = frozenset({PartyKind.REGISTRY, PartyKind.REGULATOR, PartyKind.PLATFORM})

_CHUNK = 5_000
_SEVERITY = {AnnuityState.NOT_DUE: 0, AnnuityState.IN_GRACE: 1, AnnuityState.LAPSED: 2}


@dataclass(frozen=True)
class OwnerView:
    party_id: int
    name: str
    uscc: str | None
    share_bp: int


@dataclass(frozen=True)
class PledgeView:
    """A pledge in force on one asset, as the batch query shows it."""

    pledge_id: int
    registration_no: str
    pledgor_id: int
    pledgee_id: int
    pledgee_name: str
    effective_on: dt.date
    debt_amount: Decimal | None  # None: withheld from a register reader that is not a party (gazette extract)
    currency: str


@dataclass
class BatchItem:
    query: str
    result: str  # found | invalid | not_found
    kind: str | None = None
    subtype: str | None = None
    number: str | None = None
    display: str | None = None
    title: str | None = None
    status: str | None = None
    status_zh: str | None = None
    status_date: dt.date | None = None
    filing_date: dt.date | None = None
    grant_date: dt.date | None = None
    expiry_date: dt.date | None = None
    preserved: bool = False
    invalidation_pending: bool = False
    owners: list[OwnerView] = field(default_factory=list)
    pledges: list[PledgeView] = field(default_factory=list)
    annuity_state: str | None = None  # worst state of the unpaid annuities: not_due | in_grace | lapsed
    next_annuity_due: dt.date | None = None
    unpaid_in_grace: list[dt.date] = field(default_factory=list)
    error_code: str | None = None
    error_zh: str | None = None
    error_en: str | None = None


def _assets(session: Session, candidates: set[Candidate]) -> dict[Candidate, IpAsset]:
    numbers = sorted({n for _, n in candidates})
    out: dict[Candidate, IpAsset] = {}
    for start in range(0, len(numbers), _CHUNK):
        for a in session.scalars(
            select(IpAsset).where(in_values(session, IpAsset.number, numbers[start : start + _CHUNK]))
        ):
            out[(IpKind(a.kind), a.number)] = a
    return out


def _owners(session: Session, ids: list[int]) -> dict[int, list[OwnerView]]:
    shares: list[tuple[int, int, int]] = []
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(IpOwner.ip_asset_id, IpOwner.party_id, IpOwner.share_bp)
            .where(in_values(session, IpOwner.ip_asset_id, ids[start : start + _CHUNK]))
            .order_by(IpOwner.ip_asset_id, IpOwner.party_id)
        )
        shares.extend((aid, pid, share) for aid, pid, share in session.execute(stmt))
    parties = access_queries.parties(session, {pid for _, pid, _ in shares})
    out: dict[int, list[OwnerView]] = defaultdict(list)
    for aid, pid, share in shares:
        if (p := parties.get(pid)) is not None:
            out[aid].append(OwnerView(pid, p.name, p.uscc, share))
    return out


def _pledges(session: Session, principal: Principal, ids: list[int]) -> dict[int, list[PledgeView]]:
    """Pledges in force; register readers not party to one (and outside ``_FULL_VIEW``) get gazette extracts."""
    held = pledges_in_force(session, ids)
    names = access_queries.parties(session, {p.pledgee_id for ps in held.values() for p in ps})
    full = principal.party_kind in _FULL_VIEW  # same rule as pledge.store.pledges_of_asset
    return {
        aid: [
            PledgeView(
                p.pledge_id,
                p.registration_no,
                p.pledgor_id,
                p.pledgee_id,
                names[p.pledgee_id].name,
                p.effective_on,
                p.debt_amount if full or principal.party_id in (p.pledgor_id, p.pledgee_id) else None,
                p.currency,
            )
            for p in ps
        ]
        for aid, ps in held.items()
    }


def _unpaid(session: Session, ids: list[int], as_of: dt.date) -> dict[int, list[dt.date]]:
    out: dict[int, list[dt.date]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        stmt = select(Annuity.ip_asset_id, Annuity.due_date).where(
            in_values(session, Annuity.ip_asset_id, ids[start : start + _CHUNK]),
            or_(Annuity.paid_on.is_(None), Annuity.paid_on > as_of),
        )
        for aid, due in session.execute(stmt):
            out[aid].append(due)
    return out


def _fill_annuities(item: BatchItem, unpaid: list[dt.date], as_of: dt.date) -> None:
    if not unpaid:
        return
    states = [(model.annuity_state(d, None, as_of), d) for d in sorted(unpaid)]
    item.annuity_state = max((s for s, _ in states), key=_SEVERITY.__getitem__).value
    item.unpaid_in_grace = [d for s, d in states if s is AnnuityState.IN_GRACE]
    item.next_annuity_due = next((d for s, d in states if s is not AnnuityState.LAPSED), None)


def batch_query(
    session: Session, principal: Principal, numbers: Sequence[str], as_of: dt.date, limit: int
) -> list[BatchItem]:
    """One answer per number, in the order asked."""
    if len(numbers) > limit:
        raise errors.BATCH_TOO_LARGE(limit=limit, count=len(numbers))
    readings = {n: read(n) for n in set(numbers)}
    wanted = {c for r in readings.values() for c in r.candidates}
    assets = _assets(session, wanted)
    ids = sorted({a.id for a in assets.values()})
    owners = _owners(session, ids)
    if principal.party_kind not in REGISTER_READERS:
        mine = {aid for aid, os in owners.items() if any(o.party_id == principal.party_id for o in os)}
        assets = {c: a for c, a in assets.items() if a.id in mine}
        ids = sorted(mine)
    pledges = _pledges(session, principal, ids)
    unpaid = _unpaid(session, ids, as_of)
    out: list[BatchItem] = []
    for text in numbers:
        reading = readings[text]
        if reading.error is not None:
            err = reading.error
            out.append(
                BatchItem(text, "invalid", error_code=err.code, error_zh=err.message_zh, error_en=err.message_en)
            )
            continue
        a = next((assets[c] for c in reading.candidates if c in assets), None)
        if a is None:
            out.append(BatchItem(text, "not_found"))
            continue
        kind = IpKind(a.kind)
        item = BatchItem(
            text,
            "found",
            kind=a.kind,
            subtype=a.subtype,
            number=a.number,
            display=display(kind, a.number),
            title=a.title,
            status=a.status,
            status_zh=model.LEGAL_STATE_ZH[LegalState(a.status)],
            status_date=a.status_date,
            filing_date=a.filing_date,
            grant_date=a.grant_date,
            expiry_date=a.expiry_date,
            preserved=a.preserved,
            invalidation_pending=a.invalidation_pending,
            owners=owners.get(a.id, []),
            pledges=pledges.get(a.id, []),
        )
        _fill_annuities(item, unpaid.get(a.id, []), as_of)
        out.append(item)
    return out
