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
    # IPPLEDGE_SECRET_KEY: seals webhook signing secrets at rest (delivery.sealing); None refuses to store them.
    secret_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("IPPLEDGE_DATABASE_URL") or _default_url(),
            token_ttl_minutes=int(os.environ.get("IPPLEDGE_TOKEN_TTL_MINUTES", "480")),
            secret_key=os.environ.get("IPPLEDGE_SECRET_KEY") or None,
        )
