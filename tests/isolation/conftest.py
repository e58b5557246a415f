"""The isolation world, built once per run of the isolation tests (the demo's market and year, about 20 s)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import Principal
from ippledge.db import make_engine, make_session_factory
from tests.conftest import TEST_SECRET_KEY
from tests.isolation.world import TODAY, Caller, add_second_parties, add_webhooks_and_keys, build_demo, login_all


@dataclass
class Iso:
    client: TestClient
    factory: sessionmaker[Session]
    callers: list[Caller]
    spec: dict[str, Any]

    @staticmethod
    def principal(c: Caller) -> Principal:
        return Principal(c.party_id, c.kind, c.roles, user_id=None, name=c.username)


@pytest.fixture(scope="package")
def iso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Iso]:
    from ippledge.app import create_app
    from ippledge.config import Settings
    from ippledge.web.deps import business_date

    url = build_demo(tmp_path_factory.mktemp("isolation") / "isolation.db")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    add_second_parties(factory)
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET_KEY), engine=engine)
    app.dependency_overrides[business_date] = lambda: TODAY
    with TestClient(app) as client:
        callers = login_all(factory, client)
        add_webhooks_and_keys(client, callers)
        yield Iso(client, factory, callers, app.openapi())
    engine.dispose()
