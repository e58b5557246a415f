"""Who sees bank organisation rows (银行机构数据范围): registered with ``access.scope`` by the composition root.

A bank's units are its own; the platform and the regulator (who counts the 特色支行) read all.
"""

from __future__ import annotations

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.access.tables import BankBranch

OVERSEERS = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(BankBranch, scope.ScopeRule(("bank_id",), OVERSEERS, "银行机构", "bank branch"))
