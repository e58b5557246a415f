"""Valuation task routes (估值任务接口): submit and correct reports, read them, the latest valid value of an IP.

Accepting or declining a valuation task uses the generic ``/tasks/{id}/accept`` and ``/tasks/{id}/decline``.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from ippledge.intake import queries as intake
from ippledge.kernel.errors import not_found
from ippledge.valuation import queries, service, store
from ippledge.valuation.model import ReportDraft
from ippledge.valuation.schemas import ItemOut, ReportIn, ReportOut, ValuedItemOut
from ippledge.valuation.tables import ValuationReport
from ippledge.web.dates import BusinessDate
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath, IdQuery

router = APIRouter(tags=["valuation"])


def _draft(body: ReportIn) -> ReportDraft:
    return ReportDraft(
        items=[(i.ip_asset_id, i.value) for i in body.items],
        total=body.total,
        method=body.method,
        assumptions=body.assumptions,
        valuation_date=body.valuation_date,
        valid_until=body.valid_until,
    )


def report_out(session: Session, r: ValuationReport) -> ReportOut:
    return ReportOut(
        id=r.id,
        report_no=r.report_no,
        task_id=r.task_id,
        application_id=r.application_id,
        bank_id=r.bank_id,
        valuer_id=r.valuer_id,
        internal=r.internal,
        signer_user_id=r.signer_user_id,
        method=r.method,
        assumptions=json.loads(r.assumptions),
        valuation_date=r.valuation_date,
        valid_until=r.valid_until,
        total=r.total,
        currency=r.currency,
        supersedes_id=r.supersedes_id,
        submitted_on=r.submitted_on,
        items=[ItemOut(ip_asset_id=a, value=v) for a, v in store.items_of(session, r.id)],
    )


@router.post("/tasks/{task_id}/valuation-report", response_model=ReportOut, status_code=status.HTTP_201_CREATED)
def submit_report(
    task_id: IdPath, body: ReportIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> ReportOut:
    """The valuer (or the bank, for an internal valuation) submits its signed report; the task is done."""
    return report_out(session, service.submit_report(session, principal, task_id, _draft(body), today))


@router.post("/valuation-reports/{report_id}/corrections", response_model=ReportOut, status_code=201)
def correct_report(
    report_id: IdPath, body: ReportIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> ReportOut:
    """A correction: a new report superseding this one (reports never change once submitted)."""
    return report_out(session, service.correct_report(session, principal, report_id, _draft(body), today))


@router.get("/valuation-reports/{report_id}", response_model=ReportOut)
def get_report(report_id: IdPath, principal: PrincipalDep, session: SessionDep) -> ReportOut:
    return report_out(session, service.get_report(session, principal, report_id))


@router.get("/applications/{application_id}/valuation-reports", response_model=list[ReportOut])
def reports(application_id: IdPath, principal: PrincipalDep, session: SessionDep) -> list[ReportOut]:
    intake.visible_application(session, principal, application_id)
    return [report_out(session, r) for r in service.reports_of(session, principal, application_id)]


@router.get("/applications/{application_id}/valuations/latest", response_model=ValuedItemOut)
def latest(
    application_id: IdPath,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    ip_asset_id: IdQuery,
    as_of: BusinessDate | None = Query(None),
) -> ValuedItemOut:
    """The latest report valid on ``as_of`` (default today) valuing this IP; a bank sees only its own valuations."""
    app = intake.visible_application(session, principal, application_id)
    bank = principal.party_id if principal.party_kind.value == "bank" else None
    item = queries.latest_valid(session, app.id, ip_asset_id, as_of or today, bank_id=bank)
    if item is None:
        raise not_found("有效评估报告", "valid valuation report", ip_asset_id=ip_asset_id)
    return ValuedItemOut(
        report_id=item.report_id,
        ip_asset_id=item.ip_asset_id,
        value=item.value,
        valuation_date=item.valuation_date,
        valid_until=item.valid_until,
    )
