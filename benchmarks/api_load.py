"""API under load (接口压测): a bounded open-loop load on the production serving profile, against a serial baseline.

    python -m benchmarks.api_load                       # PostgreSQL (2 workers) then SQLite (1 process), 200/s for 30 s
    python -m benchmarks.api_load --backend postgres --rate 200 --duration 30 --workers 2
    python -m benchmarks.api_load --backend sqlite --rate 100 --duration 10

Each backend gets a fresh book built by the demo's own builders (``demo.main.run_demo``: the small simulated market,
its pledge filings and a shortened year of lending, closed every day): a private schema in the PostgreSQL database of
``--postgres-url`` (dropped afterwards) or a temporary SQLite file. ``ippledge serve`` then runs it on 127.0.0.1 as in
production (``--workers N`` on PostgreSQL, one process on SQLite; JSON request log to a file). Several users of
several parties (the officers of three banks, the admins of borrowers of those banks, the regulator's analyst) log in
through ``/auth/login``; what each may read is found through the API itself (its loans, their pledges, the pledged IP
assets); each borrower's bank deposits repayment money for it.

The load is OPEN-LOOP: request *i* is due at ``start + i / rate`` whatever happened to the earlier ones, so a slow
server builds a queue and the latency of a request is measured from its due time (queueing included), not from when
it could be sent. The mix (seeded): reads of loans (list, detail, payoff quote), IP assets (detail, history), pledges,
pledge filings (list) and ``/me``, and prepaid repayments of 1.00 with a fresh ``Idempotency-Key`` each. Bounded: at
most ``--max-in-flight`` requests outstanding (more are counted "not sent"), each given ``--timeout`` seconds.

Prints the achieved rate, errors by status, p50/p95/p99 per route and overall, the server's CPU time per request,
the machine's load average, and the same mix sent one request at a time first (the serial baseline) with the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from sqlalchemy import text
from sqlalchemy.engine import make_url

from ippledge.access import queries as parties
from ippledge.access.credentials import configure_hasher
from ippledge.bootstrap import wire
from ippledge.db import make_engine, make_session_factory
from ippledge.kernel.clock import business_date
from ippledge.lending import queries as lending
from ippledge.simulation.accounts import DEMO_PASSWORD

console = Console(stderr=True)
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
COLUMNS = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())

# The mix: route label -> weight. Reads of loans, IP assets, pledges and lists; some money writes.
MIX: dict[str, int] = {
    "GET /loans": 12,
    "GET /loans/{id}": 22,
    "GET /loans/{id}/payoff-quote": 6,
    "GET /ip-assets/{id}": 20,
    "GET /ip-assets/{id}/history": 6,
    "GET /pledges/{id}": 10,
    "GET /pledge-filings": 8,
    "GET /me": 8,
    "POST /loans/{id}/repayments": 8,
}


@dataclass(frozen=True)
class Call:
    """One request of the plan: its route label (for the figures) and what to send."""

    route: str
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None = None


@dataclass
class Caller:
    """A logged-in user and what the API showed it may read."""

    username: str
    headers: dict[str, str]
    party_id: int = 0
    loans: list[int] = field(default_factory=list)
    active_loans: list[int] = field(default_factory=list)  # its own, as a borrower: where it repays
    pledges: list[int] = field(default_factory=list)
    assets: list[int] = field(default_factory=list)
    lists: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Sample:
    route: str
    status: str  # the HTTP status, or "timeout", a transport error's name, "not sent"
    latency: float  # seconds from the request's due time to its answer


@dataclass
class Result:
    samples: list[Sample]
    elapsed: float  # from the first due time to the last answer
    offered: float  # requests per second offered (0 for the serial run)
    send_lag_p99: float = 0.0  # how late the generator itself sent (its own saturation)

    def ok(self) -> list[Sample]:
        return [s for s in self.samples if s.status.startswith("2")]

    def errors(self) -> Counter[str]:
        return Counter(s.status for s in self.samples if not s.status.startswith("2"))

    def achieved(self) -> float:
        return len(self.ok()) / self.elapsed if self.elapsed > 0 else 0.0

    def percentiles(self, route: str | None = None) -> tuple[int, float, float, float]:
        """(answered, p50, p95, p99) in milliseconds over every answered request (errors included)."""
        lat = [s.latency for s in self.samples if s.status != "not sent" and (route is None or s.route == route)]
        if not lat:
            return 0, 0.0, 0.0, 0.0
        p = np.percentile(np.array(lat) * 1000, [50, 95, 99])
        return len(lat), float(p[0]), float(p[1]), float(p[2])

    def by_route(self) -> dict[str, tuple[int, int, float, float, float]]:
        """route -> (answered, errors, p50, p95, p99)."""
        errs: dict[str, int] = defaultdict(int)
        for s in self.samples:
            if not s.status.startswith("2"):
                errs[s.route] += 1
        return {
            r: (n, errs[r], p50, p95, p99)
            for r in sorted({s.route for s in self.samples})
            for n, p50, p95, p99 in [self.percentiles(r)]
        }


# --- the callers and what they may read ----------------------------------------------------------------------------


def login(client: httpx.Client, username: str, password: str) -> Caller:
    r = client.post("/auth/login", json={"username": username, "password": password})
    r.raise_for_status()
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    me = client.get("/me", headers=headers)
    me.raise_for_status()
    return Caller(username, headers, party_id=int(me.json()["party_id"]))


def discover(client: httpx.Client, caller: Caller, per_caller: int = 8) -> None:
    """What ``caller`` reads, found through the API: its loans, their pledges, the pledged assets; its lists."""
    for path in ("/loans", "/pledge-filings"):
        if client.get(path, headers=caller.headers).status_code == 200:
            caller.lists.add(path)
    loans = client.get("/loans", headers=caller.headers).json() if "/loans" in caller.lists else []
    caller.loans = [int(x["id"]) for x in loans][: per_caller * 4]
    caller.active_loans = [
        int(x["id"]) for x in loans if x["status"] == "active" and int(x["borrower_id"]) == caller.party_id
    ]
    for loan_id in caller.loans[:per_caller]:
        detail = client.get(f"/loans/{loan_id}", headers=caller.headers)
        if detail.status_code != 200:
            continue
        for pledge_id in detail.json()["pledge_ids"]:
            pledge = client.get(f"/pledges/{pledge_id}", headers=caller.headers)
            if pledge.status_code == 200:
                caller.pledges.append(int(pledge_id))
                caller.assets += [int(item["ip_asset_id"]) for item in pledge.json()["items"]]
    caller.assets = sorted(set(caller.assets))


def fund(client: httpx.Client, banks: dict[int, Caller], firms: Sequence[Caller], loans: dict[int, int]) -> None:
    """Each borrower's bank records repayment money for it (存入还款资金), once per borrower."""
    for firm in firms:
        if not firm.active_loans:
            continue
        bank = banks.get(loans[firm.active_loans[0]])
        if bank is None:
            firm.active_loans = []
            continue
        body = {"borrower_id": firm.party_id, "amount": "1000000.00"}
        headers = {**bank.headers, "Idempotency-Key": f"load-fund-{uuid.uuid4().hex}"}
        client.post("/deposits", json=body, headers=headers).raise_for_status()


