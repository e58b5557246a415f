"""Register reads (登记簿查询) behind the published face ``registry.queries``; private to the registry."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.registry.model import AssetFacts, IpKind, LegalState, Owner, Subtype
from ippledge.registry.tables import Annuity, IpAsset, IpOwner

_CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)


def load_facts(session: Session, asset_ids: Sequence[int], as_of: dt.date) -> dict[int, AssetFacts]:
    """Facts for each asset id that exists; missing ids are simply absent from the result."""
    result: dict[int, AssetFacts] = {}
    for start in range(0, len(asset_ids), _CHUNK):
        chunk = list(asset_ids[start : start + _CHUNK])
        owners: dict[int, list[Owner]] = defaultdict(list)
        for o in session.scalars(select(IpOwner).where(IpOwner.ip_asset_id.in_(chunk))):
            owners[o.ip_asset_id].append(Owner(o.party_id, o.share_bp))
        unpaid: dict[int, list[dt.date]] = defaultdict(list)
        stmt = select(Annuity.ip_asset_id, Annuity.due_date).where(
            Annuity.ip_asset_id.in_(chunk),
            Annuity.due_date <= as_of,
            (Annuity.paid_on.is_(None)) | (Annuity.paid_on > as_of),
        )
        for aid, due in session.execute(stmt):
            unpaid[aid].append(due)
        for a in session.scalars(select(IpAsset).where(IpAsset.id.in_(chunk))):
            result[a.id] = AssetFacts(
                id=a.id,
                kind=IpKind(a.kind),
                subtype=Subtype(a.subtype),
                number=a.number,
                title=a.title,
                status=LegalState(a.status),
                filing_date=a.filing_date,
                grant_date=a.grant_date,
                expiry_date=a.expiry_date,
                owners=tuple(sorted(owners[a.id], key=lambda o: o.party_id)),
                preserved=a.preserved,
                invalidation_pending=a.invalidation_pending,
                same_day_twin=a.same_day_twin,
                unpaid_due_dates=tuple(sorted(unpaid[a.id])),
                nice_classes=frozenset(int(c) for c in (a.nice_classes or "").split() if c.isdigit()),
            )
    return result
