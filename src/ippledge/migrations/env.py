"""Alembic environment: configured in code (``ippledge.migrations.tools``), no alembic.ini needed."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from ippledge.db import make_engine
from ippledge.migrations.schema import include_name, metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


existing = config.attributes.get("connection")
if existing is not None:
    _run(existing)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
