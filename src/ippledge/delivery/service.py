"""Delivery use cases (事件投递): subscriptions, fan-out of the outbox, sending with retries, manual retry, status.

Subscription changes run in the caller's transaction (services never commit). The relay (:func:`run_pass`) is the
edge of its own work: it opens short transactions of its own (claim, then one per result) so that no database lock
is held while it waits on a receiver. Delivery is at least once: a receiver drops duplicates by
``X-Ippledge-Delivery``.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import audit, scope
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.db import unit_of_work
from ippledge.delivery import errors, store
from ippledge.delivery.model import (
    DEFAULT_POLICY,
    DeliveryStatus,
    RetryPolicy,
    Scope,
    check_patterns,
    check_url,
    delivered,
    event_body,
    headers,
    matches,
    new_secret,
    signing_secrets,
)
from ippledge.delivery.sealing import Sealer, UnsealError
from ippledge.delivery.tables import Delivery, Subscription
from ippledge.delivery.transport import TargetRefused, WebhookClient
from ippledge.outbox.events import OutboxEvent

ALL_EVENT_READERS = frozenset({PartyKind.REGULATOR, PartyKind.PLATFORM})
DISPATCH_BATCH = 500
DEFAULT_TIMEOUT = 10.0  # seconds per request: a receiver should answer fast and do its work afterwards
DEFAULT_OVERLAP = dt.timedelta(hours=24)  # after a rotation the old secret signs too, so receivers switch at leisure
MAX_OVERLAP = dt.timedelta(days=7)


# --- subscriptions -----------------------------------------------------------------------------------------------


def _scope_for(principal: Principal, value: str) -> Scope:
    try:
        sc = Scope(value)
    except ValueError:
        raise errors.SCOPE(value=value) from None
    if sc is Scope.ALL and principal.party_kind not in ALL_EVENT_READERS:
        raise errors.SCOPE_ALL()
    return sc


def create_subscription(
    session: Session,
    principal: Principal,
    name: str,
    url: str,
    topics: list[str],
    scope_value: str = "own",
    *,
    sealer: Sealer,
) -> tuple[Subscription, str]:
    """Register an endpoint for the caller's party; the signing secret is returned once and never shown again (it is
    stored sealed by ``sealer``)."""
    principal.require(Role.ADMIN)
    clean_url, patterns, sc = check_url(url), check_patterns(topics), _scope_for(principal, scope_value)
    label = name.strip()
    if not 0 < len(label) <= 100:
        raise errors.NAME()
    secret = new_secret()
    row = Subscription(
        party_id=principal.party_id,
        name=label,
        url=clean_url,
        topics=json.dumps(patterns),
        scope=sc.value,
        secret_sealed=sealer.seal(secret),
        active=True,
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, principal, "webhook.created", "webhook_subscription", row.id, {"url": clean_url, "topics": patterns}
    )
    return row, secret


def subscriptions(session: Session, principal: Principal) -> list[Subscription]:
    principal.require(Role.ADMIN)
    return list(session.scalars(scope.scoped(Subscription, principal).order_by(Subscription.id)))


def subscription(session: Session, principal: Principal, sub_id: int) -> Subscription:
    principal.require(Role.ADMIN)
    return scope.get_visible(session, Subscription, sub_id, principal)


def deactivate(session: Session, principal: Principal, sub_id: int, now: dt.datetime) -> Subscription:
    """Stop sending to the endpoint; deliveries still waiting are cancelled (the pull feed still has the events)."""
    row = subscription(session, principal, sub_id)
    if not row.active:
        return row
    row.active, row.deactivated_at = False, now
    cancelled = session.execute(
        update(Delivery)
        .where(Delivery.subscription_id == row.id, Delivery.status == DeliveryStatus.PENDING.value)
        .values(status=DeliveryStatus.CANCELLED.value, claim_token=None, claimed_until=None),
        execution_options={"synchronize_session": False},
    )
    session.flush()
    n = int(getattr(cancelled, "rowcount", 0) or 0)
    audit.record(session, principal, "webhook.deactivated", "webhook_subscription", row.id, {"cancelled": n})
    return row


def rotate_secret(
    session: Session,
    principal: Principal,
    sub_id: int,
    now: dt.datetime,
    *,
    sealer: Sealer,
    overlap: dt.timedelta = DEFAULT_OVERLAP,
) -> tuple[Subscription, str]:
    """A new signing secret (密钥轮换), signing every request sent from now on (pending retries included). Until
    ``now + overlap`` the replaced secret signs too (two signatures in ``X-Ippledge-Signature``), so a receiver can
    deploy the new one without refusing a request; ``overlap`` 0 drops the old one at once (a leaked secret). A secret
    replaced earlier is dropped: at most two sign at a time."""
    if not dt.timedelta(0) <= overlap <= MAX_OVERLAP:
        raise errors.OVERLAP(max_hours=int(MAX_OVERLAP.total_seconds() // 3600))
    row = subscription(session, principal, sub_id)
    if not row.active:
        raise errors.INACTIVE(id=row.id)
    secret = new_secret()
    keep_old = overlap > dt.timedelta(0)
    row.previous_secret_sealed = row.secret_sealed if keep_old else None
    row.previous_secret_until = now + overlap if keep_old else None
    row.secret_sealed, row.secret_rotated_at = sealer.seal(secret), now
    session.flush()
    audit.record(
        session,
        principal,
        "webhook.secret_rotated",
        "webhook_subscription",
        row.id,
        {"overlap_until": row.previous_secret_until.isoformat() if row.previous_secret_until else None},
    )
    return row, secret


def reseal(session: Session, sealer: Sealer) -> int:
    """Seal every stored secret again under the first key of ``IPPLEDGE_SECRET_KEY`` (after a key change); returns
    how many subscriptions were resealed."""
    rows = list(session.scalars(select(Subscription).order_by(Subscription.id)))
    for row in rows:
        row.secret_sealed = sealer.reseal(row.secret_sealed)
        if row.previous_secret_sealed is not None:
            row.previous_secret_sealed = sealer.reseal(row.previous_secret_sealed)
    session.flush()
    return len(rows)


def deliveries(
    session: Session, principal: Principal, sub_id: int, status: str | None, limit: int
) -> list[tuple[Delivery, str]]:
    """A subscription's deliveries, newest first, with the event's topic."""
    row = subscription(session, principal, sub_id)
    stmt = (
        select(Delivery, OutboxEvent.topic)
        .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .where(Delivery.subscription_id == row.id)
    )
    if status is not None:
        try:
            stmt = stmt.where(Delivery.status == DeliveryStatus(status).value)
        except ValueError:
            wanted = ", ".join(s.value for s in DeliveryStatus)
            raise errors.STATUS(wanted=wanted) from None
    return [(d, t) for d, t in session.execute(stmt.order_by(Delivery.id.desc()).limit(limit))]


def delivery(session: Session, principal: Principal, delivery_id: int) -> Delivery:
    principal.require(Role.ADMIN)
    return scope.get_visible(session, Delivery, delivery_id, principal)


def retry(session: Session, principal: Principal, delivery_id: int, now: dt.datetime) -> Delivery:
    """Requeue a dead delivery by hand (人工重投), due at once, with a fresh run of attempts."""
    row = delivery(session, principal, delivery_id)
    if row.status != DeliveryStatus.DEAD.value:
        raise errors.NOT_DEAD(id=row.id, status=row.status)
    sub = session.get(Subscription, row.subscription_id)
    if sub is None or not sub.active:
        raise errors.INACTIVE(id=row.id)
    row.status, row.attempts, row.next_attempt_at, row.dead_at = DeliveryStatus.PENDING.value, 0, now, None
    row.claim_token = row.claimed_until = None
    session.flush()
    audit.record(session, principal, "webhook.delivery_retried", "webhook_delivery", row.id, {})
    return row


# --- fan-out -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchReport:
    events: int
    deliveries: int


def dispatch(session: Session, now: dt.datetime, batch: int = DISPATCH_BATCH) -> DispatchReport:
    """Fan out up to ``batch`` committed, not yet dispatched events: one delivery per matching active subscription;
    each event gets the next feed position. Idempotent: a delivery that exists is not made twice."""
    last = store.lock_head(session)
    events = store.undispatched(session, batch)
    if not events:
        return DispatchReport(0, 0)
    audience = store.audiences(session, [e for e, _ in events])
    subs = [(row.id, row.party_id, store.subscriber(row)) for row in store.active_subscriptions(session)]
    rows = [
        {
            "event_id": event_id,
            "subscription_id": sub_id,
            "party_id": party_id,
            "status": DeliveryStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for event_id, topic in events
        for sub_id, party_id, sub in subs
        if matches(sub, topic, audience[event_id])
    ]
    store.insert_deliveries(session, rows)
    store.mark_dispatched(session, [{"b_id": e, "b_seq": last + k} for k, (e, _) in enumerate(events, 1)], now)
    store.set_head(session, last + len(events))
    return DispatchReport(len(events), len(rows))


# --- sending -----------------------------------------------------------------------------------------------------


@dataclass
class DeliverReport:
    claimed: int = 0
    delivered: int = 0
    retry: int = 0
    dead: int = 0
    stale: int = 0
    outcomes: list[tuple[int, str]] = field(default_factory=list)  # (delivery id, outcome)

    def add(self, other: DeliverReport) -> None:
        for name in ("claimed", "delivered", "retry", "dead", "stale"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.outcomes.extend(other.outcomes)


def _secrets(claimed: store.Claimed, at: dt.datetime, sealer: Sealer | None) -> list[str]:
    if sealer is None:
        raise UnsealError("no IPPLEDGE_SECRET_KEY to open the signing secret")
    # chosen while still sealed, so a replaced secret past its window is never opened
    sealed = signing_secrets(claimed.secret_sealed, claimed.previous_sealed, claimed.previous_until, at)
    return [sealer.unseal(token) for token in sealed]


def _send(
    client: WebhookClient, claimed: store.Claimed, at: dt.datetime, timeout: float, sealer: Sealer | None
) -> tuple[int | None, str | None]:
    body = event_body(claimed.event_id, claimed.topic, claimed.occurred_at, claimed.payload)
    try:
        keys = _secrets(claimed, at, sealer)
    except UnsealError as exc:
        return None, f"secret unavailable: {exc}"[:300]
    hdrs = headers(keys, claimed.event_id, claimed.delivery_id, claimed.topic, at, body)
    try:
        # Streamed and closed unread: only the status matters, and a huge or slow body is never pulled in.
        with client.stream(
            "POST", claimed.url, content=body, headers=hdrs, timeout=timeout, follow_redirects=False
        ) as response:
            code = response.status_code
    except TargetRefused as exc:
        return None, f"target refused: {exc}"[:300]
    except Exception as exc:  # one bad endpoint never stops the batch; the error is recorded
        return None, f"{type(exc).__name__}: {exc}"[:300]
    return code, None if delivered(code) else f"HTTP {code}"


def _outcome_values(
    claimed: store.Claimed, at: dt.datetime, code: int | None, error: str | None, policy: RetryPolicy
) -> tuple[str, dict[str, object]]:
    values: dict[str, object] = {"last_attempt_at": at, "last_status_code": code, "last_error": error}
    if delivered(code):
        return "delivered", {**values, "status": DeliveryStatus.DELIVERED.value, "delivered_at": at}
    failures = claimed.attempts + 1
    nxt = policy.next_attempt(failures, at)
    if nxt is None:
        return "dead", {**values, "status": DeliveryStatus.DEAD.value, "attempts": failures, "dead_at": at}
    return "retry", {**values, "attempts": failures, "next_attempt_at": nxt}


@dataclass(frozen=True)
class Sending:
    """How the relay sends: ``batch`` deliveries a claim, the retry ``policy``, the per-request ``timeout`` (seconds),
    the ``sealer`` that opens the stored signing secrets (without it every send fails, recorded, and is retried) and,
    when given, the ``clock`` that stamps and reschedules each send (the relay passes the wall clock, so a long batch
    still signs fresh timestamps); without it every send is at the pass's ``now``. Where webhooks may go is the
    client's :class:`~ippledge.delivery.transport.WebhookClient` ``targets``."""

    batch: int = 50
    policy: RetryPolicy = DEFAULT_POLICY
    timeout: float = DEFAULT_TIMEOUT
    clock: Callable[[], dt.datetime] | None = None
    sealer: Sealer | None = None

    @property
    def lease(self) -> dt.timedelta:
        """Outlasts the whole batch even if every send times out."""
        return dt.timedelta(seconds=self.batch * (self.timeout + 1) + 60)


