"""Legal-status events (法律状态事件) one at a time, licences (许可备案), transfers (转移) and the full history.

Every event goes through :func:`record_event`: the rules of ``model.apply_event`` decide whether it can happen,
the asset row is locked while it changes, and the event, an audit record and an ``ip.status_changed`` outbox event
are written in the caller's transaction. While an IP is pledged, a transfer or licence needs the consent of the
pledgee in force (Civil Code art. 444); the consenting pledgee named in the request must be that pledgee.

Pledge events (PE01/PM01/PC01) are accepted here and from feeds so that the asset's history is complete; the
register of pledges itself (``pledge`` tables) is written by the pledge capability when it registers a pledge.

Any of the 110 Chinese codes is accepted (``event_codes``): a legacy code recorded as the register's equivalent
with the code reported kept, or as reported when informational. A term adjustment or extension (TG01/TP01) moves
the expiry date; a holder name or address change (CP01-CP03) rewrites the holder line; an open licence (OL01) on a
pledged right needs the consent of the pledgee in force (Implementing Rules 2023 r. 86), named in
``details.pledgee_consent_id``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal
from ippledge.kernel.errors import IppledgeError, not_found
from ippledge.outbox import events
from ippledge.registry import annuities, collateral_alerts, errors, event_codes, model
from ippledge.registry.guards import check_pledgee_consent, require_registry_writer
from ippledge.registry.model import EventCode, IpKind, LegalState, RegisterState
from ippledge.registry.service import OwnerShare, check_owners, get_asset, owners_of
from ippledge.registry.tables import IpAsset, IpOwner, LegalStatusEvent


def parse_code(code: str | EventCode) -> str:
    """The code as reported, upper case; one of the 110 known (``event_codes``) or ``registry.event_code``."""
    text = code.value if isinstance(code, EventCode) else str(code).strip().upper()
    if not event_codes.is_known(text):
        raise errors.EVENT_CODE(code=str(code), known=sorted(event_codes.table()))
    return text


def register_changes(
    code: EventCode, subtype: str, expiry: dt.date | None, details: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Columns a term or holder event rewrites (``expiry_date``, ``holder_name``, ``holder_address``); none else."""
    if code in event_codes.TERM_EVENTS:
        return {"expiry_date": event_codes.term_change(code, subtype, expiry, details)}
    if code in event_codes.HOLDER_EVENTS:
        return event_codes.holder_change(code, details)
    return {}


def backdated(code: EventCode, effective_date: dt.date, status_date: dt.date | None) -> IppledgeError | None:
    """A state-changing event dated before the last change would rewrite history: refuse it."""
    if code in model.STATE_EVENTS and status_date is not None and effective_date < status_date:
        return errors.EVENT_BACKDATED(
            event=code.value, effective_date=effective_date.isoformat(), status_date=status_date.isoformat()
        )
    return None


def _lock(session: Session, asset_id: int) -> IpAsset:
    asset = session.scalars(select(IpAsset).where(IpAsset.id == asset_id).with_for_update()).first()
    if asset is None:
        raise not_found("知识产权", "IP asset", id=asset_id)
    return asset


