"""Operations (运维): liveness and readiness, request ids in structured logs, pool sizing for several workers, the
backup-and-restore drill, and the production server started as the README says."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import text
from typer.testing import CliRunner

from ippledge.app import create_app
from ippledge.cli import app as cli_app
from ippledge.cmd.serving import pool_for
from ippledge.config import Settings
from ippledge.db import make_engine
from ippledge.demo.main import run_demo
from ippledge.migrations.tools import upgrade
from ippledge.web.request_log import JsonFormatter


def test_ready_when_the_schema_is_current_and_not_before(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    bare = TestClient(create_app(Settings(database_url=url)))
    answer = bare.get("/ready")
    assert answer.status_code == 503
    assert answer.json()["code"] == "platform.schema_outdated" and "db upgrade" in answer.json()["message_en"]
    assert bare.get("/health").status_code == 200  # alive, just not ready
    upgrade(make_engine(url))
    ready = TestClient(create_app(Settings(database_url=url))).get("/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_ready_is_503_when_the_database_is_gone(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # nothing listens on port 1
    answer = TestClient(create_app(Settings(database_url=url))).get("/ready")
    assert answer.status_code == 503 and answer.json()["code"] == "platform.database_unreachable"


def test_request_id_echoed_or_made_and_logged_without_the_query(
    engine: object, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}")))
    with caplog.at_level(logging.INFO, logger="ippledge.request"):
        mine = client.get("/health?token=secret", headers={"X-Request-ID": "lb-7f3a.1"})
        forged = client.get("/health", headers={"X-Request-ID": "bad id\r\nSet-Cookie: x"})
    assert mine.headers["X-Request-ID"] == "lb-7f3a.1"
    made = forged.headers["X-Request-ID"]
    assert made != "bad id" and len(made) == 32
    records = [r for r in caplog.records if r.name == "ippledge.request"]
    assert [r.__dict__["request_id"] for r in records] == ["lb-7f3a.1", made]
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["path"] == "/health" and line["status"] == 200 and "secret" not in json.dumps(line)


@pytest.mark.parametrize("workers", [1, 2, 3, 4, 8, 16])
def test_worker_pools_stay_within_the_connection_budget(workers: int) -> None:
    size, overflow = pool_for(workers, 80)
    assert size >= 1 and overflow >= 0
    assert workers * (size + overflow) <= max(80, 2 * workers)


def test_several_workers_on_sqlite_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "2", "--database-url", f"sqlite:///{tmp_path}/a.db"])
    assert result.exit_code != 0 and "PostgreSQL" in result.output


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("journal_entry", "audit_record")}


def test_backup_while_writing_then_restore_drill(tmp_path: Path) -> None:
    """The drill an operator runs: back up the live database, restore it elsewhere, the checks pass and nothing is
    missing; a restore never replaces a database silently; a tampered backup fails its checks."""
    db = tmp_path / "live.db"
    run_demo(dt.date(2025, 6, 30), db_path=db, console=Console(file=io.StringIO()), year_days=75, firms=4)
    writer = sqlite3.connect(db)
    writer.execute("BEGIN IMMEDIATE")  # a write in flight: the backup takes the last committed state
    writer.execute("DELETE FROM audit_record WHERE seq > 5")  # never committed
    runner = CliRunner()
    backup = tmp_path / "live.bak"
    done = runner.invoke(cli_app, ["db", "backup", "--to", str(backup), "--database-url", f"sqlite:///{db}"])
    writer.rollback()
    writer.close()
    assert done.exit_code == 0, done.output
    target = tmp_path / "restored" / "ippledge.db"
    url = f"sqlite:///{target}"
    restored = runner.invoke(cli_app, ["db", "restore", "--from", str(backup), "--database-url", url])
    assert restored.exit_code == 0, restored.output
    assert _counts(target) == _counts(db) and _counts(db)["journal_entry"] > 0
    again = runner.invoke(cli_app, ["db", "restore", "--from", str(backup), "--database-url", url])
    assert again.exit_code != 0 and "--force" in again.output
    with sqlite3.connect(backup) as conn:  # tamper with the backup: the restore must say so
        conn.execute("UPDATE audit_record SET actor = 'mallory' WHERE seq = 3")
    tampered = runner.invoke(cli_app, ["db", "restore", "--from", str(backup), "--database-url", url, "--force"])
    assert tampered.exit_code == 1 and "fails its checks" in tampered.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, proc: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            answer = httpx.get(f"http://127.0.0.1:{port}/ready", headers={"X-Request-ID": "probe-1"}, timeout=2)
            if answer.status_code == 200:
                return answer
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise AssertionError(f"server never became ready: {(proc.communicate()[0] or '')[-3000:]}")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


@pytest.mark.postgres
def test_production_profile_on_postgres_with_two_workers() -> None:
    """`ippledge db upgrade` then `ippledge serve --workers 2` on PostgreSQL, as docs/operations.md says: ready,
    answering, one JSON log line per request with its id."""
    pg = os.environ.get("IPPLEDGE_TEST_POSTGRES_URL")
    if not pg:
        pytest.skip("IPPLEDGE_TEST_POSTGRES_URL not set")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = make_engine(pg)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{pg.replace('postgresql://', 'postgresql+psycopg://', 1)}?options=-csearch_path%3D{schema}"
    env = {**os.environ, "IPPLEDGE_DATABASE_URL": url, "IPPLEDGE_DB_MAX_CONNECTIONS": "20"}
    try:
        up = subprocess.run([sys.executable, "-m", "ippledge.cli", "db", "upgrade"], env=env, capture_output=True)
        assert up.returncode == 0, up.stderr
        port = _free_port()
        args = [sys.executable, "-m", "ippledge.cli", "serve", "--workers", "2", "--port", str(port)]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            ready = _wait_ready(port, proc)
            assert ready.json()["database"] == "postgresql"
            for _ in range(6):
                assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
        finally:
            out = _stop(proc)
        lines = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
        assert any(x.get("request_id") == "probe-1" and x.get("path") == "/ready" for x in lines), out[-2000:]
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
