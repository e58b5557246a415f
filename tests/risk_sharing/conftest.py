"""Fixtures of the risk-sharing tests: a loan desk with a compensation fund (see ``factories.RiskDesk``)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.risk_sharing.factories import RiskDesk


@pytest.fixture
def risk_desk(world: Any, app: Any, session_factory: sessionmaker[Session]) -> RiskDesk:
    """A bank, a borrower with 50m revenue, and a fund with a reviewer, an approver and one user with both roles."""
    return RiskDesk(world, app, session_factory)
