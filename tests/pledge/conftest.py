"""Shared pledge fixtures: the joint-filing scene of ``test_api`` for the other API test modules."""

from tests.pledge.test_api import scene  # noqa: F401
