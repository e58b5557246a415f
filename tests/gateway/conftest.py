"""Fixtures of the gateway tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ippledge.gateway.fakes import FAKE
from tests.gateway.factories import GatewayDesk


@pytest.fixture
def desk(world: Any, app: Any, session_factory: sessionmaker[Session]) -> Iterator[GatewayDesk]:
    yield GatewayDesk(world, app, session_factory)
    FAKE.clear()
