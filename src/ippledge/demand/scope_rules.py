"""Who sees demands (融资需求数据范围): the firm itself; the platform operator and the regulator read all."""

from __future__ import annotations

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.demand.tables import Demand

OVERSEERS = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(Demand, scope.ScopeRule(("enterprise_id",), OVERSEERS, "融资需求", "demand"))
