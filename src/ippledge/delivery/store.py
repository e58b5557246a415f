"""Delivery queries (投递查询): fan-out reads and writes, claiming due deliveries, the pull feed, operations counts.

Registers the scoping of subscriptions and deliveries: a party sees only its own (anyone else gets 404).
Claiming takes ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent deliverers split the due rows between them;
on SQLite the claim is one ``UPDATE .. RETURNING`` statement and SQLite has one writer at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.db import is_postgres
from ippledge.delivery.model import DeliveryStatus, Scope, Subscriber
from ippledge.delivery.tables import Attempt, Delivery, Subscription
from ippledge.outbox.events import OUTBOX, OutboxAudience, OutboxEvent, OutboxHead

PENDING = DeliveryStatus.PENDING.value


def patterns_of(row: Subscription) -> tuple[str, ...]:
    return tuple(json.loads(row.topics))


def subscriber(row: Subscription) -> Subscriber:
    return Subscriber(row.party_id, Scope(row.scope), patterns_of(row), row.active)


# --- fan-out -----------------------------------------------------------------------------------------------------


def lock_head(session: Session) -> int:
    """Take the dispatch lock (the ``outbox_head`` row; an UPDATE, so SQLite takes its write lock at once too) and
    return the last feed position given out."""
    seq = session.execute(
        update(OutboxHead).where(OutboxHead.id == 1).values(seq=OutboxHead.seq).returning(OutboxHead.seq)
    ).scalar_one_or_none()
    if seq is None:
        raise RuntimeError("outbox_head row missing: run `ippledge db upgrade`")
    return int(seq)


def set_head(session: Session, seq: int) -> None:
    session.execute(update(OutboxHead).where(OutboxHead.id == 1).values(seq=seq))


def undispatched(session: Session, limit: int) -> list[tuple[int, str]]:
    stmt = select(OutboxEvent.id, OutboxEvent.topic).where(OutboxEvent.seq.is_(None)).order_by(OutboxEvent.id)
    return [(i, t) for i, t in session.execute(stmt.limit(limit))]


def audiences(session: Session, event_ids: Sequence[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {i: set() for i in event_ids}
    stmt = select(OutboxAudience.event_id, OutboxAudience.party_id).where(OutboxAudience.event_id.in_(event_ids))
    for e, p in session.execute(stmt):
        out[e].add(p)
    return out


def active_subscriptions(session: Session) -> list[Subscription]:
    return list(session.scalars(select(Subscription).where(Subscription.active.is_(True)).order_by(Subscription.id)))


def insert_deliveries(session: Session, rows: list[dict[str, Any]]) -> None:
    """One row per (event, subscription); a row that exists already is left alone."""
    if not rows:
        return
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    stmt = dialect_insert(Delivery).on_conflict_do_nothing(index_elements=["event_id", "subscription_id"])
    session.execute(stmt, rows)


def mark_dispatched(session: Session, positions: list[dict[str, Any]], now: dt.datetime) -> None:
    """``positions``: ``{"b_id": event id, "b_seq": feed position}`` each."""
    table = OUTBOX
    stmt = update(table).where(table.c.id == bindparam("b_id")).values(seq=bindparam("b_seq"), dispatched_at=now)
    session.connection().execute(stmt, positions)


# --- claiming and recording ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    """A delivery a deliverer holds the lease on, with everything needed to send it."""

    delivery_id: int
    token: str
    attempts: int
    url: str
    secret_sealed: str
    previous_sealed: str | None
    previous_until: dt.datetime | None
    event_id: int
    topic: str
    occurred_at: dt.datetime
    payload: Any


def _due(now: dt.datetime) -> Any:
    active = select(Subscription.id).where(Subscription.active.is_(True))
    return and_(
        Delivery.status == PENDING,
        Delivery.next_attempt_at <= now,
        or_(Delivery.claimed_until.is_(None), Delivery.claimed_until <= now),
        Delivery.subscription_id.in_(active),
    )


def claim_due(session: Session, now: dt.datetime, limit: int, until: dt.datetime, token: str) -> list[Claimed]:
    """Lease up to ``limit`` due deliveries to ``token`` until ``until``; oldest due first."""
    pick = (
        select(Delivery.id)
        .where(_due(now))
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # rendered on PostgreSQL only
    )
    # On PostgreSQL the ids are locked by a statement of their own: inside the UPDATE, the LIMIT .. SKIP LOCKED
    # subquery claimed more rows than ``limit`` (seen: a batch of 1 claimed 2), and a deliverer holding more than its
    # batch can outlive its lease.
    chosen: Any = list(session.scalars(pick)) if is_postgres(session) else pick.scalar_subquery()
    stmt = (
        update(Delivery)
        .where(Delivery.id.in_(chosen), _due(now))
        .values(claim_token=token, claimed_until=until)
        .returning(Delivery.id)
    )
    ids = list(session.execute(stmt, execution_options={"synchronize_session": False}).scalars())
    if not ids:
        return []
    rows = session.execute(
        select(
            Delivery.id,
            Delivery.attempts,
            Subscription.url,
            Subscription.secret_sealed,
            Subscription.previous_secret_sealed,
            Subscription.previous_secret_until,
            OutboxEvent.id,
            OutboxEvent.topic,
            OutboxEvent.created_at,
            OutboxEvent.payload,
        )
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .where(Delivery.id.in_(ids))
        .order_by(Delivery.next_attempt_at, Delivery.id)
    ).all()
    return [Claimed(d, token, n, u, s, ps, pu, e, t, at, json.loads(p)) for d, n, u, s, ps, pu, e, t, at, p in rows]


def finish(session: Session, claimed: Claimed, values: dict[str, Any]) -> bool:
    """Write the outcome if this deliverer still holds the lease; False when another one took it over."""
    stmt = (
        update(Delivery)
        .where(Delivery.id == claimed.delivery_id, Delivery.claim_token == claimed.token)
        .values(claim_token=None, claimed_until=None, **values)
    )
    result = session.execute(stmt, execution_options={"synchronize_session": False})
    return bool(getattr(result, "rowcount", 0))


def add_attempt(
    session: Session,
    delivery_id: int,
    at: dt.datetime,
    status_code: int | None,
    error: str | None,
    duration_ms: int,
    outcome: str,
) -> None:
    session.add(
        Attempt(
            delivery_id=delivery_id,
            at=at,
            status_code=status_code,
            error=error,
            duration_ms=duration_ms,
            outcome=outcome,
        )
    )


def attempts_of(session: Session, delivery_id: int) -> list[Attempt]:
    return list(session.scalars(select(Attempt).where(Attempt.delivery_id == delivery_id).order_by(Attempt.id)))


# --- pull feed ---------------------------------------------------------------------------------------------------


def feed(
    session: Session, party_id: int | None, after: int, limit: int, patterns: Sequence[str] = ()
) -> list[OutboxEvent]:
    """Dispatched events after feed position ``after``, in position order: the party's (``party_id``) or all (None)."""
    stmt = select(OutboxEvent).where(OutboxEvent.seq.is_not(None), OutboxEvent.seq > after)
    if party_id is not None:
        mine = select(OutboxAudience.event_id).where(OutboxAudience.party_id == party_id)
        stmt = stmt.where(OutboxEvent.id.in_(mine))
    if patterns and "*" not in patterns:
        clauses = [
            OutboxEvent.topic.startswith(p[:-1], autoescape=True) if p.endswith(".*") else OutboxEvent.topic == p
            for p in patterns
        ]
        stmt = stmt.where(or_(*clauses))
    return list(session.scalars(stmt.order_by(OutboxEvent.seq).limit(limit)))


