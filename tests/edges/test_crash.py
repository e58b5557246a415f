"""Crash safety (崩溃恢复): kill -9 of the real processes in the middle of their work, on SQLite and PostgreSQL.

Each test runs the command as an operator does (a fresh interpreter), kills it with SIGKILL once it is seen
writing (it holds the write lock on SQLite, a row-exclusive lock on the table on PostgreSQL), starts it again and
checks that nothing was lost, doubled or left stuck, and that ``ippledge ledger check`` and ``ippledge audit verify``
pass. The kill point is found by watching the database (or, for the webhook relay, the receiver), never by sleeping.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select, text

from ippledge.access.model import PartyKind, Role
from ippledge.delivery.tables import Delivery
from ippledge.lending.close.tables import BusinessDayClose
from ippledge.lending.tables import BusinessDay, LoanRepayment
from ippledge.registry.tables import FeedBatch, IpAsset, LegalStatusEvent
from ippledge.web.idempotency import IdempotencyRecord
from tests.delivery.factories import emit, subscribe
from tests.lending.factories import LoanDesk

GUARD_S = 300  # a hang fails the test instead of blocking the suite; not a performance bound
MARKET_DAY = "2024-06-28"


def _env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    env.pop("IPPLEDGE_DATABASE_URL", None)
    src = str(Path(__file__).resolve().parents[2] / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    return env


def _start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ippledge.cli", *args],
        cwd=cwd,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ippledge.cli", *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=GUARD_S,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str], what: str) -> str:
    out = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in out, f"{what}: exit {result.returncode}\n{out[-3000:]}"
    return result.stdout


def _writing(engine: Engine, table: str) -> bool:
    """Another process is inside a write transaction: SQLite's write lock is taken, or on PostgreSQL another
    backend holds a row-exclusive lock on ``table`` of this schema."""
    if engine.dialect.name == "sqlite":
        conn = sqlite3.connect(str(engine.url.database), timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()
    probe = text(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE c.relname = :t AND c.relnamespace = current_schema()::regnamespace "
        "AND l.pid <> pg_backend_pid() AND l.mode = 'RowExclusiveLock'"
    )
    with engine.connect() as conn:
        return bool(conn.scalar(probe, {"t": table}))


def _kill_while_writing(proc: subprocess.Popen[str], engine: Engine, table: str) -> None:
    """SIGKILL ``proc`` as soon as it is seen inside its write transaction; fail if it finished first."""
    deadline = time.monotonic() + GUARD_S
    while proc.poll() is None and time.monotonic() < deadline:
        if _writing(engine, table):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    out = proc.communicate(timeout=GUARD_S)[0]
    assert proc.returncode == -signal.SIGKILL, f"finished before it was seen writing: exit {proc.returncode}\n{out}"


def _checks_pass(url: str, cwd: Path) -> None:
    _ok(_run(["ledger", "check", "--database-url", url], cwd), "ledger check")
    assert "audit chain intact" in _ok(_run(["audit", "verify", "--database-url", url], cwd), "audit verify")


def _count(engine: Engine, stmt: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)


# --- the server during a stream of idempotent repayments -------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    proc = _start(["serve", "--port", str(port), "--database-url", url, "--log-format", "text"], cwd)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + GUARD_S
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"serve never answered /health\n{proc.communicate()[0][-3000:]}")


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


N_REPAY = 60


def test_server_killed_during_idempotent_repayments(
    engine, world, app, session_factory, database_url, tmp_path
) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan()
    d.deposit("100000")
    keys = [f"crash-repay-{i:04d}" for i in range(N_REPAY)]
    body = {"amount": "10.00", "prepay": True, "value_date": str(d.clock.today)}
    headers = {k: {**d.firm.headers, "Idempotency-Key": k} for k in keys}
    first: dict[str, str] = {}

    proc, base = _serve(database_url, tmp_path)
    try:

        def repay(k: str) -> None:
            if proc.poll() is not None:
                return
            try:
                r = httpx.post(f"{base}/loans/{lid}/repayments", json=body, headers=headers[k], timeout=GUARD_S)
            except httpx.TransportError:
                return  # the server died under this request: its retry below decides
            assert r.status_code == 201, r.text
            first[k] = r.text
            if len(first) >= N_REPAY // 3 and proc.poll() is None:
                proc.send_signal(signal.SIGKILL)  # a third answered, others in flight

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(repay, keys))
        proc.wait(timeout=GUARD_S)
    finally:
        _stop(proc)
    assert proc.returncode == -signal.SIGKILL
    assert N_REPAY // 3 <= len(first) < N_REPAY

    proc, base = _serve(database_url, tmp_path)  # restarted: every client retries every key with the same request
    try:
        for k in keys:
            r = httpx.post(f"{base}/loans/{lid}/repayments", json=body, headers=headers[k], timeout=GUARD_S)
            assert r.status_code == 201, r.text
            if k in first:
                assert r.text == first[k]  # answered before the crash: replayed, not repeated
    finally:
        _stop(proc)

    assert _count(engine, select(func.count()).where(LoanRepayment.loan_id == lid)) == N_REPAY  # none lost, none twice
    keyed = select(func.count()).where(IdempotencyRecord.key.like("crash-repay-%"))
    assert _count(engine, keyed) == N_REPAY
    assert _count(engine, keyed.where(IdempotencyRecord.status_code.is_(None))) == 0  # no key stuck in progress
    _checks_pass(database_url, tmp_path)


# --- the daily close ---------------------------------------------------------------------------------------------


def test_close_killed_mid_catch_up(engine, world, app, session_factory, database_url, tmp_path) -> None:
    d = LoanDesk(world, app)
    d.active_loan()
    d.active_loan(amount="800000", months=12)
    start = d.clock.today
    end = start + dt.timedelta(days=400)
    args = ["--database-url", database_url, "--as-of", end.isoformat()]
    _ok(_run(["close", "--date", start.isoformat(), *args], tmp_path), "first close")

    proc = _start(["close", "--date", end.isoformat(), *args], tmp_path)  # 400 days of catch-up in one run
    _kill_while_writing(proc, engine, "business_day_close")
    with engine.connect() as conn:
        assert conn.scalar(select(BusinessDay.last_closed)) == start  # one transaction: nothing of it stayed

    _ok(_run(["close", "--date", end.isoformat(), *args], tmp_path), "close after the crash")
    with engine.connect() as conn:
        assert conn.scalar(select(BusinessDay.last_closed)) == end
        closed = list(conn.scalars(select(BusinessDayClose.business_date).order_by(BusinessDayClose.business_date)))
    assert closed == [start + dt.timedelta(days=i) for i in range(401)]  # every day once: none half-closed or twice
    _checks_pass(database_url, tmp_path)


# --- the bulk legal-status load ----------------------------------------------------------------------------------


@pytest.fixture
def market(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A simulated market (about 10,000 IP assets) in the test database."""
    simulate = ["simulate", "--scale", "small", "--seed", "3", "--as-of", MARKET_DAY, "--database-url", database_url]
    _ok(_run(simulate, tmp_path), "simulate")
    yield database_url


