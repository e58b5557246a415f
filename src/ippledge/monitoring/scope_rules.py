"""Who sees monitoring rows (贷后监测数据范围): registered with ``access.scope`` by the composition root.

A watch-list entry and an alert are the lending bank's; the platform operator and the regulator read all. The fund,
insurer and borrower hear alerts through their event feed, not through these lists.
"""

from __future__ import annotations

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.monitoring.tables import MonitoringAction, MonitoringAlert, WatchEntry

OVERSEERS = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(WatchEntry, scope.ScopeRule(("bank_id",), OVERSEERS, "关注名单条目", "watch-list entry"))
    scope.register(MonitoringAlert, scope.ScopeRule(("bank_id",), OVERSEERS, "监测预警", "monitoring alert"))
    scope.register(MonitoringAction, scope.ScopeRule(("bank_id",), OVERSEERS, "贷后措施", "post-loan action"))