def record_event(
    session: Session,
    principal: Principal,
    asset: IpAsset | int,
    code: str | EventCode,
    effective_date: dt.date,
    details: Mapping[str, Any] | None = None,
    *,
    source: str = "api",
    as_of: dt.date | None = None,
    same_day_ok: bool = False,
) -> LegalStatusEvent | None:
    """Apply one event to the register. ``same_day_ok``: an identical event that day (two licences recorded on one
    day) is not an error; the state is still checked and ``None`` returned instead of a second event row.
    """
    require_registry_writer(principal)
    reported = parse_code(code)
    if not isinstance(effective_date, dt.date):
        raise errors.EFFECTIVE_DATE.kind(
            "缺少生效日", "the effective date is required", code=errors.EFFECTIVE_DATE.code
        )
    if as_of is not None and effective_date > as_of:
        raise errors.EVENT_IN_FUTURE(effective_date=effective_date.isoformat(), as_of=as_of.isoformat())
    row = _lock(session, asset if isinstance(asset, int) else asset.id)
    resolved = event_codes.resolve(reported, effective_date, row.expiry_date, row.preserved)
    details = event_codes.with_reported(resolved, details)
    if resolved.event is None:
        return _record_informational(session, principal, row, resolved.code, effective_date, details, source)
    event_code = resolved.event
    if event_code in model.TRADEMARK_EVENTS and row.kind != IpKind.TRADEMARK.value:
        raise errors.NOT_A_MARK(kind=row.kind, asset_id=row.id)
    before = RegisterState(LegalState(row.status), row.preserved, row.invalidation_pending, bool(row.open_licence))
    exists = session.scalar(
        select(LegalStatusEvent.id).where(
            LegalStatusEvent.ip_asset_id == row.id,
            LegalStatusEvent.code == event_code.value,
            LegalStatusEvent.effective_date == effective_date,
        )
    )
    if exists is not None and not same_day_ok:
        raise errors.EVENT_DUPLICATE(event=event_code.value, effective_date=effective_date.isoformat(), event_id=exists)
    late = backdated(event_code, effective_date, row.status_date)
    if late is not None:
        raise late
    after = model.apply_event(before, event_code)
    if event_code is EventCode.TM01 and exists is None:
        # 续展: ten more years from the old term's end, only inside the window (last 12 months + 6 months' grace)
        if row.expiry_date is None:
            raise errors.NOT_A_MARK(kind=row.kind, asset_id=row.id)
        new_expiry = model.renewed_expiry(row.expiry_date, effective_date)
        details = {
            **(details or {}),
            "expiry_before": row.expiry_date.isoformat(),
            "expiry_after": new_expiry.isoformat(),
        }
        row.expiry_date = new_expiry
    if exists is None:
        changes = register_changes(event_code, row.subtype, row.expiry_date, details)
        if "expiry_date" in changes and row.expiry_date is not None:
            details = {**(details or {}), "expiry_before": row.expiry_date.isoformat()}
            details["expiry_after"] = changes["expiry_date"].isoformat()
        for column, value in changes.items():
            setattr(row, column, value)
        if "expiry_date" in changes and row.kind == IpKind.PATENT.value:  # 补偿期: the years the term now adds
            annuities.schedule_annuities(session, row, as_of or effective_date)
    if event_code is EventCode.OL01 and source != "feed":
        given = (details or {}).get("pledgee_consent_id")
        consent = given if isinstance(given, int) and not isinstance(given, bool) else None
        check_pledgee_consent(session, row.id, consent is not None, consent)
    ev = None
    if exists is None:
        ev = LegalStatusEvent(
            ip_asset_id=row.id,
            code=event_code.value,
            effective_date=effective_date,
            details=json.dumps(dict(details), ensure_ascii=False, default=str) if details else None,
            source=source,
        )
        session.add(ev)
    if after != before:
        row.status, row.preserved, row.invalidation_pending, row.open_licence = (
            after.status.value,
            after.preserved,
            after.invalidation_pending,
            after.open_licence,
        )
        row.status_date = max(effective_date, row.status_date or effective_date)
    session.flush()
    payload = {
        "asset_id": row.id,
        "kind": row.kind,
        "number": row.number,
        "code": event_code.value,
        "effective_date": effective_date.isoformat(),
        "status_before": before.status.value,
        "status_after": after.status.value,
        "preserved": after.preserved,
    }
    audit.record(session, principal, "ip.event_recorded", "ip_asset", row.id, payload)
    owners = [o.party_id for o in owners_of(session, row.id)]
    events.publish(session, "ip.status_changed", payload, owners[0] if owners else None, also=owners[1:])
    if after != before:
        change = collateral_alerts.StatusChange(
            row.id, event_code.value, effective_date, before.status.value, after.status.value, after.preserved
        )
        collateral_alerts.publish_collateral_alerts(session, [change])
    return ev


