"""Settings (配置) read from the environment once, at the edge."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("var") / "ippledge.db"


def _default_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


WORKER_THREADS = 40  # anyio's default thread limiter: the threads sync routes and dependencies run on


def _admission_limit(number: Callable[[str, int], int]) -> int | None:
    """IPPLEDGE_ADMISSION_LIMIT, refused at start when it would admit as many requests as there are worker threads
    (decision 0017: a request holding a lock must always find a thread to commit)."""
    if not os.environ.get("IPPLEDGE_ADMISSION_LIMIT"):
        return None
    limit = number("IPPLEDGE_ADMISSION_LIMIT", 0)
    if limit >= WORKER_THREADS:
        raise ValueError(f"IPPLEDGE_ADMISSION_LIMIT must be below the {WORKER_THREADS} worker threads, not {limit}")
    return limit


@dataclass(frozen=True)
class Settings:
    """What the running platform needs to know; everything else is data in the database."""

    database_url: str = field(default_factory=_default_url)
    token_ttl_minutes: int = 8 * 60
    bulk_query_limit: int = 10_000
    # PostgreSQL connections per process (each server worker has its own pool); `ippledge serve --workers N` sizes
    # them from IPPLEDGE_DB_MAX_CONNECTIONS so that N pools stay under the server's max_connections.
    db_pool_size: int = 20
    db_max_overflow: int = 60
    # Requests admitted into the application at once per process (decision 0017); None: the worker threads less 8.
    admission_limit: int | None = None
    # Login throttling (登录限速): failures in a row before logins pause, per account and per source address; the
    # first pause, doubling per further failure up to the longest; how long after the last failure (or the end of the
    # pause) the count is forgotten.
    login_account_threshold: int = 5
    login_address_threshold: int = 20
    login_lock_base_seconds: int = 30
    login_lock_max_seconds: int = 3600
    login_window_seconds: int = 900
    password_min_length: int = 10
    api_key_max_days: int = 365  # every API key expires, by default and at most this many days after it is made
    # IPPLEDGE_SECRET_KEY: seals webhook signing secrets at rest (delivery.sealing); None refuses to store them.
    secret_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls) -> Settings:
        def number(name: str, default: int) -> int:
            value = int(os.environ.get(name, str(default)))
            if value < 1:
                raise ValueError(f"{name} must be a positive whole number, not {value}")
            return value

        return cls(
            database_url=os.environ.get("IPPLEDGE_DATABASE_URL") or _default_url(),
            db_pool_size=number("IPPLEDGE_DB_POOL_SIZE", cls.db_pool_size),
            db_max_overflow=int(os.environ.get("IPPLEDGE_DB_MAX_OVERFLOW", "60")),
            admission_limit=_admission_limit(number),
            token_ttl_minutes=number("IPPLEDGE_TOKEN_TTL_MINUTES", 480),
            login_account_threshold=number("IPPLEDGE_LOGIN_ACCOUNT_THRESHOLD", cls.login_account_threshold),
            login_address_threshold=number("IPPLEDGE_LOGIN_ADDRESS_THRESHOLD", cls.login_address_threshold),
            login_lock_base_seconds=number("IPPLEDGE_LOGIN_LOCK_BASE_SECONDS", cls.login_lock_base_seconds),
            login_lock_max_seconds=number("IPPLEDGE_LOGIN_LOCK_MAX_SECONDS", cls.login_lock_max_seconds),
            login_window_seconds=number("IPPLEDGE_LOGIN_WINDOW_SECONDS", cls.login_window_seconds),
            password_min_length=number("IPPLEDGE_PASSWORD_MIN_LENGTH", cls.password_min_length),
            api_key_max_days=number("IPPLEDGE_API_KEY_MAX_DAYS", cls.api_key_max_days),
            secret_key=os.environ.get("IPPLEDGE_SECRET_KEY") or None,
        )
