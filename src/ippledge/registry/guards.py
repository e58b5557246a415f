"""Register guards (登记簿校验): who writes the register, and the pledgee-consent rule for pledged IP."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.errors import ConflictError, ValidationError
from ippledge.registry.ports import pledgees_in_force


def require_registry_writer(principal: Principal) -> None:
    """The register is written only by the registry: an officer, or a registry party's system key."""
    principal.require_kind(PartyKind.REGISTRY)
    principal.require(Role.REGISTRY_OFFICER)


def invalid(zh: str, en: str, code: str, **details: object) -> ValidationError:
    return ValidationError(zh, en, code=code, details=details)


def check_pledgee_consent(session: Session, asset_id: int, consent: bool, consenting_party_id: int | None) -> None:
    """A pledged IP is transferred or licensed only with the consent of the pledgee in force."""
    held = pledgees_in_force(session, [asset_id]).get(asset_id)
    if held is None:
        return
    pledge_id, pledgee_id = held
    if not consent or consenting_party_id != pledgee_id:
        raise ConflictError(
            "该知识产权已出质，转让或许可须经质权人同意",
            "the IP is pledged: a transfer or licence needs the consent of the pledgee",
            code="registry.pledgee_consent_required",
            details={"pledge_id": pledge_id, "consent": consent, "consenting_party_id": consenting_party_id},
        )
