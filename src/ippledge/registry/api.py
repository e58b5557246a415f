"""Register routes (登记簿): enterprises, IP assets, legal-status events and feeds, annuities, licences, transfers,
batch query. Writers are registry officers or a registry party's API key; readers are scoped by ``scope_rules``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from sqlalchemy import select
from starlette.datastructures import UploadFile

from ippledge.registry import (
    ageing,
    annuities,
    batch,
    enterprises,
    errors,
    event_codes,
    feed,
    legal_status,
    licences,
    model,
    service,
)
from ippledge.registry.model import IpKind, LegalState
from ippledge.registry.numbers import display
from ippledge.registry.schemas import (
    AbnormalClearIn,
    AbnormalIn,
    AbnormalOut,
    AgeingOut,
    AnnuityOut,
    AssetIn,
    AssetOut,
    BatchItemOut,
    BatchQueryIn,
    BatchQueryOut,
    DesignationIn,
    DesignationOut,
    EnterpriseIn,
    EnterpriseOut,
    EventIn,
    EventOut,
    FeedReportOut,
    InvalidationIn,
    LicenceCancelIn,
    LicenceChangeIn,
    LicenceIn,
    LicenceOut,
    OwnerOut,
    PaymentIn,
    PledgeViewOut,
    TransferIn,
)
from ippledge.registry.tables import Annuity, IpAsset, LegalStatusEvent, Licence
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath
from ippledge.web.money import yuan

router = APIRouter(tags=["registry"])


def _asset_out(session: SessionDep, a: IpAsset, as_of: dt.date) -> AssetOut:
    annuities = session.scalars(select(Annuity).where(Annuity.ip_asset_id == a.id).order_by(Annuity.year_no))
    return AssetOut(
        id=a.id,
        kind=a.kind,
        subtype=a.subtype,
        number=a.number,
        display=display(IpKind(a.kind), a.number),
        title=a.title,
        filing_date=a.filing_date,
        grant_date=a.grant_date,
        expiry_date=a.expiry_date,
        status=a.status,
        status_zh=model.LEGAL_STATE_ZH[LegalState(a.status)],
        status_date=a.status_date,
        preserved=a.preserved,
        invalidation_pending=a.invalidation_pending,
        open_licence=bool(a.open_licence),
        holder_name=a.holder_name,
        holder_address=a.holder_address,
        same_day_twin=a.same_day_twin,
        ipc=(a.ipc_all or "").split(),
        nice_classes=[int(n) for n in (a.nice_classes or "").split()],
        claims=a.claims,
        owners=[
            OwnerOut(party_id=o.party_id, share_bp=o.share_bp, since=o.since) for o in service.owners_of(session, a.id)
        ],
        annuities=[
            AnnuityOut(
                year_no=r.year_no,
                due_date=r.due_date,
                grace_end=model.grace_end(r.due_date),
                amount=r.amount,
                paid_on=r.paid_on,
                paid=r.paid,
                state=model.annuity_state(r.due_date, r.paid_on, as_of).value,
            )
            for r in annuities
        ],
    )


def _event_out(e: LegalStatusEvent) -> EventOut:
    title_zh, title_en = event_codes.title(e.code)
    return EventOut(
        id=e.id,
        code=e.code,
        title_zh=title_zh,
        title_en=title_en,
        effective_date=e.effective_date,
        details=json.loads(e.details) if e.details else None,
        source=e.source,
        batch_id=e.batch_id,
        recorded_at=e.recorded_at,
    )


@router.post("/enterprises", response_model=EnterpriseOut, status_code=status.HTTP_201_CREATED)
def register_enterprise(body: EnterpriseIn, principal: PrincipalDep, session: SessionDep) -> EnterpriseOut:
    """Register an enterprise (企业登记) with its profile; registry officers and the platform operator."""
    ent = enterprises.register_enterprise(session, principal, **body.model_dump())
    return get_enterprise(ent.party_id, principal, session)


@router.get("/enterprises/{party_id}", response_model=EnterpriseOut)
def get_enterprise(party_id: IdPath, principal: PrincipalDep, session: SessionDep) -> EnterpriseOut:
    ent, party = enterprises.get_enterprise(session, principal, party_id)
    return EnterpriseOut(
        party_id=party.id,
        name=party.name,
        uscc=party.uscc,
        region_code=party.region_code,
        industry=ent.industry,
        size=ent.size,
        annual_revenue=None if ent.annual_revenue_fen is None else yuan(ent.annual_revenue_fen),
        revenue_year=ent.revenue_year,
        employees=ent.employees,
        founded_on=ent.founded_on,
        high_tech=ent.high_tech,
    )


@router.post("/ip-assets", response_model=AssetOut, status_code=status.HTTP_201_CREATED)
def record_asset(body: AssetIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> AssetOut:
    """Record a patent, trademark or copyright with its owners (知识产权登记)."""
    as_of = today
    asset = service.record_asset(
        session,
        principal,
        kind=body.kind,
        subtype=body.subtype,
        number=body.number,
        title=body.title,
        filing_date=body.filing_date,
        owners=[service.OwnerShare(o.party_id, o.share_bp) for o in body.owners],
        as_of=as_of,
        grant_date=body.grant_date,
        expiry_date=body.expiry_date,
        status=body.status,
        ipc_symbols=body.ipc,
        nice_classes=body.nice_classes,
        claims=body.claims,
        same_day_twin=body.same_day_twin,
        annuities_paid_through=body.annuities_paid_through,
    )
    return _asset_out(session, asset, as_of)


@router.post("/ip-assets/batch-query", response_model=BatchQueryOut)
def batch_query(
    body: BatchQueryIn, request: Request, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> BatchQueryOut:
    """Status, owners, pledges and annuity state of up to 10,000 numbers (批量查询)."""
    as_of = body.as_of or today
    limit = request.app.state.settings.bulk_query_limit
    items = batch.batch_query(session, principal, body.numbers, as_of, limit)
    out = [
        BatchItemOut(
            **{k: v for k, v in vars(i).items() if k not in ("owners", "pledges")},
            owners=[vars(o) for o in i.owners],
            pledges=[
                PledgeViewOut(
                    registration_no=p.registration_no,
                    pledgee_id=p.pledgee_id,
                    pledgee_name=p.pledgee_name,
                    effective_on=p.effective_on,
                    debt_amount=p.debt_amount,
                    currency=p.currency,
                )
                for p in i.pledges
            ],
        )
        for i in items
    ]
    counts = {r: sum(1 for i in items if i.result == r) for r in ("found", "not_found", "invalid")}
    return BatchQueryOut(as_of=as_of, items=out, **counts)


@router.get("/ip-assets/by-number/{kind}/{number}", response_model=AssetOut)
def get_asset_by_number(
    kind: IpKind, number: str, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> AssetOut:
    return _asset_out(session, service.find_asset(session, principal, kind, number), today)


@router.get("/ip-assets/{asset_id}", response_model=AssetOut)
def get_asset(asset_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> AssetOut:
    return _asset_out(session, service.get_asset(session, principal, asset_id), today)


@router.get("/ip-assets/{asset_id}/history", response_model=list[EventOut])
def history(asset_id: IdPath, principal: PrincipalDep, session: SessionDep) -> list[EventOut]:
    """Full legal-status history (法律状态历史), oldest first."""
    return [_event_out(e) for e in legal_status.history(session, principal, asset_id)]


@router.post("/ip-assets/{asset_id}/events", response_model=EventOut, status_code=status.HTTP_201_CREATED)
def record_event(
    asset_id: IdPath, body: EventIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> EventOut:
    """Record one legal-status event; an event that cannot happen now is 409 and nothing is written."""
    service.get_asset(session, principal, asset_id)
    ev = legal_status.record_event(
        session, principal, asset_id, body.code, body.effective_date, body.details, as_of=today
    )
    assert ev is not None
    return _event_out(ev)


@router.post("/registry/ageing", response_model=AgeingOut)
def age_register(principal: PrincipalDep, session: SessionDep, today: TodayDep) -> dict[str, Any]:
    """Age the register to the business date (登记簿老化): record the annuity lapses (CF01), term expiries (CX01) and
    marks past their renewal grace (CX01) that time has brought about; returns the asset ids by reason."""
    return ageing.age_register(session, principal, today).to_dict()


@router.post("/ip-assets/{asset_id}/annuities/{year_no}/payment", response_model=AssetOut)
def pay_annuity(
    asset_id: IdPath, year_no: IdPath, body: PaymentIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> AssetOut:
    """Record an annuity payment (年费缴纳), with the late surcharge inside the grace period."""
    annuities.pay_annuity(session, principal, asset_id, year_no, body.paid_on)
    return _asset_out(session, service.get_asset(session, principal, asset_id), today)


@router.get("/ip-assets/{asset_id}/licences", response_model=list[LicenceOut])
def list_licences(asset_id: IdPath, principal: PrincipalDep, session: SessionDep) -> list[Licence]:
    asset = service.get_asset(session, principal, asset_id)
    return list(session.scalars(select(Licence).where(Licence.ip_asset_id == asset.id).order_by(Licence.id)))


@router.post("/ip-assets/{asset_id}/licences", response_model=LicenceOut, status_code=status.HTTP_201_CREATED)
def record_licence(asset_id: IdPath, body: LicenceIn, principal: PrincipalDep, session: SessionDep) -> Licence:
    """Record a licence (许可备案); a pledged IP needs the pledgee's consent."""
    return licences.record_licence(session, principal, asset_id, **body.model_dump())


