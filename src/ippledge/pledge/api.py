"""Pledge registration routes (质押登记接口): joint filings, the registry's decisions, changes, releases, queries.

Business dates (submission, decision, the date a pledge takes effect) are the registry's calendar day in China time,
taken from the ``business_date`` dependency so that tests and replays can set it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.kernel.errors import NotFoundError, not_found
from ippledge.pledge import decision, registry_settings, service, store
from ippledge.pledge import errors as pledge_errors
from ippledge.pledge.model import FilingStatus
from ippledge.pledge.schemas import (
    ChangeIn,
    FilingIn,
    FilingOut,
    ItemOut,
    PledgeOnDateOut,
    PledgeOut,
    RefusalOut,
    RefuseIn,
    ReleaseIn,
    SettingsIn,
    SettingsOut,
    WarningOut,
)
from ippledge.pledge.tables import Pledge, PledgeFiling
from ippledge.registry import queries as registry_queries
from ippledge.registry.queries import AssetSummary
from ippledge.web.dates import BusinessDate
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["pledge"])


def _items(assets: list[AssetSummary]) -> list[ItemOut]:
    return [ItemOut(ip_asset_id=a.id, kind=a.kind.value, number=a.number, title=a.title) for a in assets]


@dataclass(frozen=True)
class _Read:
    """What a list of filings reads for all of them at once (not a few queries per filing)."""

    registration_nos: dict[int, str]
    consents: dict[int, list[int]]
    assets: dict[int, list[AssetSummary]]
    settings: dict[int, registry_settings.Settings]


def _read_for(session: Session, filings: Sequence[PledgeFiling]) -> _Read:
    ids = [f.id for f in filings]
    pledge_ids = sorted({f.pledge_id for f in filings if f.pledge_id is not None})
    numbers: dict[int, str] = {}
    for start in range(0, len(pledge_ids), 500):
        stmt = select(Pledge.id, Pledge.registration_no).where(Pledge.id.in_(pledge_ids[start : start + 500]))
        numbers.update({int(i): str(n) for i, n in session.execute(stmt)})
    registries = {f.registry_id for f in filings}
    return _Read(
        numbers,
        service.consents_of_many(session, ids),
        store.filings_assets(session, ids),
        {r: registry_settings.effective(session, r) for r in registries},
    )


def _filing_out(
    session: Session,
    filing: PledgeFiling,
    principal: Principal,
    today: dt.date,
    with_precheck: bool = False,
    read: _Read | None = None,
) -> FilingOut:
    read = read or _read_for(session, [filing])
    reg_no = read.registration_nos.get(filing.pledge_id) if filing.pledge_id is not None else None
    consents = read.consents[filing.id]
    checks = None
    status_ = FilingStatus(filing.status)
    if with_precheck and not status_.decided and status_ is not FilingStatus.WITHDRAWN:
        checks = [RefusalOut(**r.to_dict()) for r in decision.preview(session, filing, today)]
    return FilingOut(
        id=filing.id,
        filing_no=filing.filing_no,
        kind=filing.kind,
        status=filing.status,
        pledge_id=filing.pledge_id,
        registry_id=filing.registry_id,
        pledgor_id=filing.pledgor_id,
        pledgee_id=filing.pledgee_id,
        debt_type=filing.debt_type,
        debt_amount=filing.debt_amount,
        currency=filing.currency,
        debt_start=filing.debt_start,
        debt_end=filing.debt_end,
        security_scope=filing.security_scope,
        forfeiture_clause=filing.forfeiture_clause,
        confirms_same_day_dual=filing.confirms_same_day_dual,
        confirms_invalidation_pending=filing.confirms_invalidation_pending,
        consenting_coowner_ids=consents,
        coowner_agreement=filing.coowner_agreement,
        change=json.loads(filing.change_payload) if filing.change_payload else None,
        pledgor_confirmed=filing.pledgor_confirmed_at is not None,
        pledgee_confirmed=filing.pledgee_confirmed_at is not None,
        submitted_on=filing.submitted_on,
        due_on=filing.due_on,
        decided_on=filing.decided_on,
        refusal_codes=json.loads(filing.refusal_codes) if filing.refusal_codes else None,
        decision_note=filing.decision_note,
        registration_no=reg_no,
        items=_items(read.assets[filing.id]),
        precheck=checks,
        warnings=[
            WarningOut(**w.to_dict())
            for w in decision.filing_warnings(session, filing, consents, read.settings[filing.registry_id])
        ],
    )


def _pledge_out(session: Session, pledge: Pledge) -> PledgeOut:
    return PledgeOut(
        id=pledge.id,
        registration_no=pledge.registration_no,
        registry_id=pledge.registry_id,
        pledgor_id=pledge.pledgor_id,
        pledgee_id=pledge.pledgee_id,
        debt_amount=pledge.debt_amount,
        currency=pledge.currency,
        debt_end=pledge.debt_end,
        effective_on=pledge.effective_on,
        released_on=pledge.released_on,
        status=pledge.status,
        version=pledge.version,
        items=_items(store.pledge_assets(session, pledge.id)),
    )


@router.post("/pledge-filings", response_model=FilingOut, status_code=status.HTTP_201_CREATED)
def create_filing(body: FilingIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> FilingOut:
    """Draft a joint filing (质押登记申请) as the pledgor's or the pledgee's user."""
    filing = service.create_filing(session, principal, service.NewFiling(**body.model_dump()), today)
    return _filing_out(session, filing, principal, today, with_precheck=True)


@router.get("/pledge-filings", response_model=list[FilingOut])
def list_filings(
    principal: PrincipalDep, session: SessionDep, today: TodayDep, status_: str | None = Query(None, alias="status")
) -> list[FilingOut]:
    """The caller's filings (as pledgor, pledgee or registry)."""
    stmt = scope.scoped(PledgeFiling, principal)
    if status_:
        stmt = stmt.where(PledgeFiling.status == status_)
    rows = list(session.scalars(stmt.order_by(PledgeFiling.id.desc()).limit(500)))
    read = _read_for(session, rows)
    return [_filing_out(session, f, principal, today, read=read) for f in rows]