def plan(callers: Sequence[Caller], n: int, seed: int, tag: str, mix: dict[str, int] | None = None) -> list[Call]:
    """``n`` requests drawn from ``mix`` (seeded); each by a caller that can make it, on one of its own records."""
    rng = np.random.default_rng(seed)
    mix = mix or MIX
    able: dict[str, list[Caller]] = {
        "GET /loans": [c for c in callers if "/loans" in c.lists],
        "GET /loans/{id}": [c for c in callers if c.loans],
        "GET /loans/{id}/payoff-quote": [c for c in callers if c.active_loans],
        "GET /ip-assets/{id}": [c for c in callers if c.assets],
        "GET /ip-assets/{id}/history": [c for c in callers if c.assets],
        "GET /pledges/{id}": [c for c in callers if c.pledges],
        "GET /pledge-filings": [c for c in callers if "/pledge-filings" in c.lists],
        "GET /me": list(callers),
        "POST /loans/{id}/repayments": [c for c in callers if c.active_loans],
    }
    routes = [r for r in mix if able.get(r)]
    weights = np.array([mix[r] for r in routes], dtype=float)
    picks = rng.choice(len(routes), size=n, p=weights / weights.sum())
    calls: list[Call] = []

    def one(xs: list[int]) -> int:
        return xs[int(rng.integers(len(xs)))]

    for i, k in enumerate(picks):
        route = routes[int(k)]
        who = able[route][int(rng.integers(len(able[route])))]
        if route == "GET /loans":
            calls.append(Call(route, "GET", "/loans", who.headers))
        elif route == "GET /loans/{id}":
            calls.append(Call(route, "GET", f"/loans/{one(who.loans)}", who.headers))
        elif route == "GET /loans/{id}/payoff-quote":
            calls.append(Call(route, "GET", f"/loans/{one(who.active_loans)}/payoff-quote", who.headers))
        elif route == "GET /ip-assets/{id}":
            calls.append(Call(route, "GET", f"/ip-assets/{one(who.assets)}", who.headers))
        elif route == "GET /ip-assets/{id}/history":
            calls.append(Call(route, "GET", f"/ip-assets/{one(who.assets)}/history", who.headers))
        elif route == "GET /pledges/{id}":
            calls.append(Call(route, "GET", f"/pledges/{one(who.pledges)}", who.headers))
        elif route == "GET /pledge-filings":
            calls.append(Call(route, "GET", "/pledge-filings", who.headers))
        elif route == "GET /me":
            calls.append(Call(route, "GET", "/me", who.headers))
        else:
            headers = {**who.headers, "Idempotency-Key": f"load-{tag}-{i:07d}"}
            body = {"amount": "1.00", "prepay": True}
            calls.append(Call(route, "POST", f"/loans/{one(who.active_loans)}/repayments", headers, body))
    return calls


