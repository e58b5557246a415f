"""Production serving (生产部署): ``ippledge serve --workers N`` with a connection budget shared by the workers.

Each uvicorn worker is a process with its own engine and pool, built by ``ippledge.app:app_from_env`` from the
environment, so the settings travel as environment variables. PostgreSQL refuses connections past its
``max_connections`` (100 by default): the budget ``IPPLEDGE_DB_MAX_CONNECTIONS`` (default 80, leaving room for the
relay, the close and an operator's psql) is split evenly, half kept open, half as overflow.
"""

from __future__ import annotations

import os

import typer

DEFAULT_CONNECTION_BUDGET = 80


def pool_for(workers: int, budget: int) -> tuple[int, int]:
    """(pool_size, max_overflow) per worker so that ``workers`` pools together stay within ``budget`` connections."""
    per_worker = max(2, budget // workers)
    size = max(1, per_worker // 2)
    return size, per_worker - size


def serve(host: str, port: int, database_url: str | None, workers: int, log_format: str) -> None:
    import uvicorn

    from ippledge.cmd.options import settings_for
    from ippledge.web.request_log import configure_logging

    if log_format not in ("json", "text"):
        raise typer.BadParameter("--log-format is json or text")
    settings = settings_for(database_url)
    sqlite = settings.database_url.startswith("sqlite")
    if workers > 1 and sqlite:
        # SQLite takes one writer at a time; several processes would queue on its lock and time out under load.
        raise typer.BadParameter("--workers above 1 needs PostgreSQL (IPPLEDGE_DATABASE_URL)")
    os.environ["IPPLEDGE_DATABASE_URL"] = settings.database_url
    if not sqlite:
        budget = int(os.environ.get("IPPLEDGE_DB_MAX_CONNECTIONS", str(DEFAULT_CONNECTION_BUDGET)))
        size, overflow = pool_for(workers, budget)
        os.environ.setdefault("IPPLEDGE_DB_POOL_SIZE", str(size))
        os.environ.setdefault("IPPLEDGE_DB_MAX_OVERFLOW", str(overflow))
    os.environ["IPPLEDGE_LOG_FORMAT"] = log_format
    configure_logging(log_format)
    uvicorn.run(
        "ippledge.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,  # keep the handlers configure_logging set (uvicorn would replace them)
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        timeout_graceful_shutdown=30,
    )
