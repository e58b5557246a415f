"""Published read face (查询接口) of pledge: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

# Reads for the edges (the demo's scenario and summary).
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.pledge import store
from ippledge.pledge.tables import Pledge, PledgeItem


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


def pledges_of_asset(
    session: Session, principal: Principal, asset_id: int, on: dt.date | None
) -> list[store.PledgeOnDate]:
    """Pledges on one IP as ``principal`` may see them: those in force on ``on``, or the whole history (``None``)."""
    return store.pledges_of_asset(session, principal, asset_id, on)
