"""Published read face (查询接口) of pledge: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.kernel.money import from_fen
from ippledge.pledge.tables import Pledge, PledgeItem
from ippledge.registry.ports import PledgeInForce

_CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)


def pledges_in_force(session: Session, asset_ids: Sequence[int]) -> dict[int, list[PledgeInForce]]:
    """``asset_id -> the pledge in force on it now`` (a list: the register's port type) for the pledged ones.

    The registry's port ``registry.ports.PledgesInForce``, plugged by ``ippledge.wiring``: the pledgee-consent rule on
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
                Pledge.debt_amount_fen,
                Pledge.currency,
            )
            .join(Pledge, Pledge.id == PledgeItem.pledge_id)
            .where(PledgeItem.ip_asset_id.in_(chunk), PledgeItem.in_force)
            .order_by(PledgeItem.ip_asset_id, Pledge.id)
        )
        for aid, pid, reg_no, pledgor, pledgee, on, fen, currency in session.execute(stmt):
            out.setdefault(aid, []).append(PledgeInForce(pid, reg_no, pledgor, pledgee, on, from_fen(fen), currency))
    return out
