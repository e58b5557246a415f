"""Registry decisions (登记审查与决定): pre-check, register or refuse, registration numbers, the officer's queue.

Registering writes the register: the pledge and its items, legal-status events (PE01 / PM01 / PC01), an audit record
and an outbox event. "No IP carries two pledges in force" is the database's partial unique index; when it fires
(another registration of the same IP committed first) the insert is undone to its SAVEPOINT and the caller gets the
same ``pledge.already_pledged`` error the Python pre-check gives; the edge then rolls the whole transaction back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.db import is_postgres, utcnow
from ippledge.outbox import events
from ippledge.pledge import errors, registry_settings, store
from ippledge.pledge.model import (
    Action,
    FilingFacts,
    FilingKind,
    FilingStatus,
    FilingWarning,
    Refusal,
    RefusalGround,
    already_pledged_error,
    check_action,
    precheck,
    refusal_error,
    registration_number,
    terms_amount,
    terms_fen,
    warnings,
)
from ippledge.pledge.service import consents_of
from ippledge.pledge.tables import Pledge, PledgeChange, PledgeFiling, PledgeItem, PledgeRegistrationCounter
from ippledge.registry import queries as registry_queries
from ippledge.registry import service as registry_service
from ippledge.registry.model import AssetFacts, EventCode, IpKind, LegalState

_INDEX = "uq_pledge_item_one_in_force"


def _officer(principal: Principal) -> None:
    principal.require_kind(PartyKind.REGISTRY)
    principal.require(Role.REGISTRY_OFFICER)


def _payload(filing: PledgeFiling) -> dict[str, Any]:
    return json.loads(filing.change_payload) if filing.change_payload else {}


def _facts(
    session: Session,
    filing: PledgeFiling,
    consents: Sequence[int] | None = None,
    settings: registry_settings.Settings | None = None,
) -> FilingFacts:
    """The filing's facts for the rules; ``consents`` and ``settings`` when the caller already read them."""
    payload = _payload(filing)
    settings = settings or registry_settings.effective(session, filing.registry_id)
    consents = consents_of(session, filing.id) if consents is None else consents
    return FilingFacts(
        pledgor_id=int(payload.get("pledgor_id", filing.pledgor_id)),
        pledgee_id=int(payload.get("pledgee_id", filing.pledgee_id)),
        debt_type=filing.debt_type,
        debt_amount=filing.debt_amount,
        debt_start=filing.debt_start,
        debt_end=filing.debt_end,
        security_scope=filing.security_scope,
        forfeiture_clause=filing.forfeiture_clause,
        consenting_party_ids=frozenset(consents),
        coowner_agreement=bool(filing.coowner_agreement),
        confirms_same_day_dual=filing.confirms_same_day_dual,
        confirms_invalidation_pending=filing.confirms_invalidation_pending,
        registry_kinds=settings.ip_kinds,
    )


def filing_warnings(
    session: Session,
    filing: PledgeFiling,
    consents: Sequence[int] | None = None,
    settings: registry_settings.Settings | None = None,
) -> list[FilingWarning]:
    """What the registry records and warns about on this filing without refusing it (a forfeiture clause)."""
    if FilingKind(filing.kind) is FilingKind.RELEASE:
        return []
    return warnings(_facts(session, filing, consents, settings))


def preview(session: Session, filing: PledgeFiling, as_of: dt.date) -> list[Refusal]:
    """The refusals a decision on ``as_of`` would give (shown to parties and officers before deciding)."""
    kind = FilingKind(filing.kind)
    if kind is FilingKind.RELEASE:
        return []
    f = _facts(session, filing)
    assert f.pledgor_id is not None
    asset_ids = [a.id for a in store.filing_assets(session, filing.id)]
    facts = registry_queries.load_facts(session, asset_ids, as_of)
    in_force = store.registrations_in_force(session, asset_ids, exclude_pledge_id=filing.pledge_id)
    marks = pledgor_marks(session, f.pledgor_id, [facts[i] for i in asset_ids], as_of)
    return precheck(f, [facts[i] for i in asset_ids], in_force, as_of, marks)


