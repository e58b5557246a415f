"""Hot rows (热点行): 200 concurrent writes on one patent, one loan and one fund pool, against a real HTTP server.

The server is uvicorn in this process with the application's own worker thread pool, so a request that holds a row
lock while it waits for a worker thread (the PostgreSQL hang of issue 11: 40 requests blocked on a lock, the holder
idle in transaction waiting for one of those 40 threads) would stall it here. While the storm runs, a watcher keeps
calling ``/health`` and ``/auth/login``: each must answer. No timing is asserted; a generous overall limit only turns
a hang into a failure.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from ippledge.ledger.tables import JournalEntry
from ippledge.lending.tables import LoanRepayment
from tests.access.factories import PASSWORD
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk

N = 200
GUARD_S = 600  # a hang fails the test instead of blocking the suite; not a performance bound

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("engine", ["postgres"], indirect=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on 127.0.0.1 in a background thread (the same event loop and thread pool as
    ``ippledge serve``)."""
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        assert thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=30)


def _storm(base: str, calls: list[tuple[str, dict[str, str], Any]], login_as: str) -> tuple[list[httpx.Response], dict]:
    """Fire ``calls`` (url, headers, json) at once; meanwhile call /health and /auth/login until they are done."""
    done = threading.Event()
    seen: dict[str, list[int]] = {"health": [], "login": [], "health_during": []}

    def watch() -> None:
        with httpx.Client(base_url=base, timeout=GUARD_S) as c:
            while not done.is_set():
                h = c.get("/health")
                seen["health"].append(h.status_code)
                if not done.is_set():
                    seen["health_during"].append(h.status_code)
                r = c.post("/auth/login", json={"username": login_as, "password": PASSWORD})
                seen["login"].append(r.status_code)
                time.sleep(0.05)

    barrier = threading.Barrier(len(calls))

    def call(spec: tuple[str, dict[str, str], Any]) -> httpx.Response:
        url, headers, body = spec
        with httpx.Client(base_url=base, timeout=GUARD_S) as c:
            barrier.wait()
            return c.post(url, json=body, headers=headers)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(call, spec) for spec in calls]
        responses = [f.result(timeout=GUARD_S) for f in futures]  # every request finishes
    done.set()
    watcher.join(timeout=GUARD_S)
    return responses, seen


def _answered_throughout(seen: dict[str, list[int]]) -> None:
    assert seen["health_during"], "no /health call was answered while the storm ran"
    assert set(seen["health"]) == {200}, seen
    assert seen["login"] and set(seen["login"]) == {200}, seen


def _username(actor: Any) -> str:
    return str(actor.user.username)


def _count(factory: Any, stmt: Any) -> int:
    with factory() as s:
        return int(s.scalar(stmt) or 0)


def test_two_hundred_registrations_of_one_patent(engine, world, app, server, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    deal = d.approved()
    url = f"/pledge-filings/{deal.filing_id}/register"
    responses, seen = _storm(server, [(url, d.registry.headers, None)] * N, _username(d.bank.officer))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (N - 1), statuses  # registered once, every other decision refused
    _answered_throughout(seen)


def test_two_hundred_repayments_of_one_loan(engine, world, app, server, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    lid = d.active_loan()
    d.deposit("100000")
    keys = [f"hot-repay-{i:04d}" for i in range(N // 2)]
    calls = [
        (f"/loans/{lid}/repayments", {**d.firm.headers, "Idempotency-Key": k}, {"amount": "10.00", "prepay": True})
        for k in keys
    ]
    responses, seen = _storm(server, calls * 2, _username(d.firm))  # every key sent twice: a retry racing its first
    assert {r.status_code for r in responses} == {201}, {r.text for r in responses if r.status_code != 201}
    by_key: dict[str, set[str]] = {}
    for (_, headers, _), r in zip(calls * 2, responses, strict=True):
        by_key.setdefault(headers["Idempotency-Key"], set()).add(r.text)
    assert all(len(bodies) == 1 for bodies in by_key.values())  # the retry answers the first result
    assert _count(session_factory, select(func.count()).where(LoanRepayment.loan_id == lid)) == N // 2
    _answered_throughout(seen)
    assert_ledger_ok(session_factory, loans=1)


def test_two_hundred_contributions_to_one_pool(engine, world, app, server, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    d.scheme_with_pool("1000000")
    before = d.pool_balance()
    calls = [
        (
            "/risk-pools/test-city/contributions",
            {**d.fund_approver.headers, "Idempotency-Key": f"hot-pool-{i:04d}"},
            {"amount": "1.00"},
        )
        for i in range(N)
    ]
    responses, seen = _storm(server, calls, _username(d.fund_approver))
    assert {r.status_code for r in responses} == {201}, {r.text for r in responses if r.status_code != 201}
    assert d.pool_balance() == before + Decimal(N)
    contributions = select(func.count()).where(JournalEntry.kind == "risk.contribution")
    assert _count(session_factory, contributions) == N + 1
    _answered_throughout(seen)
