"""Schema management (数据库迁移): Alembic upgrade, the initial-migration generator and reference seeds."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, insert, select

from ippledge.access.audit_chain import GENESIS
from ippledge.access.tables import AuditHead
from ippledge.db import make_engine
from ippledge.outbox.events import OutboxHead


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("ippledge") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolation
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision and make sure the seed rows exist."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    seed(engine)


def schema_revisions(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's revision, the code's head revision): equal when the schema is up to date."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(
        alembic_config(engine.url.render_as_string(hide_password=False))
    ).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head


def seed(engine: Engine) -> None:
    with engine.begin() as conn:
        if conn.execute(select(AuditHead.id).where(AuditHead.id == 1)).first() is None:
            conn.execute(insert(AuditHead).values(id=1, seq=0, hash=GENESIS))
        if conn.execute(select(OutboxHead.id).where(OutboxHead.id == 1)).first() is None:
            conn.execute(insert(OutboxHead).values(id=1, seq=0))
        from ippledge.credit.lpr import seed_rows as seed_lpr

        seed_lpr(conn)
        from ippledge.risk_sharing.schemes.service import seed_rows as seed_schemes

        seed_schemes(conn)


def regenerate_initial() -> None:
    """Rewrite ``0001_initial`` from the models. Only while no database outside development exists."""
    versions = Path(str(resources.files("ippledge") / "migrations" / "versions"))
    for old in versions.glob("0001_*.py"):
        old.unlink()
    tmp = Path("var") / "migration-scratch.db"
    tmp.parent.mkdir(exist_ok=True)
    tmp.unlink(missing_ok=True)
    url = f"sqlite:///{tmp}"
    cfg = alembic_config(url)
    command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
    tmp.unlink(missing_ok=True)
    for new in versions.glob("0001_*.py"):
        new.rename(versions / "0001_initial.py")


if __name__ == "__main__":
    if sys.argv[1:] == ["regenerate-initial"]:
        regenerate_initial()
    elif sys.argv[1:2] == ["upgrade"]:
        upgrade(make_engine(sys.argv[2]))
    else:
        raise SystemExit("usage: python -m ippledge.migrations.tools regenerate-initial | upgrade URL")