def pledgor_marks(session: Session, pledgor_id: int, assets: Sequence[AssetFacts], as_of: dt.date) -> list[AssetFacts]:
    """The pledgor's live marks, for the duty to pledge similar marks together; none read when no mark is filed."""
    if not any(a.kind is IpKind.TRADEMARK for a in assets):
        return []
    ids = registry_queries.owned_asset_ids(session, pledgor_id, IpKind.TRADEMARK, LegalState.IN_FORCE)
    return list(registry_queries.load_facts(session, ids, as_of).values())


def _lock_filing(session: Session, principal: Principal, filing_id: int) -> PledgeFiling:
    stmt = scope.scoped(PledgeFiling, principal).where(PledgeFiling.id == filing_id).with_for_update()
    return scope.one_visible(session, stmt, PledgeFiling, principal)


def _decidable(session: Session, principal: Principal, filing_id: int, today: dt.date) -> PledgeFiling:
    _officer(principal)
    filing = _lock_filing(session, principal, filing_id)
    check_action(FilingStatus(filing.status), Action.DECIDE)
    if filing.submitted_on is not None and today < filing.submitted_on:
        raise errors.DECISION_BEFORE_SUBMISSION()
    return filing


def _next_serial(session: Session, registry_id: int, year: int) -> int:
    # INSERT .. ON CONFLICT DO UPDATE .. RETURNING: atomic on both backends; the row lock serialises registrations
    # at one registry, so serials are dense and a rolled-back registration gives its number back.
    ins = (postgresql.insert if is_postgres(session) else sqlite.insert)(PledgeRegistrationCounter)
    upsert = ins.values(registry_id=registry_id, year=year, last_serial=1).on_conflict_do_update(
        index_elements=["registry_id", "year"],
        set_={"last_serial": PledgeRegistrationCounter.last_serial + 1},
    )
    stmt = upsert.returning(PledgeRegistrationCounter.last_serial)
    return int(session.execute(stmt).scalar_one())


def _is_double_pledge(exc: IntegrityError) -> bool:
    text = str(exc.orig)
    return _INDEX in text or "pledge_item.ip_asset_id" in text


def _decided(filing: PledgeFiling, principal: Principal, status: FilingStatus, today: dt.date) -> None:
    filing.status = status.value
    filing.decided_at = utcnow()
    filing.decided_on = today
    filing.decided_by = principal.user_id


def register(session: Session, principal: Principal, filing_id: int, today: dt.date) -> PledgeFiling:
    """Register a submitted filing (准予登记); 409 listing every refusal when the pre-check finds any."""
    filing = _decidable(session, principal, filing_id, today)
    refusals = preview(session, filing, today)
    if refusals:
        raise refusal_error(refusals)
    late = filing.due_on is not None and today > filing.due_on
    kind = FilingKind(filing.kind)
    if kind is FilingKind.REGISTER:
        _register_new(session, filing, today)
    elif kind is FilingKind.CHANGE:
        _register_change(session, filing, today)
    else:
        _register_release(session, filing, today)
    _decided(filing, principal, FilingStatus.REGISTERED, today)
    session.flush()
    warned = [w.code for w in filing_warnings(session, filing)]
    audit.record(
        session,
        principal,
        f"pledge.{kind.value}_registered",
        "pledge_filing",
        filing.id,
        {"pledge_id": filing.pledge_id, "late": late, "decided_on": today.isoformat(), "warnings": warned},
    )
    return filing


