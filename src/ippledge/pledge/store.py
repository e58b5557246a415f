"""Pledge queries (质押查询): in-force pledges by asset and date, history, and the scope rules of pledge records.

Filings and pledges are visible to the pledgor, the pledgee, the registry they are lodged with, and to the regulator
and the platform operator; anyone else gets 404 (``access.scope``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import REGISTER_READERS, PartyKind, Principal
from ippledge.pledge.model import terms_amount, terms_fen
from ippledge.pledge.tables import Pledge, PledgeChange, PledgeFiling, PledgeFilingItem, PledgeItem
from ippledge.registry import queries as registry_queries
from ippledge.registry.queries import AssetSummary

_CHUNK = 5_000
_READERS = frozenset({PartyKind.REGULATOR, PartyKind.PLATFORM})


def registrations_in_force(
    session: Session, asset_ids: Sequence[int], exclude_pledge_id: int | None = None
) -> dict[int, str]:
    """``asset_id -> registration number`` of the pledge in force on it now (the input of pre-check ground 9)."""
    out: dict[int, str] = {}
    for start in range(0, len(asset_ids), _CHUNK):
        chunk = list(asset_ids[start : start + _CHUNK])
        stmt = (
            select(PledgeItem.ip_asset_id, Pledge.registration_no, Pledge.id)
            .join(Pledge, Pledge.id == PledgeItem.pledge_id)
            .where(PledgeItem.ip_asset_id.in_(chunk), PledgeItem.in_force)
        )
        for aid, reg, pid in session.execute(stmt):
            if pid != exclude_pledge_id:
                out[aid] = reg
    return out


@dataclass(frozen=True)
class PledgeOnDate:
    """A pledge as the register stood on ``on``: the terms and parties in force that day.

    ``redacted`` rows are gazette extracts (登记公告) shown to register readers that are not a party: the debt amount
    is withheld.
    """

    pledge_id: int
    registration_no: str
    registry_id: int
    pledgor_id: int
    pledgee_id: int
    debt_amount: Decimal | None
    currency: str
    debt_end: dt.date
    effective_on: dt.date
    released_on: dt.date | None
    version: int
    in_force_on_date: bool
    redacted: bool


def _terms_on(pledge: Pledge, changes: Sequence[PledgeChange], on: dt.date | None) -> tuple[dict[str, Any], int]:
    """The pledge's terms on ``on``: the ``before`` of the first change registered after that day, else current."""
    current: dict[str, Any] = {
        "debt_amount_fen": terms_fen(pledge.debt_amount),
        "debt_end": pledge.debt_end.isoformat(),
        "pledgor_id": pledge.pledgor_id,
        "pledgee_id": pledge.pledgee_id,
    }
    if on is None:
        return current, pledge.version
    later = [c for c in changes if c.effective_on > on]
    if not later:
        return current, pledge.version
    first = min(later, key=lambda c: (c.effective_on, c.id))
    terms = dict(current)
    terms.update(json.loads(first.before))
    return terms, pledge.version - len(later)


def _in_force(p: Pledge, on: dt.date) -> bool:
    return p.effective_on <= on and (p.released_on is None or p.released_on > on)


def pledges_of_asset(session: Session, principal: Principal, asset_id: int, on: dt.date | None) -> list[PledgeOnDate]:
    """Pledges on one IP: those in force on ``on`` (effective_on <= on < released_on), or its whole history.

    Parties, the registry and supervisors see full rows; other register readers (banks, guarantors) see gazette
    extracts; everyone else sees only the pledges they are party to.
    """
    stmt = select(Pledge).join(PledgeItem, PledgeItem.pledge_id == Pledge.id).where(PledgeItem.ip_asset_id == asset_id)
    if on is not None:
        stmt = stmt.where(Pledge.effective_on <= on, or_(Pledge.released_on.is_(None), Pledge.released_on > on))
    pledges = list(session.scalars(stmt.order_by(Pledge.effective_on, Pledge.id)))
    if not pledges:
        return []
    visible_ids = set(
        session.scalars(
            scope.scoped(Pledge, principal).with_only_columns(Pledge.id).where(Pledge.id.in_([p.id for p in pledges]))
        )
    )
    gazette = principal.party_kind in REGISTER_READERS
    changes: dict[int, list[PledgeChange]] = defaultdict(list)
    for c in session.scalars(select(PledgeChange).where(PledgeChange.pledge_id.in_([p.id for p in pledges]))):
        changes[c.pledge_id].append(c)
    out: list[PledgeOnDate] = []
    for p in pledges:
        full = p.id in visible_ids
        if not full and not gazette:
            continue
        terms, version = _terms_on(p, changes[p.id], on)
        out.append(
            PledgeOnDate(
                pledge_id=p.id,
                registration_no=p.registration_no,
                registry_id=p.registry_id,
                pledgor_id=int(terms["pledgor_id"]),
                pledgee_id=int(terms["pledgee_id"]),
                debt_amount=terms_amount(terms["debt_amount_fen"]) if full else None,
                currency=p.currency,
                debt_end=dt.date.fromisoformat(str(terms["debt_end"])),
                effective_on=p.effective_on,
                released_on=p.released_on,
                version=version,
                in_force_on_date=on is not None and _in_force(p, on),
                redacted=not full,
            )
        )
    return out


def pledge_assets(session: Session, pledge_id: int) -> list[AssetSummary]:
    """The IP under a pledge, in asset id order, as the register summarises them."""
    ids = session.scalars(select(PledgeItem.ip_asset_id).where(PledgeItem.pledge_id == pledge_id))
    return list(registry_queries.asset_summaries(session, ids).values())


def filing_assets(session: Session, filing_id: int) -> list[AssetSummary]:
    """The IP of a filing, in asset id order, as the register summarises them."""
    ids = session.scalars(select(PledgeFilingItem.ip_asset_id).where(PledgeFilingItem.filing_id == filing_id))
    return list(registry_queries.asset_summaries(session, ids).values())


def filings_assets(session: Session, filing_ids: Sequence[int]) -> dict[int, list[AssetSummary]]:
    """``filing_assets`` of many filings in two queries (a list of filings), every id present."""
    items: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(filing_ids), 500):
        chunk = filing_ids[start : start + 500]
        stmt = select(PledgeFilingItem.filing_id, PledgeFilingItem.ip_asset_id).where(
            PledgeFilingItem.filing_id.in_(chunk)
        )
        for filing_id, asset_id in session.execute(stmt):
            items[filing_id].append(asset_id)
    summaries = registry_queries.asset_summaries(session, (a for ids in items.values() for a in ids))
    return {f: [summaries[a] for a in sorted(set(items[f])) if a in summaries] for f in filing_ids}


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(
        PledgeFiling,
        scope.ScopeRule(
            party_columns=("pledgor_id", "pledgee_id"),
            readers=_READERS,
            what_zh="质押登记申请",
            what_en="pledge filing",
            custom=lambda p: PledgeFiling.registry_id == p.party_id if p.party_kind is PartyKind.REGISTRY else None,
        ),
    )
    scope.register(
        Pledge,
        scope.ScopeRule(
            party_columns=("pledgor_id", "pledgee_id"),
            readers=_READERS,
            what_zh="质押登记",
            what_en="pledge",
            custom=lambda p: Pledge.registry_id == p.party_id if p.party_kind is PartyKind.REGISTRY else None,
        ),
    )
