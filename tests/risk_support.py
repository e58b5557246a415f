"""Shared values for the risk-sharing tests."""

from __future__ import annotations

from ippledge.risk_sharing.model import Jurisdiction, Level

JURISDICTION = Jurisdiction("测试市", "Test City", Level.CITY)
