"""Who sees gateway rows (数据授权范围): registered with ``access.scope`` by the composition root.

A consent is the firm's and its grantee's; an access-log row is the firm's (whose data was read) and the reader's.
The regulator reads all (oversight of data use); the platform operator reads neither: it is no party to a consent.
"""

from __future__ import annotations

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.gateway.tables import GatewayAccess, GatewayConsent

OVERSEERS = frozenset({PartyKind.REGULATOR})


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(GatewayConsent, scope.ScopeRule(("firm_id", "grantee_id"), OVERSEERS, "数据授权", "consent"))
    scope.register(GatewayAccess, scope.ScopeRule(("firm_id", "reader_id"), OVERSEERS, "数据访问记录", "access record"))
