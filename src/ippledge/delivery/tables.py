"""Delivery tables (投递台账): webhook subscriptions, one delivery per (event, subscription), every attempt.

The signing secret is sealed (an HMAC needs the secret itself, so it is encrypted, not hashed; ``delivery.sealing``,
key ``IPPLEDGE_SECRET_KEY``): a copy of the database cannot forge webhooks. It is shown to the subscriber once and
never returned by the API again. After a rotation the replaced secret is kept, sealed, until its overlap window ends.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, IdMixin, utcnow


class Subscription(IdMixin, Base):
    """A party's webhook endpoint (回调订阅)."""

    __tablename__ = "webhook_subscription"

    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500))
    topics: Mapped[str] = mapped_column(Text)  # JSON list of patterns: "*", "lending.*", "pledge.registered"
    scope: Mapped[str] = mapped_column(String(10), default="own")  # own | all
    secret_sealed: Mapped[str] = mapped_column(String(400))  # Fernet token of the signing secret, never the secret
    previous_secret_sealed: Mapped[str | None] = mapped_column(String(400))  # the one replaced by the last rotation
    previous_secret_until: Mapped[dt.datetime | None]  # end of the overlap window: both sign until then
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    secret_rotated_at: Mapped[dt.datetime | None]
    deactivated_at: Mapped[dt.datetime | None]


class Delivery(IdMixin, Base):
    """One event for one subscription (投递). ``claim_token``/``claimed_until`` is the lease a deliverer holds while
    it sends, so two deliverers never send the same delivery at once and a crashed one's lease runs out."""

    __tablename__ = "webhook_delivery"

    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_event.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscription.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)  # the subscriber, for scoping
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failures since (re)queued
    next_attempt_at: Mapped[dt.datetime]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[dt.datetime | None]
    last_attempt_at: Mapped[dt.datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    delivered_at: Mapped[dt.datetime | None]
    dead_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]

    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )


class Attempt(IdMixin, Base):
    """One try to send a delivery (投递尝试): what came back and how long it took. The response body is not kept."""

    __tablename__ = "webhook_attempt"

    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id"), index=True)
    at: Mapped[dt.datetime]
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(300))
    duration_ms: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(12))  # delivered | retry | dead | stale (lease lost)
