"""Fixtures for the register tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.registry.factories import Register


@pytest.fixture
def reg(world: Any) -> Register:
    """A registry with an officer, built per test."""
    return Register(world)