def _record_informational(
    session: Session,
    principal: Principal,
    row: IpAsset,
    code: str,
    effective_date: dt.date,
    details: Mapping[str, Any] | None,
    source: str,
) -> LegalStatusEvent | None:
    """An informational code (publication, examination, grant, corrections): recorded as reported, no change."""
    exists = session.scalar(
        select(LegalStatusEvent.id).where(
            LegalStatusEvent.ip_asset_id == row.id,
            LegalStatusEvent.code == code,
            LegalStatusEvent.effective_date == effective_date,
        )
    )
    if exists is not None:
        raise errors.EVENT_DUPLICATE(event=code, effective_date=effective_date.isoformat(), event_id=exists)
    ev = LegalStatusEvent(
        ip_asset_id=row.id,
        code=code,
        effective_date=effective_date,
        details=json.dumps(dict(details), ensure_ascii=False, default=str) if details else None,
        source=source,
    )
    session.add(ev)
    session.flush()
    payload = {
        "asset_id": row.id,
        "kind": row.kind,
        "number": row.number,
        "code": code,
        "effective_date": effective_date.isoformat(),
        "status_before": row.status,
        "status_after": row.status,
        "preserved": row.preserved,
        "informational": True,
    }
    audit.record(session, principal, "ip.event_recorded", "ip_asset", row.id, payload)
    owners = [o.party_id for o in owners_of(session, row.id)]
    events.publish(session, "ip.status_changed", payload, owners[0] if owners else None, also=owners[1:])
    return ev


def history(session: Session, principal: Principal, asset_id: int) -> list[LegalStatusEvent]:
    """The asset's full legal-status history, oldest first."""
    asset = get_asset(session, principal, asset_id)
    stmt = (
        select(LegalStatusEvent)
        .where(LegalStatusEvent.ip_asset_id == asset.id)
        .order_by(LegalStatusEvent.effective_date, LegalStatusEvent.id)
    )
    return list(session.scalars(stmt))


def transfer(
    session: Session,
    principal: Principal,
    asset_id: int,
    *,
    owners: Sequence[OwnerShare],
    effective_date: dt.date,
    pledgee_consent: bool = False,
    pledgee_consent_id: int | None = None,
) -> IpAsset:
    """Transfer of the right (权利转移, TR01) to new owners; refused while preserved or pledged without consent."""
    require_registry_writer(principal)
    asset = _lock(session, get_asset(session, principal, asset_id).id)
    if asset.preserved:
        raise errors.ASSET_PRESERVED.kind(
            "该知识产权处于保全状态，不能转让",
            "the IP is preserved by a court: it cannot be transferred",
            code=errors.ASSET_PRESERVED.code,
        )
    check_owners(session, owners)
    check_pledgee_consent(session, asset.id, pledgee_consent, pledgee_consent_id)
    old = [[o.party_id, o.share_bp] for o in session.scalars(select(IpOwner).where(IpOwner.ip_asset_id == asset.id))]
    new = [[o.party_id, o.share_bp] for o in owners]
    record_event(session, principal, asset, EventCode.TR01, effective_date, {"from": old, "to": new}, same_day_ok=True)
    session.execute(delete(IpOwner).where(IpOwner.ip_asset_id == asset.id))
    session.add_all(
        IpOwner(ip_asset_id=asset.id, party_id=o.party_id, share_bp=o.share_bp, since=effective_date) for o in owners
    )
    session.flush()
    audit.record(session, principal, "ip_asset.transferred", "ip_asset", asset.id, {"from": old, "to": new})
    return asset


def set_invalidation_pending(
    session: Session, principal: Principal, asset_id: int, pending: bool, on: dt.date, note: str | None = None
) -> IpAsset:
    """Mark or clear a pending invalidation request (无效宣告请求审查中, refusal ground 11); not a gazette event."""
    require_registry_writer(principal)
    asset = _lock(session, get_asset(session, principal, asset_id).id)
    if asset.invalidation_pending == pending:
        if pending:
            raise errors.INVALIDATION_UNCHANGED()
        raise errors.INVALIDATION_UNCHANGED.kind(
            "没有待审的无效宣告请求", "no invalidation request is pending", code=errors.INVALIDATION_UNCHANGED.code
        )
    if pending and asset.status != LegalState.IN_FORCE.value:
        raise errors.EVENT_OUT_OF_ORDER.kind(
            "只能对有效的权利提出无效宣告请求",
            "only a right in force can face an invalidation request",
            code=errors.EVENT_OUT_OF_ORDER.code,
        )
    asset.invalidation_pending = pending
    session.flush()
    audit.record(
        session,
        principal,
        "ip_asset.invalidation_pending" if pending else "ip_asset.invalidation_cleared",
        "ip_asset",
        asset.id,
        {"on": on.isoformat(), "note": note},
    )
    return asset
