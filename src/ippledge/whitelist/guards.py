"""Who may act on whitelists (白名单操作权限): the platform operator writes; the platform and the regulator oversee."""

from __future__ import annotations

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.whitelist import errors


def require_operator(principal: Principal) -> None:
    if principal.party_kind is not PartyKind.PLATFORM or not principal.roles & {Role.OPERATOR, Role.ADMIN}:
        raise errors.OPERATOR_ONLY()


def require_overseer(principal: Principal) -> None:
    if principal.party_kind not in (PartyKind.PLATFORM, PartyKind.REGULATOR):
        raise errors.OVERSEER_ONLY()
