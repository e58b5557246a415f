"""Pledge queries (质押查询) that other capabilities use."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.pledge.tables import Pledge, PledgeItem

_CHUNK = 5_000


def pledgees_in_force(session: Session, asset_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """For each asset with a pledge in force now: ``asset_id -> (pledge_id, pledgee party id)``.

    Registry uses this to refuse a transfer or licence of a pledged IP without the pledgee's consent.
    """
    out: dict[int, tuple[int, int]] = {}
    for start in range(0, len(asset_ids), _CHUNK):
        chunk = list(asset_ids[start : start + _CHUNK])
        stmt = (
            select(PledgeItem.ip_asset_id, Pledge.id, Pledge.pledgee_id)
            .join(Pledge, Pledge.id == PledgeItem.pledge_id)
            .where(PledgeItem.ip_asset_id.in_(chunk), PledgeItem.in_force)
        )
        for aid, pid, pledgee in session.execute(stmt):
            out[aid] = (pid, pledgee)
    return out
