"""Builders for delivery tests: a scripted webhook receiver (httpx.MockTransport), events, subscriptions."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from ippledge.db import unit_of_work
from ippledge.delivery.model import TargetPolicy, verify_signature
from ippledge.delivery.sealing import Sealer
from ippledge.delivery.service import Sending
from ippledge.delivery.transport import Resolver, WebhookClient
from ippledge.outbox import events

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


SEALER = Sealer(os.environ["IPPLEDGE_SECRET_KEY"])  # the key tests/conftest.py gives the app
HOW = Sending(sealer=SEALER)  # the relay's defaults, with the key that opens the stored secrets

PUBLIC_ADDRESS = "93.184.215.14"  # what every test host name resolves to unless a test says otherwise


def public_resolver(host: str) -> list[str]:
    return [PUBLIC_ADDRESS]


@dataclass(frozen=True)
class Received:
    url: str  # as subscribed: the scheme and path with the Host header's name
    headers: dict[str, str]
    body: bytes
    address: str = ""  # the address the relay connected to

    @property
    def doc(self) -> dict[str, Any]:
        return dict(json.loads(self.body))

    @property
    def delivery_id(self) -> int:
        return int(self.headers["x-ippledge-delivery"])

    def signed_by(self, secret: str, now: dt.datetime) -> bool:
        h = self.headers
        return verify_signature(secret, h["x-ippledge-timestamp"], self.body, h["x-ippledge-signature"], now)


class Receiver:
    """Answers each request with the next status code of ``script`` (then 200), or raises ``ConnectError`` for 0."""

    def __init__(self, script: Iterable[int] = ()) -> None:
        self.script = list(script)
        self.received: list[Received] = []
        self._lock = threading.Lock()

    def handler(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            named = request.url.copy_with(netloc=request.headers["host"].encode("ascii"))
            self.received.append(Received(str(named), dict(request.headers), request.read(), request.url.host))
            code = self.script.pop(0) if self.script else 200
        if code == 0:
            raise httpx.ConnectError("connection refused", request=request)
        if 300 <= code < 400:  # a redirect towards the cloud metadata service: the relay must not follow it
            return httpx.Response(code, headers={"location": "http://169.254.169.254/latest/meta-data/"})
        return httpx.Response(code, text="ok" if code < 300 else "boom")

    def client(self, targets: TargetPolicy | None = None, resolve: Resolver = public_resolver) -> WebhookClient:
        """The relay's guarded client, connecting to this receiver instead of the network."""
        return WebhookClient(targets, resolve, inner=httpx.MockTransport(self.handler))

    def to(self, url: str) -> list[Received]:
        return [r for r in self.received if r.url == url]


def emit(
    factory: sessionmaker[Session], topic: str, payload: dict[str, Any], party: int | None, also: Iterable[int] = ()
) -> None:
    """One committed event."""
    with unit_of_work(factory) as s:
        events.publish(s, topic, payload, party, also=also)


def subscribe(client: Any, actor: Any, url: str, topics: list[str], scope: str = "own", expect: int = 201) -> Any:
    r = client.post(
        "/webhooks", json={"name": "core", "url": url, "topics": topics, "scope": scope}, headers=actor.headers
    )
    assert r.status_code == expect, r.text
    return r.json()