@router.get("/pledge-filings/{filing_id}", response_model=FilingOut)
def get_filing(filing_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> FilingOut:
    """One filing with the pre-check preview: every refusal a decision today would give."""
    filing = service.get_filing(session, principal, filing_id)
    return _filing_out(session, filing, principal, today, with_precheck=True)


@router.post("/pledge-filings/{filing_id}/confirm", response_model=FilingOut)
def confirm(filing_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> FilingOut:
    return _filing_out(session, service.confirm(session, principal, filing_id), principal, today)


@router.post("/pledge-filings/{filing_id}/submit", response_model=FilingOut)
def submit(filing_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> FilingOut:
    return _filing_out(session, service.submit(session, principal, filing_id, today), principal, today)


@router.post("/pledge-filings/{filing_id}/withdraw", response_model=FilingOut)
def withdraw(filing_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> FilingOut:
    return _filing_out(session, service.withdraw(session, principal, filing_id), principal, today)


@router.post("/pledge-filings/{filing_id}/register", response_model=FilingOut)
def register(filing_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> FilingOut:
    """The registry officer registers (准予登记); 409 with every refusal reason when the pre-check finds any."""
    return _filing_out(session, decision.register(session, principal, filing_id, today), principal, today)


@router.post("/pledge-filings/{filing_id}/refuse", response_model=FilingOut)
def refuse(
    filing_id: IdPath, body: RefuseIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> FilingOut:
    filing = decision.refuse(session, principal, filing_id, body.codes, body.note, today)
    return _filing_out(session, filing, principal, today)


@router.get("/registry/pledge-filings", response_model=list[FilingOut])
def officer_queue(
    principal: PrincipalDep, session: SessionDep, today: TodayDep, overdue: bool = False
) -> list[FilingOut]:
    """The registry officer's queue of submitted filings; ``overdue=true`` lists those past their deadline."""
    rows = decision.queue(session, principal, today, overdue)
    read = _read_for(session, rows)
    return [_filing_out(session, f, principal, today, read=read) for f in rows]


@router.get("/registry/settings", response_model=SettingsOut)
def get_settings(principal: PrincipalDep, session: SessionDep) -> SettingsOut:
    principal.require_kind(PartyKind.REGISTRY)
    return SettingsOut(**registry_settings.effective(session, principal.party_id).to_dict())


@router.put("/registry/settings", response_model=SettingsOut)
def put_settings(body: SettingsIn, principal: PrincipalDep, session: SessionDep) -> SettingsOut:
    """The registry's admin sets its time limit (in working or calendar days), office code and IP kinds (audited)."""
    s = registry_settings.update(
        session, principal, body.time_limit_working_days, body.registration_prefix, body.ip_kinds, body.day_basis
    )
    return SettingsOut(**s.to_dict())


@router.post("/pledges/{pledge_id}/changes", response_model=FilingOut, status_code=status.HTTP_201_CREATED)
def file_change(
    pledge_id: IdPath, body: ChangeIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> FilingOut:
    """Draft a change filing (变更登记) of amount, term or parties; both sides confirm it again."""
    change = service.PledgeChangeRequest(**body.model_dump())
    filing = service.create_change_filing(session, principal, pledge_id, change, today)
    return _filing_out(session, filing, principal, today, with_precheck=True)


@router.post("/pledges/{pledge_id}/release", response_model=FilingOut, status_code=status.HTTP_201_CREATED)
def file_release(
    pledge_id: IdPath, body: ReleaseIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> FilingOut:
    """Draft a release filing (注销登记): both sides confirm it, or either alone with proof the debt is extinguished."""
    filing = service.create_release_filing(session, principal, pledge_id, body.reason, today, body.proof)
    return _filing_out(session, filing, principal, today)


@router.get("/pledges/{pledge_id}", response_model=PledgeOut)
def get_pledge(pledge_id: IdPath, principal: PrincipalDep, session: SessionDep) -> PledgeOut:
    return _pledge_out(session, scope.get_visible(session, Pledge, pledge_id, principal))


def _on_date(rows: list[store.PledgeOnDate]) -> list[PledgeOnDateOut]:
    return [PledgeOnDateOut.model_validate(r, from_attributes=True) for r in rows]


@router.get("/ip-assets/{asset_id}/pledges", response_model=list[PledgeOnDateOut])
def asset_pledges(
    asset_id: IdPath, principal: PrincipalDep, session: SessionDep, on: BusinessDate | None = None
) -> list[PledgeOnDateOut]:
    """Pledges in force on the IP on ``on`` (YYYY-MM-DD), with the terms of that day; without ``on``, its history."""
    if not registry_queries.existing_asset_ids(session, [asset_id]):
        raise not_found("知识产权", "IP asset", id=asset_id)
    return _on_date(_pledges_of_visible_asset(session, principal, asset_id, on))


@router.get("/pledges", response_model=list[PledgeOnDateOut])
def pledges_by_number(
    principal: PrincipalDep, session: SessionDep, ip_number: str, on: BusinessDate | None = None
) -> list[PledgeOnDateOut]:
    """Same query by IP number (any printed form: ZL201310699744.2, 第12345号, ...)."""
    (asset_id,) = service.resolve_assets(session, [ip_number], [])
    try:
        rows = _pledges_of_visible_asset(session, principal, asset_id, on)
    except NotFoundError:  # an IP the caller may not read answers as one the register lacks (no existence oracle)
        raise pledge_errors.IP_NOT_FOUND(number=ip_number) from None
    return _on_date(rows)


def _pledges_of_visible_asset(
    session: Session, principal: Principal, asset_id: int, on: dt.date | None
) -> list[store.PledgeOnDate]:
    """An IP's pledges the caller may see; for an IP it may neither read on the register nor see a pledge of, 404 as
    for an IP that does not exist (an empty list would tell it the IP is there)."""
    rows = store.pledges_of_asset(session, principal, asset_id, on)
    if not rows:
        registry_queries.visible_asset_id(session, principal, asset_id)
    return rows
