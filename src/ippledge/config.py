"""Settings (配置) read from the environment once, at the edge."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("var") / "ippledge.db"


def _default_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


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

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("IPPLEDGE_DATABASE_URL") or _default_url(),
            token_ttl_minutes=int(os.environ.get("IPPLEDGE_TOKEN_TTL_MINUTES", "480")),
            db_pool_size=int(os.environ.get("IPPLEDGE_DB_POOL_SIZE", "20")),
            db_max_overflow=int(os.environ.get("IPPLEDGE_DB_MAX_OVERFLOW", "60")),
        )
