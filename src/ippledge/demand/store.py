"""Demand persistence (融资需求存取). Private to the capability."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import Session

from ippledge.demand.tables import Demand


def demands(
    session: Session, visible: Select[Demand], enterprise_id: int | None, limit: int, event_id: int | None = None
) -> list[Demand]:
    stmt = visible.order_by(Demand.id.desc()).limit(limit)
    if enterprise_id is not None:
        stmt = stmt.where(Demand.enterprise_id == enterprise_id)
    if event_id is not None:
        stmt = stmt.where(Demand.event_id == event_id)
    return list(session.scalars(stmt))