def deliver_due(
    factory: sessionmaker[Session], now: dt.datetime, client: WebhookClient, how: Sending = Sending()
) -> DeliverReport:
    """Send up to ``how.batch`` deliveries due at ``now``, each result in a transaction of its own. ``client`` must be
    a :class:`WebhookClient`: it is what keeps webhooks off internal addresses."""
    if not isinstance(client, WebhookClient):
        raise TypeError("webhooks are sent only through delivery.transport.WebhookClient (the target guard)")
    token = secrets.token_hex(16)
    with unit_of_work(factory) as session:
        claimed = store.claim_due(session, now, how.batch, now + how.lease, token)
    report = DeliverReport(claimed=len(claimed))
    for c in claimed:
        at = how.clock() if how.clock is not None else now
        started = time.perf_counter()
        code, error = _send(client, c, at, how.timeout, how.sealer)
        duration_ms = int((time.perf_counter() - started) * 1000)
        outcome, values = _outcome_values(c, at, code, error, how.policy)
        with unit_of_work(factory) as session:
            if not store.finish(session, c, values):
                outcome = "stale"  # the lease ran out and another deliverer took the delivery over
            store.add_attempt(session, c.delivery_id, at, code, error, duration_ms, outcome)
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.outcomes.append((c.delivery_id, outcome))
    return report


