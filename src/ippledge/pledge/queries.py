"""Published read face (查询接口) of pledge: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.pledge import store
from ippledge.pledge.store import PledgeOnDate
from ippledge.pledge.tables import Pledge, PledgeFilingItem, PledgeItem
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


def pledge_asset_ids(session: Session, pledge_id: int) -> list[int]:
    """The ids of the IP under a registered pledge (已登记质权), released or not, ascending."""
    return sorted(session.scalars(select(PledgeItem.ip_asset_id).where(PledgeItem.pledge_id == pledge_id)))
