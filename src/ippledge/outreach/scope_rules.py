"""Who sees sign-ups (活动报名数据范围): registered with ``access.scope`` by the composition root.

A sign-up is the firm's; the platform operator and the regulator (the organisers) read all. Banks see no sign-up:
they get their follow-up tasks as whitelist pushes (``whitelist.scope_rules``: the receiving bank's). Events
themselves are announcements every party may read.
"""

from __future__ import annotations

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.outreach.tables import OutreachSignup

OVERSEERS = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(OutreachSignup, scope.ScopeRule(("enterprise_id",), OVERSEERS, "活动报名", "event sign-up"))
