"""Who sees whitelist pushes (白名单推送数据范围): registered with ``access.scope`` by the composition root.

A push and its firms are the bank's they were pushed to; the platform operator and the regulator read all. Lists and
criteria belong to no party: the platform and the regulator read them, nobody else (the service answers others 403
before any lookup, for a list that exists and one that does not alike).
"""

from __future__ import annotations

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.whitelist.tables import PushItem, Whitelist, WhitelistCriteria, WhitelistPush

OVERSEERS = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(WhitelistPush, scope.ScopeRule(("bank_id",), OVERSEERS, "白名单推送", "whitelist push"))
    scope.register(Whitelist, scope.ScopeRule((), OVERSEERS, "白名单", "whitelist"))
    scope.register(WhitelistCriteria, scope.ScopeRule((), OVERSEERS, "白名单标准", "whitelist criteria"))
    scope.register(PushItem, scope.ScopeRule(("bank_id",), OVERSEERS, "推送企业", "pushed firm"))