def test_bulk_load_killed_mid_feed(engine, market, tmp_path) -> None:
    with engine.connect() as conn:
        preserved = select(LegalStatusEvent.ip_asset_id).where(LegalStatusEvent.code == "PP01")
        stmt = select(IpAsset.id, IpAsset.number).where(
            IpAsset.kind == "patent", IpAsset.status == "in_force", IpAsset.id.not_in(preserved)
        )
        patents = dict(conn.execute(stmt).all())
    assert len(patents) > 1000
    feed = tmp_path / "feed.csv"
    rows = "".join(f"{n},PP01,{MARKET_DAY},\n" for n in patents.values())
    feed.write_text("number,code,effective_date,details\n" + rows, encoding="utf-8")
    args = ["registry", "load-events", str(feed), "--as-of", MARKET_DAY, "--database-url", market]
    loaded = select(func.count()).where(LegalStatusEvent.code == "PP01", LegalStatusEvent.source == "feed")

    proc = _start(args, tmp_path)
    _kill_while_writing(proc, engine, "feed_batch")
    assert _count(engine, loaded) == 0  # one transaction: nothing of the killed batch stayed

    _ok(_run(args, tmp_path), "load after the crash")
    _ok(_run(args, tmp_path), "the same feed again")  # a retried feed adds nothing
    per_asset = (
        select(LegalStatusEvent.ip_asset_id, func.count())
        .where(LegalStatusEvent.code == "PP01", LegalStatusEvent.source == "feed")
        .group_by(LegalStatusEvent.ip_asset_id)
    )
    with engine.connect() as conn:
        counts = dict(conn.execute(per_asset).all())
    assert counts == dict.fromkeys(patents, 1)  # every line once: none lost, none doubled
    assert _count(engine, select(func.count()).select_from(FeedBatch)) == 2
    _checks_pass(market, tmp_path)


# --- the webhook relay holding a delivery lease ------------------------------------------------------------------


class _Receiver:
    """A webhook receiver on 127.0.0.1 that hangs on the first POST (so the relay can be killed mid-send) and answers
    200 to the rest."""

    def __init__(self) -> None:
        self.got_first = threading.Event()
        self.release = threading.Event()
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                outer.paths.append(self.path)
                if len(outer.paths) == 1:
                    outer.got_first.set()
                    outer.release.wait(GUARD_S)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()


def test_relay_killed_holding_a_lease(engine, world, session_factory, database_url, tmp_path) -> None:
    receiver = _Receiver()
    try:
        bank = world.actor(PartyKind.BANK, Role.ADMIN)
        subscribe(world.client, bank, f"{receiver.url}/hook", ["loan.*"])
        emit(session_factory, "loan.overdue", {"loan_id": 1, "dpd": 1}, bank.party.id)
        args = ["events", "deliver", "--once", "--batch", "1", "--timeout", "1", "--networks", "127.0.0.0/8"]
        args += ["--database-url", database_url]

        proc = _start(args, tmp_path)
        assert receiver.got_first.wait(GUARD_S), proc.communicate(timeout=GUARD_S)[0]
        proc.send_signal(signal.SIGKILL)  # the delivery is claimed (leased) and its POST is in flight
        proc.wait(timeout=GUARD_S)
        with engine.connect() as conn:
            assert conn.scalar(select(Delivery.claim_token)) is not None  # left leased by the dead relay

        # Restarted relays: once the lease runs out the delivery is taken over and sent; nothing stays leased.
        deadline = time.monotonic() + GUARD_S
        while time.monotonic() < deadline:
            _ok(_run(args, tmp_path), "deliver after the crash")
            with engine.connect() as conn:
                if conn.scalar(select(Delivery.status)) == "delivered":
                    break
            time.sleep(2)
        with engine.connect() as conn:
            rows = conn.execute(select(Delivery.status, Delivery.claim_token)).all()
    finally:
        receiver.close()
    assert [status for status, _ in rows] == ["delivered"], rows  # one delivery, delivered, not doubled
    assert receiver.paths == ["/hook", "/hook"]  # the interrupted send, then the one that landed (at least once)
