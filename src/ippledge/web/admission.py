"""Admission (准入限流): fewer requests inside the application at once than it has worker threads.

Sync routes and dependencies run on the event loop's worker thread pool (anyio's default limiter, 40 threads), one
step at a time: the session's first query holds a connection and, for a write, row locks, and the request then waits
for a thread again (for the next dependency, the route, the response validation) before its transaction commits. If
every thread is taken by requests blocked on that lock or on a pool connection, the holder never gets its thread
back: the whole server hangs (issue 11: 40 connections waiting on the pledge registration counter, its holder idle in
transaction). Each request uses at most one pool thread at a time, so admitting fewer requests than there are threads
guarantees a free thread for whoever holds a lock; the rest queue here, holding nothing. See decision 0017.
"""

from __future__ import annotations

import asyncio

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

RESERVE_THREADS = 8  # threads never handed to admitted requests: /health and the requests' own progress
EXEMPT_PATHS = frozenset({"/health"})  # liveness touches no database and must answer under any load


class Admission:
    """ASGI middleware admitting at most ``threads - RESERVE_THREADS`` HTTP requests at a time (FIFO)."""

    def __init__(self, app: ASGIApp, limit: int | None = None) -> None:
        self.app = app
        self._limit = limit
        self._gates: dict[asyncio.AbstractEventLoop, tuple[anyio.Semaphore, int]] = {}

    def limit(self) -> int:
        """The number admitted at once on this event loop."""
        return self._gate()[1]

    def _gate(self) -> tuple[anyio.Semaphore, int]:
        loop = asyncio.get_running_loop()  # one gate per event loop (a test client may start several)
        gate = self._gates.get(loop)
        if gate is None:
            threads = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
            limit = self._limit or max(1, threads - RESERVE_THREADS)
            if limit >= threads:
                raise ValueError(f"admission limit {limit} must be below the worker threads ({threads})")
            gate = (anyio.Semaphore(limit), limit)
            self._gates = {loop: gate}
        return gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        async with self._gate()[0]:
            await self.app(scope, receive, send)
