"""Register guards (登记簿校验): who writes the register, and the pledgee-consent rule for pledged IP."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.registry import errors
from ippledge.registry.ports import pledgees_in_force


def require_registry_writer(principal: Principal) -> None:
    """The register is written only by the registry: an officer, or a registry party's system key."""
    principal.require_kind(PartyKind.REGISTRY)
    principal.require(Role.REGISTRY_OFFICER)


def check_pledgee_consent(session: Session, asset_id: int, consent: bool, consenting_party_id: int | None) -> None:
    """A pledged IP is transferred or licensed only with the consent of the pledgee in force."""
    held = pledgees_in_force(session, [asset_id]).get(asset_id)
    if held is None:
        return
    pledge_id, pledgee_id = held
    if not consent or consenting_party_id != pledgee_id:
        raise errors.PLEDGEE_CONSENT_REQUIRED(
            pledge_id=pledge_id, consent=consent, consenting_party_id=consenting_party_id
        )