# --- operations ----------------------------------------------------------------------------------------------------


def counts_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
    return {s.value: 0 for s in DeliveryStatus} | {s: int(n) for s, n in rows}


def undispatched_summary(session: Session) -> tuple[int, dt.datetime | None]:
    n, oldest = session.execute(
        select(func.count(), func.min(OutboxEvent.created_at)).where(OutboxEvent.seq.is_(None))
    ).one()
    return int(n), _utc(oldest)


def oldest_undelivered(session: Session) -> dt.datetime | None:
    """When the oldest event still waiting for a pending delivery happened."""
    stmt = (
        select(func.min(OutboxEvent.created_at))
        .join(Delivery, Delivery.event_id == OutboxEvent.id)
        .where(Delivery.status == PENDING)
    )
    return _utc(session.scalar(stmt))


def _utc(value: Any) -> dt.datetime | None:
    # Aggregates bypass the column type on SQLite (naive text back); read them as UTC.
    if value is None:
        return None
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(when, dt.datetime)
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def dead(session: Session, limit: int) -> list[tuple[Delivery, Subscription, OutboxEvent]]:
    stmt = (
        select(Delivery, Subscription, OutboxEvent)
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .where(Delivery.status == DeliveryStatus.DEAD.value)
        .order_by(Delivery.dead_at.desc(), Delivery.id.desc())
        .limit(limit)
    )
    return [(d, s, e) for d, s, e in session.execute(stmt)]


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(Subscription, scope.ScopeRule(("party_id",), frozenset(), "回调订阅", "webhook subscription"))
    scope.register(Delivery, scope.ScopeRule(("party_id",), frozenset(), "投递记录", "webhook delivery"))