# --- sending ------------------------------------------------------------------------------------------------------


def _status(exc: Exception) -> str:
    return "timeout" if isinstance(exc, httpx.TimeoutException) else type(exc).__name__


def serial(
    base: str, calls: Sequence[Call], timeout: float = 30.0, progress: tuple[Progress, TaskID] | None = None
) -> Result:
    """The baseline: the same kind of mix, one request at a time on one kept-alive connection."""
    samples: list[Sample] = []
    with httpx.Client(base_url=base, timeout=timeout) as client:
        started = time.perf_counter()
        for call in calls:
            t = time.perf_counter()
            try:
                r = client.request(call.method, call.path, headers=call.headers, json=call.body)
                status = str(r.status_code)
            except httpx.HTTPError as exc:
                status = _status(exc)
            samples.append(Sample(call.route, status, time.perf_counter() - t))
            if progress:
                progress[0].advance(progress[1])
        elapsed = time.perf_counter() - started
    return Result(samples, elapsed, 0.0)


async def _open_loop(
    base: str,
    calls: Sequence[Call],
    rate: float,
    timeout: float,
    max_in_flight: int,
    progress: tuple[Progress, TaskID] | None,
) -> Result:
    # Idle connections are dropped by the client before uvicorn's keep-alive timeout (5 s) closes them: the same 5 s
    # on both sides races, and a request sent on a connection the server is closing fails with a ReadError.
    limits = httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=max_in_flight, keepalive_expiry=2.0)
    samples: list[Sample] = []
    lags: list[float] = []
    pending: set[asyncio.Task[None]] = set()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        loop = asyncio.get_running_loop()
        in_flight = 0

        async def send(call: Call, due: float) -> None:
            nonlocal in_flight
            lags.append(loop.time() - due)
            try:
                r = await client.request(call.method, call.path, headers=call.headers, json=call.body)
                status = str(r.status_code)
            except httpx.HTTPError as exc:
                status = _status(exc)
            samples.append(Sample(call.route, status, loop.time() - due))
            in_flight -= 1
            if progress:
                progress[0].advance(progress[1])

        start = loop.time() + 0.1
        for i, call in enumerate(calls):
            due = start + i / rate  # by the clock, never by the previous answers
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            if in_flight >= max_in_flight:
                samples.append(Sample(call.route, "not sent", 0.0))
                if progress:
                    progress[0].advance(progress[1])
                continue
            in_flight += 1
            task = asyncio.create_task(send(call, due))
            pending.add(task)
            task.add_done_callback(pending.discard)
        while pending:
            await asyncio.gather(*list(pending))
        elapsed = loop.time() - start
    lag99 = float(np.percentile(lags, 99)) if lags else 0.0
    return Result(samples, elapsed, rate, lag99)


def open_loop(
    base: str,
    calls: Sequence[Call],
    rate: float,
    timeout: float = 30.0,
    max_in_flight: int = 512,
    progress: tuple[Progress, TaskID] | None = None,
) -> Result:
    """Send ``calls`` at ``rate`` per second by the clock (open loop); latency from each request's due time."""
    return asyncio.run(_open_loop(base, calls, rate, timeout, max_in_flight, progress))


