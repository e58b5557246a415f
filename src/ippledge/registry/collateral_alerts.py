"""Who hears of a legal-status change (法律状态变化通知): the right holders, and for pledged IP the pledgee.

A pledged patent that lapses for an unpaid annuity, is invalidated or is put under court preservation is collateral
the bank may have lost: the pledgee and the pledgor (the owners) get a ``pledge.collateral_status_changed`` event for
every pledged asset whose status changed, from a single event and from a bulk feed alike (a feed's summary event
concerns no single party; these per-asset alerts are the few rows a bank must act on).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.outbox import events
from ippledge.registry.ports import pledgees_in_force
from ippledge.registry.tables import IpOwner

_CHUNK = 5_000


def owners_of(session: Session, asset_ids: Sequence[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(asset_ids), _CHUNK):
        chunk = list(asset_ids[start : start + _CHUNK])
        stmt = select(IpOwner.ip_asset_id, IpOwner.party_id).where(IpOwner.ip_asset_id.in_(chunk))
        for aid, party in session.execute(stmt.order_by(IpOwner.ip_asset_id, IpOwner.party_id)):
            out[aid].append(party)
    return out


@dataclass(frozen=True)
class StatusChange:
    asset_id: int
    code: str  # the last event applied
    effective_date: dt.date | None
    status_before: str
    status_after: str
    preserved: bool


def publish_collateral_alerts(session: Session, changes: Sequence[StatusChange], batch_id: int | None = None) -> int:
    """One event per pledged asset among ``changes``, to its pledgee and owners; returns how many were published."""
    held = pledgees_in_force(session, [c.asset_id for c in changes])
    pledged = [c for c in changes if c.asset_id in held]
    if not pledged:
        return 0
    owners = owners_of(session, [c.asset_id for c in pledged])
    items: list[tuple[str, dict[str, Any], int | None, list[int]]] = []
    for c in pledged:
        pledge_id, pledgee = held[c.asset_id]
        payload = {
            "pledge_id": pledge_id,
            "asset_id": c.asset_id,
            "code": c.code,
            "effective_date": None if c.effective_date is None else c.effective_date.isoformat(),
            "status_before": c.status_before,
            "status_after": c.status_after,
            "preserved": c.preserved,
            "feed_batch_id": batch_id,
        }
        items.append(("pledge.collateral_status_changed", payload, pledgee, owners.get(c.asset_id, [])))
    events.publish_many(session, items)
    return len(items)
