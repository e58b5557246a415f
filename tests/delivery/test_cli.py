"""``ippledge events deliver | status`` against a tiny real HTTP receiver on 127.0.0.1, on both backends."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from ippledge.access.model import PartyKind, Role
from ippledge.cli import app
from ippledge.db import utcnow
from ippledge.delivery.model import verify_signature
from tests.delivery.factories import emit, subscribe

runner = CliRunner()
LOOPBACK = ["--networks", "127.0.0.0/8"]  # the test receiver listens on loopback, which the relay refuses by default


class _Server:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        received = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204 if self.path == "/ok" else 500)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def receiver() -> Iterator[_Server]:
    server = _Server()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_deliver_once_posts_signed_events_and_status_reports(world, session_factory, database_url, receiver) -> None:
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    good = subscribe(world.client, bank, f"{receiver.url}/ok", ["loan.*"])
    subscribe(world.client, bank, f"{receiver.url}/broken", ["loan.overdue"])
    emit(session_factory, "loan.overdue", {"loan_id": 1, "dpd": 1}, bank.party.id)
    r = runner.invoke(app, ["events", "deliver", "--once", *LOOPBACK, "--database-url", database_url])
    assert r.exit_code == 0, r.output
    assert "dispatched 1 events -> 2 deliveries" in r.output and "delivered 1" in r.output and "retry 1" in r.output
    assert len(receiver.requests) == 2
    now = utcnow()

    def signed(h: dict[str, str], b: bytes) -> bool:
        return verify_signature(good["secret"], h["x-ippledge-timestamp"], b, h["x-ippledge-signature"], now)

    ok = [(h, b) for h, b in receiver.requests if signed(h, b)]
    assert len(ok) == 1 and json.loads(ok[0][1])["payload"] == {"loan_id": 1, "dpd": 1}
    assert ok[0][0]["content-type"].startswith("application/json") and ok[0][0]["x-ippledge-event"] == "loan.overdue"
    # a second pass right away: the failed one is not due yet (30 s backoff), nothing is sent twice
    r = runner.invoke(app, ["events", "deliver", *LOOPBACK, "--database-url", database_url])
    assert r.exit_code == 0 and "dispatched 0 events" in r.output and len(receiver.requests) == 2
    st = runner.invoke(app, ["events", "status", "--json", "--database-url", database_url])
    assert st.exit_code == 0, st.output
    doc = json.loads(st.output)
    assert doc["deliveries"] == {"pending": 1, "delivered": 1, "dead": 0, "cancelled": 0}
    assert doc["undispatched_events"] == 0 and doc["oldest_undelivered_age_s"] is not None
    table = runner.invoke(app, ["events", "status", "--database-url", database_url])
    assert table.exit_code == 0 and "deliveries pending" in table.output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--once", "--loop"], "delivery.cli.mode"),
        (["--batch", "0"], "delivery.cli.batch"),
        (["--timeout", "0"], "delivery.cli.timeout"),
        (["--loop", "--interval", "0"], "delivery.cli.interval"),
        (["--networks", "10.0.0.0/8,intranet"], "delivery.network"),
    ],
)
def test_deliver_bad_options_exit_2(args: list[str], code: str) -> None:
    r = runner.invoke(app, ["events", "deliver", *args, "--database-url", "sqlite:///unused.db"])
    assert r.exit_code == 2 and code in r.output, r.output


def test_deliver_refuses_loopback_unless_allowed(world, session_factory, database_url, receiver) -> None:
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    subscribe(world.client, bank, f"{receiver.url}/ok", ["loan.*"])
    emit(session_factory, "loan.overdue", {"loan_id": 1, "dpd": 1}, bank.party.id)
    r = runner.invoke(app, ["events", "deliver", "--once", "--database-url", database_url])
    assert r.exit_code == 0 and "retry 1" in r.output and receiver.requests == []
    st = json.loads(runner.invoke(app, ["events", "status", "--json", "--database-url", database_url]).output)
    assert st["deliveries"]["pending"] == 1


def test_a_host_name_is_connected_to_at_its_checked_address_with_its_host_header(
    world, session_factory, database_url, receiver
) -> None:
    """The real socket path: ``localhost`` is resolved once by the relay, checked against the allowed networks,
    connected to by address, and the request still names ``localhost`` in its Host header."""
    port = receiver.url.rsplit(":", 1)[1]
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    subscribe(world.client, bank, f"http://localhost:{port}/ok", ["loan.*"])
    emit(session_factory, "loan.overdue", {"loan_id": 1, "dpd": 1}, bank.party.id)
    allowed = ["--networks", "127.0.0.0/8,::1/128"]
    r = runner.invoke(app, ["events", "deliver", "--once", *allowed, "--database-url", database_url])
    assert r.exit_code == 0 and "delivered 1" in r.output, r.output
    assert [h["host"] for h, _ in receiver.requests] == [f"localhost:{port}"]


def test_the_relay_needs_the_secret_key_and_reseal_keeps_secrets_usable(
    world, session_factory, database_url, receiver, monkeypatch
) -> None:
    from sqlalchemy import select

    from ippledge.delivery.sealing import Sealer
    from ippledge.delivery.tables import Subscription

    monkeypatch.delenv("IPPLEDGE_SECRET_KEY")
    r = runner.invoke(app, ["events", "deliver", "--once", *LOOPBACK, "--database-url", database_url])
    assert r.exit_code == 2 and "delivery.secret_key_missing" in r.output, r.output
    monkeypatch.setenv("IPPLEDGE_SECRET_KEY", "not-a-key")
    r = runner.invoke(app, ["events", "deliver", "--once", *LOOPBACK, "--database-url", database_url])
    assert r.exit_code == 2 and "delivery.secret_key_bad" in r.output, r.output
    new = runner.invoke(app, ["events", "new-key"]).output.strip()
    old = world.client.app.state.settings.secret_key
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    sub = subscribe(world.client, bank, f"{receiver.url}/ok", ["loan.*"])  # sealed under the old key
    monkeypatch.setenv("IPPLEDGE_SECRET_KEY", f"{new},{old}")  # the new key first: it seals, both open
    r = runner.invoke(app, ["events", "reseal", "--database-url", database_url])
    assert r.exit_code == 0 and "resealed 1" in r.output, r.output
    monkeypatch.setenv("IPPLEDGE_SECRET_KEY", new)  # the old key dropped
    with session_factory() as s:
        stored = s.execute(select(Subscription.secret_sealed)).scalar_one()
    assert Sealer(new).unseal(stored) == sub["secret"]
    emit(session_factory, "loan.overdue", {"loan_id": 1, "dpd": 1}, bank.party.id)
    r = runner.invoke(app, ["events", "deliver", "--once", *LOOPBACK, "--database-url", database_url])
    assert r.exit_code == 0 and "delivered 1" in r.output, r.output
    h, b = receiver.requests[0]
    assert verify_signature(sub["secret"], h["x-ippledge-timestamp"], b, h["x-ippledge-signature"], utcnow())
