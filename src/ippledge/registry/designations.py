"""Enterprise designations and abnormal-application flags on the register (企业认定与非正常专利申请标记).

Designations (知识产权示范/优势企业, 专精特新, 高新技术企业, 园区) come from public lists of the IP office, the MIIT and
the science and technology bureau; the 非正常专利申请 flag from the IP office's notices. Both are facts the register
keeps as data, with their source and dates, so that a whitelist criterion or a bank's reverse push can cite them.
Registry officers and the platform operator record them (the same writers as enterprises). Flushes only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.text import check_name
from ippledge.registry import errors
from ippledge.registry.guards import require_registry_writer
from ippledge.registry.model import Designation, IpKind
from ippledge.registry.tables import AbnormalApplication, Enterprise, EnterpriseDesignation, IpAsset


def _require_writer(principal: Principal) -> None:
    if principal.party_kind is PartyKind.PLATFORM:
        principal.require(Role.ADMIN, Role.OPERATOR)
    else:
        require_registry_writer(principal)


def record_designation(
    session: Session,
    principal: Principal,
    party_id: int,
    kind: str,
    valid_from: dt.date,
    source: str,
    valid_to: dt.date | None = None,
    detail: str | None = None,
) -> EnterpriseDesignation:
    """Record that an enterprise holds a designation from ``valid_from`` (to ``valid_to`` inclusive, open-ended when
    ``None``)."""
    _require_writer(principal)
    allowed = ", ".join(d.value for d in Designation)
    if kind not in {d.value for d in Designation}:
        raise errors.DESIGNATION_KIND(kind=kind, allowed=allowed)
    if valid_to is not None and valid_to < valid_from:
        raise errors.DESIGNATION_DATES(valid_from=str(valid_from), valid_to=str(valid_to))
    if kind == Designation.PARK and not (detail and detail.strip()):
        raise errors.DESIGNATION_PARK()
    if session.get(Enterprise, party_id) is None:
        raise errors.NOT_AN_ENTERPRISE(party_id=party_id)
    row = EnterpriseDesignation(
        party_id=party_id,
        kind=kind,
        detail=check_name(detail, "detail") if detail else None,
        valid_from=valid_from,
        valid_to=valid_to,
        source=check_name(source, "source"),
        recorded_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, principal, "enterprise.designated", "party", party_id, {"kind": kind, "from": str(valid_from)}
    )
    return row


def flag_abnormal(
    session: Session, principal: Principal, asset_id: int, flagged_on: dt.date, notice: str
) -> AbnormalApplication:
    """Flag a patent application as abnormal (非正常专利申请) under an IP office notice."""
    _require_writer(principal)
    asset = session.get(IpAsset, asset_id)
    if asset is None:
        raise errors.ABNORMAL_ASSET(asset_id=asset_id)
    if asset.kind != IpKind.PATENT:
        raise errors.ABNORMAL_NOT_PATENT(kind=asset.kind)
    open_flag = session.scalar(
        select(AbnormalApplication).where(
            AbnormalApplication.ip_asset_id == asset_id, AbnormalApplication.cleared_on.is_(None)
        )
    )
    if open_flag is not None:
        raise errors.ABNORMAL_DUPLICATE(flagged_on=str(open_flag.flagged_on))
    row = AbnormalApplication(
        ip_asset_id=asset_id, flagged_on=flagged_on, notice=check_name(notice, "notice"), recorded_by=principal.actor
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "ip.abnormal_flagged", "ip_asset", asset_id, {"on": str(flagged_on)})
    return row


def clear_abnormal(session: Session, principal: Principal, asset_id: int, cleared_on: dt.date) -> AbnormalApplication:
    """Clear the open flag (notice withdrawn, correction accepted)."""
    _require_writer(principal)
    row = session.scalar(
        select(AbnormalApplication).where(
            AbnormalApplication.ip_asset_id == asset_id, AbnormalApplication.cleared_on.is_(None)
        )
    )
    if row is None:
        raise errors.ABNORMAL_NOT_FOUND()
    row.cleared_on = cleared_on
    session.flush()
    audit.record(session, principal, "ip.abnormal_cleared", "ip_asset", asset_id, {"on": str(cleared_on)})
    return row