# --- the server ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(url: str, workers: int, log_path: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """``ippledge serve`` on 127.0.0.1 (JSON request log to ``log_path``) until ready; yields (base URL, pid)."""
    port = free_port()
    args = [sys.executable, "-m", "ippledge.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--workers", str(workers), "--database-url", url, "--log-format", "json"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ippledge serve did not become ready:\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/ready", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (the uvicorn workers)."""
    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            t = p.cpu_times()
            total += t.user + t.system
    return total


# --- the book -----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_book(backend: str, postgres_url: str, tmp: Path, seed: int, days: int, firms: int) -> Iterator[str]:
    """A demo-like book in a fresh database (a private PostgreSQL schema, dropped afterwards, or a SQLite file)."""
    from ippledge.demo.main import run_demo

    schema = None
    if backend == "postgres":
        schema = f"load_{uuid.uuid4().hex[:10]}"
        admin = make_engine(postgres_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
        database_url = url.render_as_string(hide_password=False)
    else:
        database_url = f"sqlite:///{tmp / 'load.db'}"
    try:
        started = time.perf_counter()
        with console.status(f"building a demo book on {backend} ({days} days of lending, {firms} firms) ..."):
            run_demo(
                business_date(),
                seed=seed,
                console=Console(file=io.StringIO()),
                year_days=days,
                firms=firms,
                database_url=database_url,
            )
        console.print(f"book built on {backend} in {time.perf_counter() - started:.0f} s")
        yield database_url
    finally:
        if schema is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def usernames(database_url: str, banks: int = 3, firms_per_bank: int = 3) -> tuple[list[str], list[str], list[str]]:
    """(bank officers, borrower admins, regulator analysts) of the book: banks with active loans, their borrowers."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as s:
            by_bank: dict[int, list[int]] = defaultdict(list)
            for loan in lending.loans(s, "active"):
                if loan.borrower_id not in by_bank[loan.bank_id]:
                    by_bank[loan.bank_id].append(loan.borrower_id)
            chosen = sorted(by_bank, key=lambda b: -len(by_bank[b]))[:banks]
            officers = [u for b in chosen if (u := parties.first_username_with_suffix(s, b, "officer"))]
            admins = [
                u
                for b in chosen
                for f in by_bank[b][:firms_per_bank]
                if (u := parties.first_username_with_suffix(s, f, "admin"))
            ]
            regulator = [u for u in ["regulator.analyst"] if parties.principal_of(s, u) is not None]
    finally:
        engine.dispose()
    return officers, admins, regulator


def prepare(base: str, bank_users: list[str], borrowers: list[str], others: list[str], password: str) -> list[Caller]:
    """Log everyone in, find what each reads, have the banks fund their borrowers' repayments; the plan's callers."""
    with httpx.Client(base_url=base, timeout=60) as client:
        banks = [login(client, u, password) for u in bank_users]
        firms = [login(client, u, password) for u in borrowers]
        rest = [login(client, u, password) for u in others]
        callers = banks + firms + rest
        for c in callers:
            discover(client, c)
        loan_bank = {
            int(x["id"]): int(x["bank_id"]) for f in firms for x in client.get("/loans", headers=f.headers).json()
        }
        fund(client, {b.party_id: b for b in banks}, firms, loan_bank)
    return callers


# --- the report ---------------------------------------------------------------------------------------------------


def report(backend: str, workers: int, serial_result: Result, load: Result, cpu: float, loads: list[str]) -> None:
    def row(label: str, n: int, errors: int, p50: float, p95: float, p99: float) -> str:
        return f"    {label:<30} {n:>6} {errors:>6} {p50:>9.1f} {p95:>9.1f} {p99:>9.1f}"

    n = len(load.samples)
    print(f"api_load: backend {backend}, {workers} worker process(es), {os.cpu_count()} CPUs")
    print(f"  load average (1/5/15 min): {' -> '.join(loads)}  (other processes share this machine)")
    print(
        f"  open loop  : {load.offered:.0f} req/s offered for {n / load.offered:.0f} s ({n:,} requests); achieved "
        f"{load.achieved():.1f} req/s ({len(load.ok()):,} answered 2xx in {load.elapsed:.1f} s); generator send "
        f"lag p99 {load.send_lag_p99 * 1000:.1f} ms"
    )
    errors = load.errors()
    print("  errors     : " + (", ".join(f"{k} x{v}" for k, v in sorted(errors.items())) if errors else "none"))
    answered = sum(1 for s in load.samples if s.status != "not sent")
    print(f"  server CPU : {cpu:.1f} s = {cpu / max(1, answered) * 1000:.1f} ms per request answered")
    print(f"    {'route':<30} {'n':>6} {'errors':>6} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}")
    for route, (k, e, p50, p95, p99) in load.by_route().items():
        print(row(route, k, e, p50, p95, p99))
    k, p50, p95, p99 = load.percentiles()
    print(row("overall", k, sum(errors.values()), p50, p95, p99))
    sk, s50, s95, s99 = serial_result.percentiles()
    print(
        f"  baseline   : {sk} requests one at a time: {serial_result.achieved():.1f} req/s, p50 {s50:.1f} ms, "
        f"p95 {s95:.1f} ms, p99 {s99:.1f} ms; errors: {dict(serial_result.errors()) or 'none'}"
    )
    ratio = load.achieved() / serial_result.achieved() if serial_result.achieved() else 0.0
    print(
        f"  ratio      : throughput {ratio:.2f}x the serial rate; p50 {p50 / s50 if s50 else 0:.1f}x and "
        f"p99 {p99 / s99 if s99 else 0:.1f}x the serial latencies"
    )


def loadavg() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def run_backend(args: argparse.Namespace, backend: str, tmp: Path) -> bool:
    workers = args.workers if backend == "postgres" else 1
    with fresh_book(backend, args.postgres_url, tmp, args.seed, args.days, args.firms) as url:
        officers, admins, regulator = usernames(url)
        env = {"IPPLEDGE_ADMISSION_LIMIT": str(args.admission)} if args.admission else {}
        with serving(url, workers, tmp / f"serve-{backend}.log", env) as (base, pid):
            callers = prepare(base, officers, admins, regulator, DEMO_PASSWORD)
            n = int(args.rate * args.duration)
            warm = plan(callers, 100, args.seed + 2, f"{backend}-warm")
            serial(base, warm)  # first requests pay imports and caches
            base_calls = plan(callers, args.serial, args.seed + 1, f"{backend}-serial-{uuid.uuid4().hex[:6]}")
            calls = plan(callers, n, args.seed, f"{backend}-load-{uuid.uuid4().hex[:6]}")
            with Progress(*COLUMNS, console=console, transient=True, refresh_per_second=2) as bar:
                task = bar.add_task(f"{backend}: serial baseline", total=len(base_calls))
                serial_result = serial(base, base_calls, args.timeout, (bar, task))
                task = bar.add_task(f"{backend}: open loop at {args.rate:g}/s", total=len(calls))
                loads = [loadavg()]
                cpu0 = cpu_seconds(pid)
                load = open_loop(base, calls, args.rate, args.timeout, args.max_in_flight, (bar, task))
                cpu = cpu_seconds(pid) - cpu0
                loads.append(loadavg())
    console.print(f"{len(callers)} callers: {', '.join(c.username for c in callers)}")
    report(backend, workers, serial_result, load, cpu, loads)
    return not load.errors() and not serial_result.errors()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second offered (default 200)")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    ap.add_argument("--workers", type=int, default=2, help="server processes on PostgreSQL (default 2)")
    ap.add_argument("--postgres-url", default=DEFAULT_PG, help=f"a database to make a private schema in ({DEFAULT_PG})")
    ap.add_argument("--serial", type=int, default=300, help="requests of the serial baseline (default 300)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds a request may take (default 30)")
    ap.add_argument("--max-in-flight", type=int, default=512, help="outstanding requests at most (default 512)")
    ap.add_argument(
        "--admission", type=int, default=0, help="IPPLEDGE_ADMISSION_LIMIT for the server (default: its own)"
    )
    ap.add_argument("--days", type=int, default=120, help="days of lending in the book (default 120)")
    ap.add_argument("--firms", type=int, default=14, help="borrowing firms in the book (default 14)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="50 requests/s for 10 s on a 60-day book")
    args = ap.parse_args(argv)
    if args.quick:
        args.rate, args.duration, args.days, args.serial = 50.0, 10.0, 60, 100
    wire()
    configure_hasher(time_cost=1, memory_cost_kib=8)  # the book's users: logins are not what is measured
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for backend in ["postgres", "sqlite"] if args.backend == "both" else [args.backend]:
            ok = run_backend(args, backend, Path(tmp)) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
