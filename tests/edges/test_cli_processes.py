"""Every command in a fresh process (新进程): ``--help`` of every command and group, and one real call of each on a
scratch SQLite database made by ``ippledge db upgrade`` and filled by ``ippledge simulate``.

A fresh process is what an operator gets: nothing registered by an earlier import, so a command that forgets the
composition root (``bootstrap.wire``) fails here. The commands are found by walking the Typer app, so a new command is
covered by the help check at once, and the real-call check fails until ``WRITES`` or ``READS`` says how to call it.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer

from ippledge.cli import app

MARKET_DAY = "2024-06-28"
WORKERS = max(2, min(6, os.cpu_count() or 2))  # interpreters at a time
Path_ = tuple[str, ...]


def command_paths() -> tuple[list[Path_], list[Path_]]:
    """(groups, commands) of the CLI as argument paths, e.g. ``("loan",)`` and ``("loan", "provisions")``."""
    groups: list[Path_] = []
    commands: list[Path_] = []

    def walk(cmd: Any, path: Path_) -> None:
        if hasattr(cmd, "list_commands"):  # a group (Typer ships its own click, so no isinstance on click.Group)
            groups.append(path)
            ctx = type(cmd).context_class(cmd)
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), (*path, name))
        else:
            commands.append(path)

    walk(typer.main.get_command(app), ())
    return groups, commands


@dataclass(frozen=True)
class Scratch:
    """The scratch database and a few facts from it that real calls need."""

    dir: Path
    url: str
    number: str  # an in-force patent of the simulated market
    setup: dict[Path_, subprocess.CompletedProcess[str]]  # the calls that built it


def cli(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m ippledge.cli ARGS`` in a new interpreter, with this process's environment (PYTHONPATH too)."""
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    env.pop("IPPLEDGE_DATABASE_URL", None)  # every call names its database
    return subprocess.run(
        [sys.executable, "-m", "ippledge.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str], what: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in output, f"{what}: exit {result.returncode}\n{output[-3000:]}"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Scratch:
    where = tmp_path_factory.mktemp("cli")
    url = f"sqlite:///{where / 'scratch.db'}"
    setup: dict[Path_, subprocess.CompletedProcess[str]] = {
        ("db", "upgrade"): cli(["db", "upgrade", "--database-url", url], where)
    }
    _ok(setup[("db", "upgrade")], "db upgrade")
    simulate = ["simulate", "--scale", "small", "--seed", "3", "--as-of", MARKET_DAY, "--database-url", url]
    setup[("simulate",)] = cli(simulate, where)
    _ok(setup[("simulate",)], "simulate")
    with sqlite3.connect(where / "scratch.db") as conn:
        stmt = "SELECT number FROM ip_asset WHERE kind = 'patent' AND status = 'in_force' ORDER BY id LIMIT 1"
        (number,) = conn.execute(stmt).fetchone()
    return Scratch(where, url, str(number), setup)


def _feed(s: Scratch) -> str:
    path = s.dir / "feed.csv"
    path.write_text(f"number,code,effective_date,details\n{s.number},PP01,{MARKET_DAY},\n", encoding="utf-8")
    return str(path)


def _survey(s: Scratch) -> str:
    path = s.dir / "survey.csv"
    path.write_text("uscc,amount,term_months,use\n91110000600037341X,1000000,12,research\n", encoding="utf-8")
    return str(path)


def _party(s: Scratch, kind: str) -> int:
    """The first party of a kind in the scratch market."""
    with sqlite3.connect(s.dir / "scratch.db") as conn:
        (party,) = conn.execute("SELECT id FROM party WHERE kind = ? ORDER BY id LIMIT 1", (kind,)).fetchone()
    return int(party)


def _user(s: Scratch, kind: str, suffix: str) -> str:
    """A demo user of the first party of a kind, e.g. its ``admin`` or ``officer``."""
    with sqlite3.connect(s.dir / "scratch.db") as conn:
        stmt = "SELECT username FROM app_user WHERE party_id = ? AND username LIKE ? ORDER BY id LIMIT 1"
        (name,) = conn.execute(stmt, (_party(s, kind), f"%.{suffix}")).fetchone()
    return str(name)


def _owned(s: Scratch) -> list[str]:
    """``--as`` the admin of a firm that alone owns an in-force patent, and ``--asset`` that patent's id."""
    stmt = (
        "SELECT u.username, a.id FROM ip_asset a JOIN ip_owner o ON o.ip_asset_id = a.id "
        "JOIN app_user u ON u.party_id = o.party_id AND u.username LIKE '%.admin' "
        "WHERE a.status = 'in_force' AND o.share_bp = 10000 ORDER BY a.id LIMIT 1"
    )
    with sqlite3.connect(s.dir / "scratch.db") as conn:
        (user, asset) = conn.execute(stmt).fetchone()
    return ["--as", str(user), "--asset", str(asset)]


def _applicants(s: Scratch) -> list[str]:
    """A bank's USCC file (two lines: a firm of the market and a malformed code) and the bank's id."""
    with sqlite3.connect(s.dir / "scratch.db") as conn:
        (uscc,) = conn.execute("SELECT uscc FROM party WHERE kind = 'enterprise' ORDER BY id LIMIT 1").fetchone()
        (bank,) = conn.execute("SELECT id FROM party WHERE kind = 'bank' ORDER BY id LIMIT 1").fetchone()
    path = s.dir / "applicants.txt"
    path.write_text(f"{uscc}\nnot-a-code\n", encoding="utf-8")
    return [str(path), "--bank-id", str(bank)]


# One real call per command. Calls that write run one after another; the rest run in parallel beside them.
Call = Callable[[Scratch], list[str]]
WRITES: dict[Path_, Call] = {
    ("registry", "load-events"): lambda s: [
        "registry", "load-events", _feed(s), "--as-of", MARKET_DAY, "--database-url", s.url,
    ],
    ("registry", "age"): lambda s: ["registry", "age", "--as-of", MARKET_DAY, "--database-url", s.url],
    ("value",): lambda s: ["value", s.number, "--as-of", MARKET_DAY, "--database-url", s.url],
    ("close",): lambda s: ["close", "--date", MARKET_DAY, "--database-url", s.url],
    ("monitor", "run"): lambda s: ["monitor", "run", "--date", MARKET_DAY, "--database-url", s.url],
    ("events", "deliver"): lambda s: ["events", "deliver", "--once", "--database-url", s.url],
    ("whitelist", "escalate"): lambda s: ["whitelist", "escalate", "--date", MARKET_DAY, "--database-url", s.url],
    ("whitelist", "reverse-push"): lambda s: [
        "whitelist", "reverse-push", *_applicants(s), "--date", MARKET_DAY, "--database-url", s.url,
    ],
    ("demand", "import"): lambda s: ["demand", "import", _survey(s), "--database-url", s.url],
    # the simulated market has no events: the answer is the catalogued not-found error (FAILS_CLEANLY)
    ("outreach", "follow-ups"): lambda s: [
        "outreach", "follow-ups", "1", "--date", MARKET_DAY, "--database-url", s.url,
    ],
    # the feed this platform exports (no lots yet: an empty feed) imports as nothing, in order: export, then import
    ("disposal", "feed-export"): lambda s: [
        "disposal", "feed-export", "--out", str(s.dir / "listings.jsonl"), "--database-url", s.url,
    ],
    ("disposal", "feed-import"): lambda s: [
        "disposal", "feed-import", str(s.dir / "listings.jsonl"), "--database-url", s.url,
    ],
    # a firm offers a patent it alone owns for an ordinary licence, then withdraws the offer (offer 1: the first)
    ("disposal", "offer", "create"): lambda s: [
        "disposal", "offer", "create", *_owned(s), "--deal", "ordinary_licence", "--price", "50000",
        "--as-of", MARKET_DAY, "--database-url", s.url,
    ],
    ("disposal", "offer", "withdraw"): lambda s: [
        "disposal", "offer", "withdraw", "1", _owned(s)[0], _owned(s)[1], "--as-of", MARKET_DAY,
        "--database-url", s.url,
    ],
    # a firm consents to a bank, the bank reads under it, the firm revokes (consent 1: the first of this database)
    ("gateway", "grant"): lambda s: [
        "gateway", "grant", "--as", _user(s, "enterprise", "admin"), "--grantee", str(_party(s, "bank")),
        "--source", "tax", "--fields", "credit_grade,revenue", "--purpose", "credit_assessment",
        "--expires", "2027-06-01", "--as-of", MARKET_DAY, "--database-url", s.url,
    ],
    ("gateway", "read"): lambda s: [
        "gateway", "read", "--as", _user(s, "bank", "officer"), "--firm", str(_party(s, "enterprise")),
        "--source", "tax", "--purpose", "credit_assessment", "--as-of", MARKET_DAY, "--database-url", s.url,
    ],
    ("gateway", "revoke"): lambda s: [
        "gateway", "revoke", "1", "--as", _user(s, "enterprise", "admin"), "--as-of", MARKET_DAY,
        "--database-url", s.url,
    ],
    ("events", "reseal"): lambda s: ["events", "reseal", "--database-url", s.url],
    ("demo",): lambda s: ["demo", "--no-serve", "--days", "0"],  # its own var/demo.db in the scratch folder
    ("db", "backup"): lambda s: ["db", "backup", "--to", str(s.dir / "scratch.bak"), "--database-url", s.url],
    ("db", "restore"): lambda s: [
        "db", "restore", "--from", str(s.dir / "scratch.bak"), "--database-url", f"sqlite:///{s.dir / 'restored.db'}",
    ],
}  # fmt: skip
READS: dict[Path_, Call] = {
    ("audit", "verify"): lambda s: ["audit", "verify", "--database-url", s.url],
    ("ids", "check"): lambda s: ["ids", "check", "ZL201310699744.2"],
    ("ledger", "check"): lambda s: ["ledger", "check", "--database-url", s.url],
    ("loan", "schedule"): lambda s: [
        "loan", "schedule", "--principal", "1000000", "--annual-rate", "4.9%", "--months", "12",
        "--method", "equal-installment", "--start", MARKET_DAY,
    ],
    ("loan", "provisions"): lambda s: ["loan", "provisions", "--as-of", MARKET_DAY, "--json", "--database-url", s.url],
    ("disposal", "rules"): lambda s: ["disposal", "rules"],
    ("disposal", "plan"): lambda s: ["disposal", "plan", "--appraisal", "1000000", "--json"],
    ("risk", "schemes"): lambda s: ["risk", "schemes"],
    ("risk", "split"): lambda s: ["risk", "split", "--scheme", "zhongshan", "--loss", "1000000"],
    ("risk", "simulate"): lambda s: [
        "risk", "simulate", "--rho", "0.15", "--lgd", "0.6", "--scenarios", "2000", "--seed", "1",
        "--loans", "100", "--pd", "0.02",
    ],
    ("valuers", "league"): lambda s: ["valuers", "league", "--as-of", MARKET_DAY, "--database-url", s.url],
    ("liquidity",): lambda s: ["liquidity", "--as-of", MARKET_DAY, "--json", "--database-url", s.url],
    ("events", "status"): lambda s: ["events", "status", "--database-url", s.url],
    ("events", "new-key"): lambda s: ["events", "new-key"],
    ("errors",): lambda s: ["errors", "--markdown"],
    ("supervise", "stats"): lambda s: [
        "supervise", "stats", "--start", "2020-01-01", "--end", MARKET_DAY, "--by", "bank", "--database-url", s.url,
    ],
    ("supervise", "rank"): lambda s: [
        "supervise", "rank", "--start", "2020-01-01", "--end", MARKET_DAY, "--json", "--database-url", s.url,
    ],
    ("monitor", "watch"): lambda s: ["monitor", "watch", "--database-url", s.url],
    ("whitelist", "lists"): lambda s: ["whitelist", "lists", "--database-url", s.url],
    ("outreach", "events"): lambda s: ["outreach", "events", "--json", "--database-url", s.url],
    ("demand", "funnel"): lambda s: [
        "demand", "funnel", "--from", "2024-01-01", "--to", MARKET_DAY, "--database-url", s.url,
    ],
    ("monitor", "actions"): lambda s: ["monitor", "actions", "--json", "--database-url", s.url],
    ("simulate-history",): lambda s: ["simulate-history", "--seed", "1", "--json"],
    ("supervise", "kpi"): lambda s: [
        "supervise", "kpi", "--start", "2024-01-01", "--end", MARKET_DAY, "--json", "--database-url", s.url,
    ],
    ("report",): lambda s: [
        "report", "statistics", "--period", f"2024-01-01..{MARKET_DAY}", "--csv", str(s.dir / "report.csv"),
        "--xlsx", str(s.dir / "report.xlsx"), "--database-url", s.url,
    ],
    ("disposal", "simulate"): lambda s: [
        "disposal", "simulate", "--appraisal", "1000000", "--trials", "2000", "--json",
    ],
    ("disposal", "listings"): lambda s: ["disposal", "listings", "--json", "--database-url", s.url],
    ("disposal", "outcomes"): lambda s: ["disposal", "outcomes", "--json", "--database-url", s.url],
    ("gateway", "consents"): lambda s: [
        "gateway", "consents", "--as", _user(s, "enterprise", "admin"), "--as-of", MARKET_DAY, "--database-url", s.url,
    ],
    ("gateway", "access-log"): lambda s: [
        "gateway", "access-log", "--as", _user(s, "enterprise", "admin"), "--database-url", s.url,
    ],
    ("policy", "plan"): lambda s: [
        "policy", "plan", "--as", _user(s, "enterprise", "admin"), "--amount", "1000000", "--months", "12",
        "--rate", "0.04", "--as-of", MARKET_DAY, "--json", "--database-url", s.url,
    ],
    # the simulated market has no loans: the answer is the catalogued not-found error, not a crash (FAILS_CLEANLY)
    ("policy", "loan"): lambda s: [
        "policy", "loan", "1", "--as", _user(s, "bank", "officer"), "--as-of", MARKET_DAY, "--database-url", s.url,
    ],
    ("loan", "servicing"): lambda s: ["loan", "servicing", "--json", "--database-url", s.url],
}  # fmt: skip
# What a real call must print, where its exit code alone says too little. ``loan provisions`` once crashed in a fresh
# process with ``LookupError: no scope rule registered for Loan``.
EXPECT: dict[Path_, str] = {
    ("loan", "provisions"): '"total"',
    ("audit", "verify"): "audit chain intact",
    ("errors",): "| Code | HTTP |",
    ("liquidity",): '"prior_discount": 0.3',
    ("supervise", "stats"): "监管统计",
    ("supervise", "rank"): '"rows"',
    ("report",): '"loan_total"',
    ("whitelist", "reverse-push"): '"code": "id.uscc.length"',
    ("demand", "import"): "0 loaded, 1 rejected",
}
# Calls whose right answer on the scratch database is a catalogued error (non-zero exit, the code printed, no
# traceback).
FAILS_CLEANLY: dict[Path_, str] = {("policy", "loan"): "not_found", ("outreach", "follow-ups"): "event_not_found"}
SPECIAL = {("db", "upgrade"), ("simulate",), ("serve",)}  # made the scratch database; serve: see _serve


def _serve(s: Scratch) -> tuple[Path_, str]:
    """``ippledge serve`` answers ``GET /health``, then is stopped."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = [sys.executable, "-m", "ippledge.cli", "serve", "--port", str(port), "--database-url", s.url]
    proc = subprocess.Popen(args, cwd=s.dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    return ("serve",), ""
            except httpx.TransportError:
                time.sleep(0.2)
        proc.kill()
        return ("serve",), f"serve never answered /health: exit {proc.poll()}\n{(proc.communicate()[0] or '')[-3000:]}"
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _problem(path: Path_, result: subprocess.CompletedProcess[str], expect: str = "") -> str:
    output = result.stdout + result.stderr
    if path in FAILS_CLEANLY and "--help" not in result.args:
        if result.returncode != 0 and "Traceback" not in output and FAILS_CLEANLY[path] in output:
            return ""
        code = FAILS_CLEANLY[path]
        return f"{' '.join(path)}: expected a clean {code} error, got exit {result.returncode}\n{output[-2000:]}"
    if result.returncode != 0 or "Traceback" in output or expect not in result.stdout:
        return f"{' '.join(path) or 'ippledge'}: exit {result.returncode}\n{output[-2000:]}"
    return ""


def test_every_command_has_a_real_call() -> None:
    _, commands = command_paths()
    covered = set(WRITES) | set(READS) | SPECIAL
    missing = [" ".join(c) for c in commands if c not in covered]
    assert not missing, f"add a real call for {missing} to WRITES or READS in tests/edges/test_cli_processes.py"


def test_every_command_in_a_fresh_process(scratch: Scratch) -> None:
    """Help of every group and command, and one real call of every command, each in its own interpreter; the
    calls that write go one after another, everything else in parallel beside them."""
    for path, result in scratch.setup.items():
        assert not _problem(path, result), _problem(path, result)
    groups, commands = command_paths()

    def writes() -> list[str]:
        return [_problem(path, cli(call(scratch), scratch.dir)) for path, call in WRITES.items()]

    def run(path: Path_, args: list[str], expect: str = "") -> str:
        return _problem(path, cli(args, scratch.dir), expect)

    with ThreadPoolExecutor(WORKERS + 2) as pool:  # two of them mostly wait: the writing lane and the server
        lanes = [pool.submit(writes), pool.submit(lambda: [_serve(scratch)[1]])]
        jobs = [pool.submit(run, p, [*p, "--help"], "Usage") for p in [*groups, *commands]]
        jobs += [pool.submit(run, p, call(scratch), EXPECT.get(p, "")) for p, call in READS.items()]
        failures = [f for lane in lanes for f in lane.result() if f] + [f for f in (j.result() for j in jobs) if f]
    assert not failures, "\n\n".join(failures)