@router.post("/licences/{licence_id}/change", response_model=LicenceOut)
def change_licence(licence_id: IdPath, body: LicenceChangeIn, principal: PrincipalDep, session: SessionDep) -> Licence:
    return licences.change_licence(session, principal, licence_id, **body.model_dump())


@router.post("/licences/{licence_id}/cancel", response_model=LicenceOut)
def cancel_licence(licence_id: IdPath, body: LicenceCancelIn, principal: PrincipalDep, session: SessionDep) -> Licence:
    return licences.cancel_licence(session, principal, licence_id, body.cancelled_on)


@router.post("/ip-assets/{asset_id}/transfer", response_model=AssetOut)
def transfer(
    asset_id: IdPath, body: TransferIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> AssetOut:
    """Transfer the right (转让); refused while preserved, or while pledged without the pledgee's consent."""
    asset = legal_status.transfer(
        session,
        principal,
        asset_id,
        owners=[service.OwnerShare(o.party_id, o.share_bp) for o in body.owners],
        effective_date=body.effective_date,
        pledgee_consent=body.pledgee_consent,
        pledgee_consent_id=body.pledgee_consent_id,
    )
    return _asset_out(session, asset, today)


@router.post("/ip-assets/{asset_id}/invalidation-request", response_model=AssetOut)
def invalidation_request(
    asset_id: IdPath, body: InvalidationIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> AssetOut:
    """Mark or clear a pending invalidation request (无效宣告请求审查中)."""
    asset = legal_status.set_invalidation_pending(session, principal, asset_id, body.pending, body.on, body.note)
    return _asset_out(session, asset, today)


async def _feed_body(request: Request) -> bytes:
    """The feed as a raw body, or the ``file`` field of a multipart upload."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload: Any = form.get("file")
        if not isinstance(upload, UploadFile):
            raise errors.FEED_FILE()
        return await upload.read()
    return await request.body()


@router.post("/legal-status/feeds", response_model=FeedReportOut, status_code=status.HTTP_201_CREATED)
def load_feed(
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    data: Annotated[bytes, Depends(_feed_body)],
    format: Annotated[str, Query(pattern="^(csv|jsonl)$")] = "csv",
    source_name: Annotated[str, Query(max_length=200)] = "api",
) -> FeedReportOut:
    """Bulk legal-status feed (批量导入); bad lines come back with line number and reason, good lines load."""
    report = feed.ingest_feed(session, principal, data, format, source_name, today)
    return FeedReportOut.model_validate(report)


# -- designations and abnormal-application flags (企业认定与非正常专利申请标记) -----------------------------------


@router.post("/enterprises/{party_id}/designations", response_model=DesignationOut, status_code=status.HTTP_201_CREATED)
def add_designation(party_id: IdPath, body: DesignationIn, session: SessionDep, principal: PrincipalDep) -> Any:
    """Record a designation (示范/优势企业, 专精特新, 高新技术企业, 园区) with its validity and source."""
    from ippledge.registry import designations

    row = designations.record_designation(
        session, principal, party_id, body.kind, body.valid_from, body.source, body.valid_to, body.detail
    )
    return DesignationOut.model_validate(row, from_attributes=True)


@router.post("/ip-assets/{asset_id}/abnormal-flags", response_model=AbnormalOut, status_code=status.HTTP_201_CREATED)
def flag_abnormal(asset_id: IdPath, body: AbnormalIn, session: SessionDep, principal: PrincipalDep) -> Any:
    """Flag a patent application as abnormal (非正常专利申请) under an IP office notice."""
    from ippledge.registry import designations

    row = designations.flag_abnormal(session, principal, asset_id, body.flagged_on, body.notice)
    return AbnormalOut.model_validate(row, from_attributes=True)


@router.post("/ip-assets/{asset_id}/abnormal-flags/clear", response_model=AbnormalOut)
def clear_abnormal(asset_id: IdPath, body: AbnormalClearIn, session: SessionDep, principal: PrincipalDep) -> Any:
    """Clear the open flag (notice withdrawn or correction accepted)."""
    from ippledge.registry import designations

    row = designations.clear_abnormal(session, principal, asset_id, body.cleared_on)
    return AbnormalOut.model_validate(row, from_attributes=True)
