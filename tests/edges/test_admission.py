"""Admission (准入限流): fewer requests inside the application than worker threads; /health is never queued."""

from __future__ import annotations

from typing import Any

import anyio
import anyio.to_thread
import pytest
from anyio import wait_all_tasks_blocked
from anyio.lowlevel import checkpoint

from ippledge.web.admission import RESERVE_THREADS, Admission


def test_requests_beyond_the_limit_wait_outside_and_health_passes() -> None:
    async def main() -> None:
        release = anyio.Event()
        inside: list[str] = []

        async def app(scope: Any, receive: Any, send: Any) -> None:
            inside.append(scope["path"])
            if scope["path"] != "/health":
                await release.wait()
            await checkpoint()

        gate = Admission(app)
        threads = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
        assert gate.limit() == threads - RESERVE_THREADS
        async with anyio.create_task_group() as tg:
            for i in range(threads * 2):
                tg.start_soon(gate, {"type": "http", "path": f"/loans/{i}"}, None, None)
            await wait_all_tasks_blocked()
            assert len(inside) == gate.limit()  # the rest wait before the application, holding nothing
            await gate({"type": "http", "path": "/health"}, None, None)  # answered while the gate is full
            assert inside[-1] == "/health"
            release.set()
        assert len(inside) == threads * 2 + 1  # every request got in once the first ones finished

    anyio.run(main)


def test_a_limit_as_large_as_the_thread_pool_is_refused() -> None:
    async def main() -> None:
        threads = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
        with pytest.raises(ValueError, match="below the worker threads"):
            Admission(lambda *_: None, limit=threads).limit()  # type: ignore[arg-type,return-value]

    anyio.run(main)


def test_the_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, engine: Any) -> None:
    from ippledge.app import create_app
    from ippledge.config import WORKER_THREADS, Settings

    monkeypatch.delenv("IPPLEDGE_ADMISSION_LIMIT", raising=False)
    assert Settings.from_env().admission_limit is None  # the default: the worker threads less RESERVE_THREADS
    monkeypatch.setenv("IPPLEDGE_ADMISSION_LIMIT", "6")
    settings = Settings.from_env()
    assert settings.admission_limit == 6
    app = create_app(settings, engine=engine)
    gates = [m for m in app.user_middleware if m.cls is Admission]
    assert len(gates) == 1 and gates[0].kwargs == {"limit": 6}

    async def main() -> None:
        assert Admission(lambda *_: None, limit=6).limit() == 6  # type: ignore[arg-type,return-value]

    anyio.run(main)
    for bad in ("0", "-3", str(WORKER_THREADS), "1000"):
        monkeypatch.setenv("IPPLEDGE_ADMISSION_LIMIT", bad)
        with pytest.raises(ValueError, match="IPPLEDGE_ADMISSION_LIMIT"):
            Settings.from_env()
