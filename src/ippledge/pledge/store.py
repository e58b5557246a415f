"""Pledge queries (质押查询) that other capabilities use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class PledgeInForce:
    """A pledge in force on one asset, as the register's batch query shows it."""

    pledge_id: int
    registration_no: str
    pledgee_id: int
    pledgee_name: str
    effective_on: dt.date
    debt_amount_fen: int
    currency: str


def pledges_in_force_detail(session: Session, asset_ids: Sequence[int]) -> dict[int, list[PledgeInForce]]:
    """For each asset with a pledge in force: its pledges with registration number, pledgee and debt amount."""
    from ippledge.access.tables import Party

    out: dict[int, list[PledgeInForce]] = {}
    for start in range(0, len(asset_ids), _CHUNK):
        chunk = list(asset_ids[start : start + _CHUNK])
        stmt = (
            select(
                PledgeItem.ip_asset_id,
                Pledge.id,
                Pledge.registration_no,
                Pledge.pledgee_id,
                Party.name,
                Pledge.effective_on,
                Pledge.debt_amount_fen,
                Pledge.currency,
            )
            .join(Pledge, Pledge.id == PledgeItem.pledge_id)
            .join(Party, Party.id == Pledge.pledgee_id)
            .where(PledgeItem.ip_asset_id.in_(chunk), PledgeItem.in_force)
        )
        for aid, pid, reg_no, pledgee, name, on, fen, currency in session.execute(stmt):
            out.setdefault(aid, []).append(PledgeInForce(pid, reg_no, pledgee, name, on, fen, currency))
    return out
