"""Register use cases (登记簿): enterprises, recording IP assets with their owners, annuities (年费).

Only the registry writes the register: a registry officer, or an API key of a registry party (the system feed).
Services add and flush; the caller's unit of work commits. Legal-status events, licences and transfers are in
``legal_status``; bulk feeds in ``feed``; batch queries in ``batch``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import (
    Callable,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access_queries
from ippledge.access.model import Principal
from ippledge.db import RowChunks, bulk_copy
from ippledge.kernel.identifiers import copyright, ipc, patent_application, trademark
from ippledge.registry import errors, model
from ippledge.registry.annuities import pay_on_behalf as pay_on_behalf  # 代缴年费 (the face for monitoring)
from ippledge.registry.annuities import schedule_annuities
from ippledge.registry.guards import require_registry_writer
from ippledge.registry.model import EventCode, IpKind, LegalState, Subtype
from ippledge.registry.numbers import validate_for
from ippledge.registry.tables import IpAsset, IpOwner, LegalStatusEvent

SIZES = ("micro", "small", "medium", "large")
_REGION = re.compile(r"\d{6}", re.ASCII)
_INDUSTRY = re.compile(r"[A-T](\d{2}(\d{1,2})?)?", re.ASCII)  # GB/T 4754: section letter, division, group, class


# --- IP assets (知识产权) --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerShare:
    party_id: int
    share_bp: int = 10_000


def check_owners(session: Session, owners: Sequence[OwnerShare]) -> None:
    """Owners exist, appear once, hold positive shares summing to 10,000 basis points (共有份额)."""
    if not owners:
        raise errors.OWNERS_REQUIRED()
    ids = [o.party_id for o in owners]
    if len(set(ids)) != len(ids):
        raise errors.OWNER_DUPLICATE(owners=ids)
    if any(o.share_bp <= 0 for o in owners) or sum(o.share_bp for o in owners) != 10_000:
        raise errors.OWNER_SHARES(shares=[o.share_bp for o in owners])
    known = {p.id for p in access_queries.parties(session, ids).values() if p.active}
    missing = sorted(set(ids) - known)
    if missing:
        raise errors.OWNER_UNKNOWN(party_ids=missing)


def _check_number(kind: IpKind, subtype: Subtype, number: str, filing_date: dt.date) -> str:
    stored = validate_for(kind, number)
    if kind is IpKind.PATENT:
        actual = patent_application.kind(stored).value
        if actual != subtype.value:
            raise errors.NUMBER_SUBTYPE_MISMATCH(
                label_zh=patent_application.kind(stored).label_zh, actual=actual, number=stored, subtype=subtype.value
            )
        if not patent_application.is_pct(stored) and patent_application.filing_year(stored) != filing_date.year:
            raise errors.FILING_YEAR_MISMATCH(
                year=patent_application.filing_year(stored), filing_date=filing_date.isoformat(), number=stored
            )
    elif kind is IpKind.COPYRIGHT and copyright.kind(stored).value != subtype.value:
        raise errors.NUMBER_SUBTYPE_MISMATCH.kind(
            "登记号类型（作品/软件）与版权类型不符",
            f"the registration number is for a {copyright.kind(stored).value}, not {subtype.value}",
            code=errors.NUMBER_SUBTYPE_MISMATCH.code,
            details={"number": stored, "subtype": subtype.value},
        )
    return stored


def _default_status(kind: IpKind, grant_date: dt.date | None) -> LegalState:
    if kind is IpKind.COPYRIGHT:
        return LegalState.IN_FORCE  # copyright exists from creation; registration only records it
    return LegalState.IN_FORCE if grant_date is not None else LegalState.PENDING


def record_asset(
    session: Session,
    principal: Principal,
    *,
    kind: IpKind,
    subtype: Subtype,
    number: str,
    title: str,
    filing_date: dt.date,
    owners: Sequence[OwnerShare],
    as_of: dt.date,
    grant_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
    status: LegalState | None = None,
    ipc_symbols: Sequence[str] = (),
    nice_classes: Sequence[int] = (),
    claims: int | None = None,
    same_day_twin: str | None = None,
    annuities_paid_through: int | None = None,
) -> IpAsset:
    """Record an IP asset (登记) with its owners; patents in force get their annuity schedule."""
    require_registry_writer(principal)
    if model.KIND_OF[subtype] is not kind:
        raise errors.SUBTYPE_MISMATCH(kind=kind.value, subtype=subtype.value)
    stored = _check_number(kind, subtype, number, filing_date)
    if not title or not title.strip():
        raise errors.TITLE_REQUIRED()
    if grant_date is not None and grant_date < filing_date:
        raise errors.GRANT_BEFORE_FILING(filing_date=filing_date.isoformat(), grant_date=grant_date.isoformat())
    state = status or _default_status(kind, grant_date)
    if state is LegalState.PENDING and grant_date is not None:
        raise errors.STATUS_PENDING()
    if state is not LegalState.PENDING and grant_date is None and kind is not IpKind.COPYRIGHT:
        raise errors.GRANT_DATE_REQUIRED()
    expiry = expiry_date or model.legal_expiry(subtype, filing_date, grant_date)
    if expiry is not None and expiry < filing_date:
        raise errors.EXPIRY_BEFORE_FILING()
    if state is LegalState.IN_FORCE and expiry is not None and expiry < as_of:
        raise errors.EXPIRED_IN_FORCE(expiry_date=expiry.isoformat())
    symbols = [ipc.validate(s) for s in ipc_symbols]
    if kind is IpKind.TRADEMARK and not nice_classes:
        raise errors.NICE_CLASSES_REQUIRED()
    if kind is not IpKind.TRADEMARK and nice_classes:
        raise errors.NICE_CLASSES_NOT_ALLOWED()
    classes = sorted({trademark.validate_nice_class(n) for n in nice_classes})
    twin = patent_application.validate(same_day_twin) if same_day_twin else None
    if claims is not None and claims < 0:
        raise errors.CLAIMS_NEGATIVE()
    check_owners(session, owners)
    existing = session.scalar(select(IpAsset.id).where(IpAsset.kind == kind.value, IpAsset.number == stored))
    if existing is not None:
        raise errors.ASSET_EXISTS(number=stored, id=existing)
    asset = IpAsset(
        kind=kind.value,
        subtype=subtype.value,
        number=stored,
        title=title.strip(),
        filing_date=filing_date,
        grant_date=grant_date,
        expiry_date=expiry,
        status=state.value,
        status_date=grant_date or filing_date,
        ipc_main=symbols[0] if symbols else None,
        ipc_all=" ".join(symbols) or None,
        nice_classes=" ".join(str(n) for n in classes) or None,
        claims=claims,
        same_day_twin=twin,
        preserved=False,
        invalidation_pending=False,
    )
    session.add(asset)
    session.flush()
    session.add_all(
        IpOwner(ip_asset_id=asset.id, party_id=o.party_id, share_bp=o.share_bp, since=grant_date or filing_date)
        for o in owners
    )
    if kind is IpKind.PATENT and state is LegalState.IN_FORCE and grant_date is not None:
        schedule_annuities(session, asset, as_of, annuities_paid_through)
    session.flush()
    audit.record(
        session,
        principal,
        "ip_asset.recorded",
        "ip_asset",
        asset.id,
        {
            "kind": kind.value,
            "subtype": subtype.value,
            "number": stored,
            "status": state.value,
            "owners": [[o.party_id, o.share_bp] for o in owners],
        },
    )
    return asset


def get_asset(session: Session, principal: Principal, asset_id: int) -> IpAsset:
    return scope.get_visible(session, IpAsset, asset_id, principal)


def find_asset(session: Session, principal: Principal, kind: IpKind, number: str) -> IpAsset:
    stored = validate_for(kind, number)
    stmt = select(IpAsset).where(IpAsset.kind == kind.value, IpAsset.number == stored)
    return scope.one_visible(session, stmt, IpAsset, principal)


def owners_of(session: Session, asset_id: int) -> list[IpOwner]:
    return list(session.scalars(select(IpOwner).where(IpOwner.ip_asset_id == asset_id).order_by(IpOwner.party_id)))


# --- pledge events on the register (质押登记事项) --------------------------------------------------------------------


def record_pledge_events(
    session: Session, asset_ids: Sequence[int], code: EventCode, on: dt.date, details: Mapping[str, Any]
) -> None:
    """The register's own legal-status record (法律状态) of a pledge registered, changed or released (PE01 / PM01 /
    PC01), written by pledge registration in its transaction: one event per asset, code and day (a repeat is skipped).
    """
    existing = set(
        session.scalars(
            select(LegalStatusEvent.ip_asset_id).where(
                LegalStatusEvent.ip_asset_id.in_(list(asset_ids)),
                LegalStatusEvent.code == code.value,
                LegalStatusEvent.effective_date == on,
            )
        )
    )
    text = json.dumps(dict(details), sort_keys=True, ensure_ascii=False)
    session.add_all(
        LegalStatusEvent(ip_asset_id=a, code=code.value, effective_date=on, details=text, source="registry")
        for a in asset_ids
        if a not in existing
    )


# --- Bulk loads (批量装载) for the simulated market: explicit ids, rows straight through the driver --------------
# Unaudited one by one: the caller audits the whole load once. Each takes tuples in its ``*_COLUMNS`` order; dates
# as ISO strings, amounts as integer fen, missing values as ``None``. Returns the rows written.
# (Imports appended with the functions, so that parallel additions to this face merge cleanly.)


ENTERPRISE_COLUMNS = (
    "party_id", "industry", "size", "annual_revenue_fen", "revenue_year", "employees", "founded_on", "high_tech",
)  # fmt: skip
ASSET_COLUMNS = (
    "id", "kind", "subtype", "number", "title", "filing_date", "grant_date", "expiry_date", "status",
    "ipc_main", "ipc_all", "nice_classes", "claims", "forward_citations", "backward_citations",
    "family_size", "preserved", "invalidation_pending", "same_day_twin", "status_date", "updated_at",
)  # fmt: skip
OWNER_COLUMNS = ("ip_asset_id", "party_id", "share_bp", "since")
ANNUITY_COLUMNS = ("ip_asset_id", "year_no", "due_date", "amount_fen", "paid_on", "paid_fen")
EVENT_COLUMNS = ("id", "ip_asset_id", "code", "effective_date", "details", "source", "recorded_at")
Advance = Callable[[int], None] | None


def bulk_load_enterprises(session: Session, chunks: RowChunks, advance: Advance = None) -> int:
    """Enterprise profiles (企业信息) of parties already written, in ``ENTERPRISE_COLUMNS`` order."""
    return bulk_copy(session, "enterprise", ENTERPRISE_COLUMNS, chunks, advance)


def bulk_load_assets(session: Session, chunks: RowChunks, advance: Advance = None) -> int:
    """IP assets with explicit ids (see ``queries.next_asset_id``), in ``ASSET_COLUMNS`` order."""
    return bulk_copy(session, "ip_asset", ASSET_COLUMNS, chunks, advance, reset_id_sequence=True)


def bulk_load_owners(session: Session, chunks: RowChunks, advance: Advance = None) -> int:
    """Owners and co-owners (权利人) of assets already written, in ``OWNER_COLUMNS`` order."""
    return bulk_copy(session, "ip_owner", OWNER_COLUMNS, chunks, advance)


def bulk_load_annuities(session: Session, chunks: RowChunks, advance: Advance = None) -> int:
    """Annuities (年费) of assets already written, in ``ANNUITY_COLUMNS`` order."""
    return bulk_copy(session, "annuity", ANNUITY_COLUMNS, chunks, advance)


def bulk_load_events(session: Session, chunks: RowChunks, advance: Advance = None) -> int:
    """Legal-status events (法律状态事件) with explicit ids (see ``queries.next_event_id``), in ``EVENT_COLUMNS``
    order; the asset rows already carry the state the events led to."""
    return bulk_copy(session, "legal_status_event", EVENT_COLUMNS, chunks, advance, reset_id_sequence=True)