def _register_new(session: Session, filing: PledgeFiling, today: dt.date) -> None:
    settings = registry_settings.effective(session, filing.registry_id)
    serial = _next_serial(session, filing.registry_id, today.year)
    reg_no = registration_number(today.year, settings.registration_prefix, serial)
    assert filing.debt_amount is not None and filing.debt_end is not None  # pre-check ground 7
    assets = store.filing_assets(session, filing.id)
    try:
        with session.begin_nested():
            pledge = Pledge(
                registration_no=reg_no,
                registry_id=filing.registry_id,
                pledgor_id=filing.pledgor_id,
                pledgee_id=filing.pledgee_id,
                debt_amount=filing.debt_amount,
                currency=filing.currency,
                debt_end=filing.debt_end,
                effective_on=today,
                status="in_force",
                version=1,
            )
            session.add(pledge)
            session.flush()
            session.add_all(PledgeItem(pledge_id=pledge.id, ip_asset_id=a.id, in_force=True) for a in assets)
            session.flush()
    except IntegrityError as exc:
        if not _is_double_pledge(exc):
            raise
        taken = store.registrations_in_force(session, [a.id for a in assets])
        raise already_pledged_error([a.number for a in assets if a.id in taken] or [a.number for a in assets]) from None
    filing.pledge_id = pledge.id
    details = {"registration_no": reg_no, "pledgor_id": pledge.pledgor_id, "pledgee_id": pledge.pledgee_id}
    registry_service.record_pledge_events(session, [a.id for a in assets], EventCode.PE01, today, details)
    events.publish(
        session,
        "pledge.registered",
        {**details, "pledge_id": pledge.id, "asset_ids": [a.id for a in assets], "effective_on": today.isoformat()},
        pledge.pledgee_id,
        also=(pledge.pledgor_id,),
    )


def _locked_pledge(session: Session, filing: PledgeFiling) -> Pledge:
    pledge = session.scalars(select(Pledge).where(Pledge.id == filing.pledge_id).with_for_update()).one()
    if pledge.status != "in_force":
        raise errors.NOT_IN_FORCE(registration_no=pledge.registration_no)
    if _payload(filing).get("base_version") != pledge.version:
        raise errors.STALE_FILING(filed_against=_payload(filing).get("base_version"), current=pledge.version)
    return pledge


def _register_change(session: Session, filing: PledgeFiling, today: dt.date) -> None:
    pledge = _locked_pledge(session, filing)
    payload = _payload(filing)
    fields = ("debt_amount_fen", "debt_end", "pledgor_id", "pledgee_id")
    before: dict[str, Any] = {
        "debt_amount_fen": terms_fen(pledge.debt_amount),
        "debt_end": pledge.debt_end.isoformat(),
        "pledgor_id": pledge.pledgor_id,
        "pledgee_id": pledge.pledgee_id,
    }
    after = {k: payload.get(k, before[k]) for k in fields}
    pledge.debt_amount = terms_amount(after["debt_amount_fen"])
    pledge.debt_end = dt.date.fromisoformat(str(after["debt_end"]))
    pledge.pledgor_id = int(after["pledgor_id"])
    pledge.pledgee_id = int(after["pledgee_id"])
    pledge.version += 1
    changed = {k for k in fields if after[k] != before[k]}
    asset_ids = [a.id for a in store.pledge_assets(session, pledge.id)]
    added = [int(a) for a in payload.get("add_asset_ids", ())]
    if added:  # 补充质押: the added IP comes under the same pledge (the partial unique index still guards it)
        _add_pledge_items(session, pledge.id, added)
        before["asset_ids"], after["asset_ids"] = asset_ids, sorted(asset_ids + added)
        changed.add("asset_ids")
    session.add(
        PledgeChange(
            pledge_id=pledge.id,
            filing_id=filing.id,
            effective_on=today,
            before=json.dumps({k: before[k] for k in changed}, sort_keys=True),
            after=json.dumps({k: after[k] for k in changed}, sort_keys=True),
        )
    )
    details = {"registration_no": pledge.registration_no, "changed": sorted(changed)}
    registry_service.record_pledge_events(session, asset_ids, EventCode.PM01, today, details)
    if added:  # the added IP's pledge takes effect today (质押登记生效)
        registry_service.record_pledge_events(session, added, EventCode.PE01, today, details)
    events.publish(
        session,
        "pledge.changed",
        {**details, "pledge_id": pledge.id, "version": pledge.version, "added_asset_ids": added},
        pledge.pledgee_id,
        also=(pledge.pledgor_id,),
    )


