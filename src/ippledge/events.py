"""Domain events (领域事件) written to an outbox in the same transaction as the change they announce.

Delivery (webhooks to banks, cross-capability reactions) reads the outbox after commit, so an event is never lost
and never sent for a transaction that rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from ippledge.access.audit_chain import canonical_json
from ippledge.db import Base, IdMixin, utcnow


class OutboxEvent(IdMixin, Base):
    __tablename__ = "outbox_event"

    topic: Mapped[str] = mapped_column(String(60), index=True)
    party_id: Mapped[int | None]  # the party the event concerns, for scoped delivery
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)


def publish(session: Session, topic: str, payload: Mapping[str, Any], party_id: int | None = None) -> None:
    """Queue an event in the current transaction."""
    session.add(OutboxEvent(topic=topic, party_id=party_id, payload=canonical_json(payload)))
