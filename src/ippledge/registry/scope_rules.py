"""Who reads which register rows (登记簿数据范围), registered once with ``access.scope``.

Register readers (registry, regulator, platform, banks, guarantors — banks check collateral) read every IP's register
facts and every enterprise profile; an enterprise reads only the IP it owns or co-owns and its own profile. Anything
else is *not found*.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from ippledge.access import scope
from ippledge.access.model import REGISTER_READERS, Principal
from ippledge.registry.tables import Enterprise, IpAsset, IpOwner


def _owns(principal: Principal) -> Any:
    return exists(
        select(IpOwner.ip_asset_id).where(IpOwner.ip_asset_id == IpAsset.id, IpOwner.party_id == principal.party_id)
    )


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(
        IpAsset,
        scope.ScopeRule(
            party_columns=(), readers=REGISTER_READERS, what_zh="知识产权", what_en="IP asset", custom=_owns
        ),
    )
    scope.register(
        Enterprise,
        scope.ScopeRule(party_columns=("party_id",), readers=REGISTER_READERS, what_zh="企业", what_en="enterprise"),
    )