def _add_pledge_items(session: Session, pledge_id: int, asset_ids: list[int]) -> None:
    try:
        with session.begin_nested():
            session.add_all(PledgeItem(pledge_id=pledge_id, ip_asset_id=a, in_force=True) for a in asset_ids)
            session.flush()
    except IntegrityError as exc:
        if not _is_double_pledge(exc):
            raise
        taken = store.registrations_in_force(session, asset_ids)
        numbers = registry_queries.asset_summaries(session, asset_ids)
        raise already_pledged_error([numbers[a].number for a in asset_ids if a in taken]) from None


def _register_release(session: Session, filing: PledgeFiling, today: dt.date) -> None:
    pledge = _locked_pledge(session, filing)
    pledge.status = "released"
    pledge.released_on = today
    pledge.version += 1
    items = list(session.scalars(select(PledgeItem).where(PledgeItem.pledge_id == pledge.id)))
    for item in items:
        item.in_force = False
    details = {"registration_no": pledge.registration_no, "released_on": today.isoformat()}
    registry_service.record_pledge_events(session, [i.ip_asset_id for i in items], EventCode.PC01, today, details)
    events.publish(
        session,
        "pledge.released",
        {**details, "pledge_id": pledge.id, "asset_ids": [i.ip_asset_id for i in items]},
        pledge.pledgee_id,
        also=(pledge.pledgor_id,),
    )


def refuse(
    session: Session, principal: Principal, filing_id: int, codes: Sequence[str], note: str | None, today: dt.date
) -> PledgeFiling:
    """Refuse a filing (不予登记) on grounds the pre-check found, or ``pledge.other`` with the officer's text."""
    filing = _decidable(session, principal, filing_id, today)
    try:
        grounds = sorted({RefusalGround(c) for c in codes}, key=lambda g: g.number)
    except ValueError:
        raise errors.BAD_CODE(codes=", ".join(codes)) from None
    if not grounds:
        raise errors.NO_GROUND()
    found = {r.ground for r in preview(session, filing, today)}
    unsupported = [g.value for g in grounds if g is not RefusalGround.OTHER and g not in found]
    if unsupported:
        raise errors.GROUND_NOT_FOUND(
            listed=", ".join(unsupported), codes=unsupported, found=sorted(g.value for g in found)
        )
    if RefusalGround.OTHER in grounds and not (note or "").strip():
        raise errors.NOTE_REQUIRED()
    _decided(filing, principal, FilingStatus.REFUSED, today)
    filing.refusal_codes = json.dumps([g.value for g in grounds])
    filing.decision_note = (note or "").strip() or None
    session.flush()
    payload = {"codes": [g.value for g in grounds], "note": filing.decision_note}
    audit.record(session, principal, "pledge.filing_refused", "pledge_filing", filing.id, payload)
    events.publish(
        session, "pledge.refused", {"filing_id": filing.id, **payload}, filing.pledgee_id, also=(filing.pledgor_id,)
    )
    return filing


def queue(session: Session, principal: Principal, today: dt.date, overdue_only: bool = False) -> list[PledgeFiling]:
    """Submitted filings awaiting this registry's decision, oldest deadline first (审查队列)."""
    _officer(principal)
    stmt = select(PledgeFiling).where(
        PledgeFiling.registry_id == principal.party_id, PledgeFiling.status == FilingStatus.SUBMITTED.value
    )
    if overdue_only:
        stmt = stmt.where(PledgeFiling.due_on < today)
    return list(session.scalars(stmt.order_by(PledgeFiling.due_on, PledgeFiling.id)))
