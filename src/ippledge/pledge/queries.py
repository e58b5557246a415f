"""Published read face (查询接口) of pledge: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session


def pledge_asset_ids(session: Session, pledge_id: int) -> list[int]:
    """The ids of the IP under a registered pledge (已登记质权), released or not, ascending."""
    from ippledge.pledge.tables import PledgeItem

    return sorted(session.scalars(select(PledgeItem.ip_asset_id).where(PledgeItem.pledge_id == pledge_id)))
