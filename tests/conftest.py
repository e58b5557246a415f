"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when IPPLEDGE_TEST_POSTGRES_URL is set).

Tests that take ``engine`` (or anything built on it) run once per backend. PostgreSQL tests use a private schema
per test run, so parallel runs on one server do not collide.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.credentials import configure_hasher
from ippledge.bootstrap import wire
from ippledge.db import make_engine, make_session_factory
from ippledge.delivery.sealing import new_key
from ippledge.migrations.schema import metadata
from ippledge.migrations.tools import seed, upgrade

PG_URL = os.environ.get("IPPLEDGE_TEST_POSTGRES_URL")
# One webhook-sealing key per run, for the app fixture and the commands the tests invoke (events deliver).
TEST_SECRET_KEY = os.environ.setdefault("IPPLEDGE_SECRET_KEY", new_key())

# Production argon2 costs ~0.1 s a hash; tests create hundreds of users.
configure_hasher(time_cost=1, memory_cost_kib=8)
wire()  # the composition root, as every entry point calls it
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    if not PG_URL:
        pytest.skip("IPPLEDGE_TEST_POSTGRES_URL not set")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _truncate_pg(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text("DROP TABLE IF EXISTS sim_truth"))  # the simulator's own table, made on demand
    seed(engine)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        pg: Engine = request.getfixturevalue("pg_engine")
        _truncate_pg(pg)
        yield pg


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for arranging and checking; commit explicitly when a test needs the data visible elsewhere."""
    with session_factory() as s:
        yield s


@pytest.fixture
def app(engine: Engine):  # type: ignore[no-untyped-def]
    from ippledge.app import create_app
    from ippledge.config import Settings

    return create_app(Settings(database_url=str(engine.url), secret_key=TEST_SECRET_KEY), engine=engine)


@pytest.fixture
def client(app) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def world(session_factory, client):  # type: ignore[no-untyped-def]
    from tests.access.factories import World

    return World(session_factory, client)


@pytest.fixture
def database_url(engine: Engine) -> str:
    """The test database as a URL for the command line (``--database-url``), including the PostgreSQL test schema."""
    url = engine.url
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.scalar(text("SELECT current_schema()"))
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)
