"""Who sees whitelist pushes (白名单推送数据范围): registered with ``access.scope`` by the composition root.

A push and its firms are the bank's they were pushed to; the platform operator and the regulator read all. Lists and
criteria are read by the platform and the regulator only (a role rule in the service), so they have no party rule.
"""

from __future__ import annotations

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.whitelist.tables import PushItem, WhitelistPush

OVERSEERS = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(WhitelistPush, scope.ScopeRule(("bank_id",), OVERSEERS, "白名单推送", "whitelist push"))
    scope.register(PushItem, scope.ScopeRule(("bank_id",), OVERSEERS, "推送企业", "pushed firm"))
