"""Domain events (领域事件) written to an outbox in the same transaction as the change they announce.

Delivery (``ippledge.delivery``: signed webhooks to banks' systems, the pull feed) reads the outbox after commit, so an
event is never lost and never sent for a transaction that rolled back. Each event names its *audience*: the parties
it concerns (a default concerns the borrower and the bank); a party's subscriptions and its feed match on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import BigInteger, ForeignKey, Index, String, Table, Text, insert
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ippledge.access.audit_chain import canonical_json
from ippledge.db import Base, BigId, IdMixin, insert_ids, utcnow
from ippledge.outbox.topics import known_topic


class OutboxEvent(IdMixin, Base):
    __tablename__ = "outbox_event"

    topic: Mapped[str] = mapped_column(String(60), index=True)
    party_id: Mapped[int | None]  # the primary party the event concerns; also in ``audience``
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set by the dispatcher after commit: the feed position (strictly increasing in commit order of dispatch, so a
    # poller resuming ``after`` a position never skips an event that committed late) and the fan-out instant.
    seq: Mapped[int | None] = mapped_column(BigInteger().with_variant(sqlite.INTEGER(), "sqlite"), unique=True)
    dispatched_at: Mapped[dt.datetime | None]

    audience: Mapped[list[OutboxAudience]] = relationship(cascade="all, delete-orphan", lazy="raise")


class OutboxAudience(Base):
    """One party an event concerns (事件相关方)."""

    __tablename__ = "outbox_audience"

    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("outbox_event.id", ondelete="CASCADE"), primary_key=True)
    party_id: Mapped[int] = mapped_column(BigId, primary_key=True)

    __table_args__ = (Index("ix_outbox_audience_party_event", "party_id", "event_id"),)


class OutboxHead(Base):
    """One row: the last feed position given out. Locked while dispatching, so positions follow commit order."""

    __tablename__ = "outbox_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(default=0)


OUTBOX = cast(Table, OutboxEvent.__table__)
AUDIENCE = cast(Table, OutboxAudience.__table__)


def _check_topic(topic: str) -> None:
    if not known_topic(topic):
        # A programming error, not bad input: every topic is listed (and documented) in outbox.topics.TOPICS.
        raise ValueError(f"unknown event topic {topic!r}: add it to ippledge.outbox.topics.TOPICS and docs/events.md")


def audience_of(party_id: int | None, also: Iterable[int | None] = ()) -> list[int]:
    return sorted({p for p in (party_id, *also) if p is not None})


def publish(
    session: Session,
    topic: str,
    payload: Mapping[str, Any],
    party_id: int | None = None,
    also: Iterable[int | None] = (),
) -> None:
    """Queue an event in the current transaction, for ``party_id`` and the parties in ``also``."""
    _check_topic(topic)
    event = OutboxEvent(topic=topic, party_id=party_id, payload=canonical_json(payload))
    event.audience = [OutboxAudience(party_id=p) for p in audience_of(party_id, also)]
    session.add(event)


def publish_many(
    session: Session, items: Sequence[tuple[str, Mapping[str, Any], int | None, Iterable[int | None]]]
) -> None:
    """Many events in two executemany inserts (batch runs such as the daily close): (topic, payload, party, also)."""
    if not items:
        return
    for topic, *_ in items:
        _check_topic(topic)
    now = utcnow()
    rows = [
        {"topic": t, "payload": canonical_json(p), "party_id": party, "created_at": now} for t, p, party, _ in items
    ]
    conn = session.connection()
    ids = insert_ids(conn, OUTBOX, rows)  # ids in row order, in one executemany on SQLite (decision 0041)
    audience = [
        {"event_id": i, "party_id": p}
        for i, (_, _, party, also) in zip(ids, items, strict=True)
        for p in audience_of(party, also)
    ]
    if audience:
        conn.execute(insert(AUDIENCE), audience)
