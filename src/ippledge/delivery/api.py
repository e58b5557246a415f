"""Delivery routes (事件投递接口): webhook subscriptions of the caller's party, their deliveries, the pull feed.

Everything is scoped to the caller's party: another party's subscription or delivery is 404. Managing webhooks needs
the party's admin role; the feed is open to any user or API key of the party (a bank's system polls it with a key).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from ippledge.db import utcnow
from ippledge.delivery import errors, service, store
from ippledge.delivery.schemas import AttemptOut, DeliveryOut, EventOut, FeedOut, SubscriptionIn, SubscriptionOut
from ippledge.delivery.sealing import Sealer, sealer_for
from ippledge.delivery.tables import Delivery, Subscription
from ippledge.web.deps import PrincipalDep, SessionDep
from ippledge.web.ids import MAX_ID, IdPath

router = APIRouter(tags=["events"])


def _sealer(request: Request) -> Sealer:
    """The platform key from the settings; a deployment without one refuses to store secrets (409, before anything
    is written)."""
    return sealer_for(request.app.state.settings.secret_key)


SealerDep = Annotated[Sealer, Depends(_sealer)]


def _sub_out(row: Subscription, secret: str | None = None) -> SubscriptionOut:
    return SubscriptionOut(
        id=row.id,
        name=row.name,
        url=row.url,
        topics=list(store.patterns_of(row)),
        scope=row.scope,
        active=row.active,
        created_at=row.created_at,
        secret_rotated_at=row.secret_rotated_at,
        previous_secret_until=row.previous_secret_until,
        deactivated_at=row.deactivated_at,
        secret=secret,
    )


def _delivery_out(row: Delivery, topic: str | None = None, history: list[AttemptOut] | None = None) -> DeliveryOut:
    waiting = row.status == "pending"
    return DeliveryOut(
        id=row.id,
        subscription_id=row.subscription_id,
        event_id=row.event_id,
        topic=topic,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if waiting else None,
        last_attempt_at=row.last_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        dead_at=row.dead_at,
        history=history,
    )


@router.post("/webhooks", response_model=SubscriptionOut, status_code=status.HTTP_201_CREATED)
def create_webhook(
    body: SubscriptionIn, principal: PrincipalDep, session: SessionDep, sealer: SealerDep
) -> SubscriptionOut:
    """注册回调: the response carries the signing secret, the only time it is shown."""
    row, secret = service.create_subscription(
        session, principal, body.name, body.url, body.topics, body.scope, sealer=sealer
    )
    return _sub_out(row, secret)


@router.get("/webhooks", response_model=list[SubscriptionOut])
def list_webhooks(principal: PrincipalDep, session: SessionDep) -> list[SubscriptionOut]:
    return [_sub_out(r) for r in service.subscriptions(session, principal)]


@router.get("/webhooks/{sub_id}", response_model=SubscriptionOut)
def get_webhook(sub_id: IdPath, principal: PrincipalDep, session: SessionDep) -> SubscriptionOut:
    return _sub_out(service.subscription(session, principal, sub_id))


@router.delete("/webhooks/{sub_id}", response_model=SubscriptionOut)
def deactivate_webhook(sub_id: IdPath, principal: PrincipalDep, session: SessionDep) -> SubscriptionOut:
    """停用: nothing more is sent; deliveries still waiting are cancelled. The row stays for the record."""
    return _sub_out(service.deactivate(session, principal, sub_id, utcnow()))


@router.post("/webhooks/{sub_id}/rotate-secret", response_model=SubscriptionOut)
def rotate_webhook_secret(
    sub_id: IdPath,
    principal: PrincipalDep,
    session: SessionDep,
    sealer: SealerDep,
    overlap_hours: float = Query(
        24, description="hours the old secret keeps signing beside the new one (0: drop it now, e.g. when leaked)"
    ),
) -> SubscriptionOut:
    """更换密钥: the new secret signs every request from now on; it is shown once, here. Until
    ``previous_secret_until`` the old one signs too (two signatures in ``X-Ippledge-Signature``)."""
    if not 0 <= overlap_hours <= service.MAX_OVERLAP.total_seconds() / 3600:
        raise errors.OVERLAP(max_hours=int(service.MAX_OVERLAP.total_seconds() // 3600))
    overlap = dt.timedelta(hours=overlap_hours)
    row, secret = service.rotate_secret(session, principal, sub_id, utcnow(), sealer=sealer, overlap=overlap)
    return _sub_out(row, secret)


@router.get("/webhooks/{sub_id}/deliveries", response_model=list[DeliveryOut])
def list_deliveries(
    sub_id: IdPath,
    principal: PrincipalDep,
    session: SessionDep,
    status_: str | None = Query(None, alias="status", description="pending | delivered | dead | cancelled"),
    limit: int = Query(100, ge=1, le=1000),
) -> list[DeliveryOut]:
    return [_delivery_out(d, t) for d, t in service.deliveries(session, principal, sub_id, status_, limit)]


@router.get("/webhook-deliveries/{delivery_id}", response_model=DeliveryOut)
def get_delivery(delivery_id: IdPath, principal: PrincipalDep, session: SessionDep) -> DeliveryOut:
    """One delivery with every attempt (status code, error, duration)."""
    row = service.delivery(session, principal, delivery_id)
    history = [
        AttemptOut(at=a.at, status_code=a.status_code, error=a.error, duration_ms=a.duration_ms, outcome=a.outcome)
        for a in store.attempts_of(session, row.id)
    ]
    return _delivery_out(row, history=history)


@router.post("/webhook-deliveries/{delivery_id}/retry", response_model=DeliveryOut)
def retry_delivery(delivery_id: IdPath, principal: PrincipalDep, session: SessionDep) -> DeliveryOut:
    """人工重投: a dead delivery is queued again, due now, with a fresh run of attempts."""
    return _delivery_out(service.retry(session, principal, delivery_id, utcnow()))


@router.get("/events", response_model=FeedOut)
def event_feed(
    principal: PrincipalDep,
    session: SessionDep,
    after: int = Query(
        0, ge=0, le=MAX_ID, description="feed position (seq) of the last event processed; 0 from the start"
    ),
    limit: int = Query(100, description=f"1 to {service.MAX_FEED_LIMIT}"),
    scope: str = Query("own", description="own (events concerning the caller's party) | all (regulator, platform)"),
    topic: list[str] | None = Query(None, description="topic patterns to keep, e.g. lending.*"),
) -> FeedOut:
    """拉取事件: for systems that cannot receive pushes behind their firewall. Poll and resume from ``next_after``;
    an event appears here once the relay (``ippledge events deliver``) has dispatched it."""
    rows = service.feed(session, principal, after, limit, scope, topic)
    events = [
        EventOut(id=r.id, seq=r.seq or 0, topic=r.topic, occurred_at=r.created_at, payload=json.loads(r.payload))
        for r in rows
    ]
    return FeedOut(events=events, next_after=events[-1].seq if events else after)
