"""Fixtures of the disposal tests: the risk-sharing desk (a bank, a borrower, a fund, an insurer)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.risk_sharing.factories import RiskDesk


@pytest.fixture
def risk_desk(world: Any, app: Any, session_factory: sessionmaker[Session]) -> RiskDesk:
    return RiskDesk(world, app, session_factory)