@dataclass(frozen=True)
class PassReport:
    dispatched: DispatchReport
    delivered: DeliverReport


def run_pass(
    factory: sessionmaker[Session], now: dt.datetime, client: WebhookClient, how: Sending = Sending()
) -> PassReport:
    """One relay pass: fan out every committed event, then send everything due at ``now``, a batch at a time (a
    failed send is rescheduled after ``now``, so the pass ends)."""
    events = made = 0
    while True:
        with unit_of_work(factory) as session:
            d = dispatch(session, now)
        events, made = events + d.events, made + d.deliveries
        if d.events < DISPATCH_BATCH:
            break
    sent = DeliverReport()
    while True:
        batch = deliver_due(factory, now, client, how)
        sent.add(batch)
        if batch.claimed < how.batch:
            break
    return PassReport(DispatchReport(events, made), sent)


# --- operations ----------------------------------------------------------------------------------------------------


def status(session: Session, now: dt.datetime, dead_limit: int = 20) -> dict[str, object]:
    """What an operator checks (投递状态): deliveries by state, the backlog's age, the dead list."""
    waiting, oldest_event = store.undispatched_summary(session)
    oldest_pending = store.oldest_undelivered(session)

    def age(at: dt.datetime | None) -> int | None:
        return None if at is None else max(0, int((now - at).total_seconds()))

    return {
        "deliveries": store.counts_by_status(session),
        "undispatched_events": waiting,
        "oldest_undispatched_age_s": age(oldest_event),
        "oldest_undelivered_age_s": age(oldest_pending),
        "dead": [
            {
                "delivery_id": d.id,
                "subscription_id": s.id,
                "party_id": s.party_id,
                "url": s.url,
                "event_id": e.id,
                "topic": e.topic,
                "attempts": d.attempts,
                "last_status_code": d.last_status_code,
                "last_error": d.last_error,
                "dead_at": d.dead_at.isoformat() if d.dead_at else None,
            }
            for d, s, e in store.dead(session, dead_limit)
        ],
    }


# --- pull feed ---------------------------------------------------------------------------------------------------

MAX_FEED_LIMIT = 1000


def feed(
    session: Session,
    principal: Principal,
    after: int,
    limit: int,
    scope_value: str = "own",
    topics: list[str] | None = None,
) -> list[OutboxEvent]:
    """The caller's events after feed position ``after`` (事件拉取): those whose audience includes its party, or every
    event for a regulator or the platform asking for scope ``all``."""
    sc = _scope_for(principal, scope_value)
    if after < 0 or not 1 <= limit <= MAX_FEED_LIMIT:
        raise errors.FEED_WINDOW(max_limit=MAX_FEED_LIMIT)
    patterns = check_patterns(topics) if topics else []
    return store.feed(session, None if sc is Scope.ALL else principal.party_id, after, limit, patterns)
