"""Licences (许可备案): record (EE01), change (EM01), cancel (EC01). A pledged IP is licensed, or a licence changed,
only with the consent of the pledgee in force; cancelling needs none, since it only frees the collateral.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal
from ippledge.kernel.errors import ConflictError, not_found
from ippledge.registry import errors
from ippledge.registry.guards import check_pledgee_consent, require_registry_writer
from ippledge.registry.legal_status import record_event
from ippledge.registry.model import EventCode
from ippledge.registry.service import get_asset
from ippledge.registry.tables import IpOwner, Licence

EXCLUSIVITY = ("exclusive", "sole", "ordinary")  # 独占 / 排他 / 普通


def _check_exclusivity(exclusivity: str) -> None:
    if exclusivity not in EXCLUSIVITY:
        raise errors.LICENCE_EXCLUSIVITY(exclusivity=exclusivity)


def _check_term(start: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on < start:
        raise errors.LICENCE_TERM()


def record_licence(
    session: Session,
    principal: Principal,
    asset_id: int,
    *,
    licensee_name: str,
    exclusivity: str,
    recorded_on: dt.date,
    ends_on: dt.date | None = None,
    licensee_id: int | None = None,
    licensor_id: int | None = None,
    pledgee_consent: bool = False,
    pledgee_consent_id: int | None = None,
) -> Licence:
    """Record a licence (许可合同备案, EE01)."""
    require_registry_writer(principal)
    asset = get_asset(session, principal, asset_id)
    if not licensee_name or not licensee_name.strip():
        raise errors.LICENSEE_REQUIRED()
    _check_exclusivity(exclusivity)
    _check_term(recorded_on, ends_on)
    owner_ids = [o.party_id for o in session.scalars(select(IpOwner).where(IpOwner.ip_asset_id == asset.id))]
    licensor = licensor_id if licensor_id is not None else min(owner_ids)
    if licensor not in owner_ids:
        raise errors.LICENSOR_NOT_OWNER()
    check_pledgee_consent(session, asset.id, pledgee_consent, pledgee_consent_id)
    record_event(session, principal, asset, EventCode.EE01, recorded_on, {"licensee": licensee_name}, same_day_ok=True)
    lic = Licence(
        ip_asset_id=asset.id,
        licensor_id=licensor,
        licensee_name=licensee_name.strip(),
        licensee_id=licensee_id,
        exclusivity=exclusivity,
        recorded_on=recorded_on,
        ends_on=ends_on,
        pledgee_consent_id=pledgee_consent_id if pledgee_consent else None,
    )
    session.add(lic)
    session.flush()
    audit.record(session, principal, "licence.recorded", "licence", lic.id, {"asset_id": asset.id, "kind": exclusivity})
    return lic


def _open_licence(session: Session, principal: Principal, licence_id: int) -> Licence:
    lic = session.get(Licence, licence_id)
    if lic is None:
        raise not_found("许可备案", "licence", id=licence_id)
    get_asset(session, principal, lic.ip_asset_id)
    if lic.cancelled_on is not None:
        raise errors.LICENCE_CANCELLED(cancelled_on=lic.cancelled_on.isoformat())
    return lic


def change_licence(
    session: Session,
    principal: Principal,
    licence_id: int,
    *,
    changed_on: dt.date,
    ends_on: dt.date | None = None,
    exclusivity: str | None = None,
    licensee_name: str | None = None,
    pledgee_consent: bool = False,
    pledgee_consent_id: int | None = None,
) -> Licence:
    """Change a recorded licence (变更, EM01): term, exclusivity or licensee name; needs consent while pledged."""
    require_registry_writer(principal)
    lic = _open_licence(session, principal, licence_id)
    if changed_on < lic.recorded_on:
        raise ConflictError("变更日早于备案日", "the change precedes the recording", code=errors.LICENCE_TERM.code)
    if exclusivity is not None:
        _check_exclusivity(exclusivity)
    _check_term(lic.recorded_on, ends_on)
    check_pledgee_consent(session, lic.ip_asset_id, pledgee_consent, pledgee_consent_id)
    before = {"ends_on": str(lic.ends_on), "exclusivity": lic.exclusivity, "licensee": lic.licensee_name}
    lic.ends_on = ends_on if ends_on is not None else lic.ends_on
    lic.exclusivity = exclusivity or lic.exclusivity
    lic.licensee_name = (licensee_name or lic.licensee_name).strip()
    after = {"ends_on": str(lic.ends_on), "exclusivity": lic.exclusivity, "licensee": lic.licensee_name}
    record_event(
        session,
        principal,
        lic.ip_asset_id,
        EventCode.EM01,
        changed_on,
        {"licence_id": lic.id, **after},
        same_day_ok=True,
    )
    audit.record(session, principal, "licence.changed", "licence", lic.id, {"before": before, "after": after})
    return lic


def cancel_licence(session: Session, principal: Principal, licence_id: int, cancelled_on: dt.date) -> Licence:
    """Cancel a licence (注销, EC01). No pledgee consent needed: cancelling only frees the collateral."""
    require_registry_writer(principal)
    lic = _open_licence(session, principal, licence_id)
    if cancelled_on < lic.recorded_on:
        raise ConflictError("注销日早于备案日", "cancellation precedes the recording", code=errors.LICENCE_TERM.code)
    record_event(
        session, principal, lic.ip_asset_id, EventCode.EC01, cancelled_on, {"licence_id": lic.id}, same_day_ok=True
    )
    lic.cancelled_on = cancelled_on
    audit.record(session, principal, "licence.cancelled", "licence", lic.id, {"on": cancelled_on.isoformat()})
    return lic
