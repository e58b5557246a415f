"""One-stop application routes (一站式受理接口): apply, consents, timeline, tasks, bank requests, intake parameters."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.intake import errors, parameters, progress, service, store, tasks
from ippledge.intake.model import Channel, TaskKind
from ippledge.intake.schemas import (
    ApplicationIn,
    ApplicationOut,
    ConsentOut,
    GreenChannelIn,
    GreenChannelOut,
    OptionalReasonIn,
    PartyIn,
    PrecheckOut,
    ReasonIn,
    TaskOut,
    ThresholdIn,
    ThresholdOut,
    TimeLimitIn,
    TimeLimitOut,
    TimelineOut,
    ValuationRequestIn,
)
from ippledge.intake.tables import Application, Task
from ippledge.pledge import queries as pledge_queries
from ippledge.pledge.model import Refusal
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["intake"])


def precheck_out(refusals: list[Refusal]) -> list[PrecheckOut]:
    hard = {id(r) for r in pledge_queries.blocking_refusals(refusals)}
    return [PrecheckOut(**r.to_dict(), blocking=id(r) in hard) for r in refusals]


def app_out(session: Session, app: Application, checks: list[Refusal] | None = None) -> ApplicationOut:
    return ApplicationOut(
        id=app.id,
        application_no=app.application_no,
        applicant_id=app.applicant_id,
        amount=app.amount,
        currency=app.currency,
        term_months=app.term_months,
        purpose=app.purpose,
        any_bank=app.any_bank,
        green_channel=app.green_channel,
        status=app.status,
        submitted_on=app.submitted_on,
        withdrawn_on=app.withdrawn_on,
        ip_asset_ids=store.asset_ids(session, app.id),
        precheck=None if checks is None else precheck_out(checks),
    )


def task_out(session: Session, task: Task, today: dt.date) -> TaskOut:
    return TaskOut.model_validate(progress.views(session, [task], today)[0], from_attributes=True)


@router.post("/applications", response_model=ApplicationOut, status_code=status.HTTP_201_CREATED)
def submit(body: ApplicationIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> ApplicationOut:
    """Apply once (一站式申请): IP, amount, term, purpose, chosen banks or "any", consents per party."""
    if isinstance(body.banks, str) and body.banks != "any":
        raise errors.BANKS()
    data = service.NewApplication(
        amount=body.amount,
        currency=body.currency,
        term_months=body.term_months,
        purpose=body.purpose,
        ip_asset_ids=body.ip_asset_ids,
        ip_numbers=body.ip_numbers,
        bank_ids=[] if isinstance(body.banks, str) else body.banks,
        any_bank=isinstance(body.banks, str),
        consent_party_ids=body.consent_party_ids,
    )
    app = service.submit_application(session, principal, data, today)
    # say at once what the registry would refuse on the offered IP, and why (登记预审)
    return app_out(session, app, service.registry_precheck(session, app, today))


@router.get("/applications", response_model=list[ApplicationOut])
def list_applications(principal: PrincipalDep, session: SessionDep) -> list[ApplicationOut]:
    rows = session.scalars(scope.scoped(Application, principal).order_by(Application.id.desc()).limit(500))
    return [app_out(session, a) for a in rows]


@router.get("/applications/{application_id}", response_model=ApplicationOut)
def get_application(application_id: IdPath, principal: PrincipalDep, session: SessionDep) -> ApplicationOut:
    return app_out(session, service.get_application(session, principal, application_id))


@router.get("/applications/{application_id}/precheck", response_model=list[PrecheckOut])
def precheck(
    application_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> list[PrecheckOut]:
    """The registry's pre-check on the offered IP today (登记预审): every refusal a pledge filing would meet."""
    return precheck_out(service.precheck(session, principal, application_id, today))


@router.get("/applications/{application_id}/timeline", response_model=TimelineOut)
def timeline(application_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> TimelineOut:
    """Who holds each task, since when, working days elapsed against the limit, overdue (办理进度)."""
    app, rows = progress.timeline(session, principal, application_id, today)
    return TimelineOut(
        application=app_out(session, app),
        as_of=today,
        tasks=[TaskOut.model_validate(v, from_attributes=True) for v in rows],
    )


@router.post("/applications/{application_id}/withdraw", response_model=ApplicationOut)
def withdraw(
    application_id: IdPath, body: OptionalReasonIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> ApplicationOut:
    return app_out(session, service.withdraw(session, principal, application_id, body.reason, today))


@router.get("/applications/{application_id}/consents", response_model=list[ConsentOut])
def consents(application_id: IdPath, principal: PrincipalDep, session: SessionDep) -> list[ConsentOut]:
    app = service.get_application(session, principal, application_id)
    rows = store.consents_of(session, app.id)
    if principal.party_id != app.applicant_id:
        rows = [c for c in rows if c.party_id == principal.party_id]
    return [
        ConsentOut(party_id=c.party_id, basis=c.basis, granted_on=c.granted_on, revoked_on=c.revoked_on) for c in rows
    ]


@router.post("/applications/{application_id}/consents", response_model=ConsentOut, status_code=201)
def grant(
    application_id: IdPath, body: PartyIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> ConsentOut:
    c = service.grant_consent(session, principal, application_id, body.party_id, today)
    return ConsentOut(party_id=c.party_id, basis=c.basis, granted_on=c.granted_on, revoked_on=c.revoked_on)


@router.delete("/applications/{application_id}/consents/{party_id}", status_code=204)
def revoke(
    application_id: IdPath, party_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> Response:
    service.revoke_consent(session, principal, application_id, party_id, today)
    return Response(status_code=204)


@router.post("/applications/{application_id}/valuation", response_model=TaskOut, status_code=201)
def request_valuation(
    application_id: IdPath, body: ValuationRequestIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> TaskOut:
    """The bank picks a valuer, or (no valuer, amount under the threshold) values internally."""
    task = service.request_valuation(session, principal, application_id, body.valuer_id, today)
    return task_out(session, task, today)


@router.post("/applications/{application_id}/underwriting", response_model=TaskOut, status_code=201)
def request_underwriting(
    application_id: IdPath, body: PartyIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> TaskOut:
    task = service.request_underwriting(session, principal, application_id, body.party_id, today)
    return task_out(session, task, today)


@router.post("/applications/{application_id}/ip-review", response_model=TaskOut, status_code=201)
def request_ip_review(
    application_id: IdPath, body: PartyIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> TaskOut:
    """The bank asks an IP operations institution to review the IP (知识产权审查, Zhongguancun model)."""
    task = service.request_ip_review(session, principal, application_id, body.party_id, today)
    return task_out(session, task, today)


@router.post("/applications/{application_id}/decline", response_model=TaskOut)
def bank_decline(
    application_id: IdPath, body: ReasonIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> TaskOut:
    """The bank declines the application with a reason (银行拒绝)."""
    return task_out(session, service.bank_decline(session, principal, application_id, body.reason, today), today)


@router.get("/tasks", response_model=list[TaskOut])
def my_tasks(
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    overdue: bool | None = Query(None),
    status_: str | None = Query(None, alias="status"),
) -> list[TaskOut]:
    """Tasks the caller's party holds; ``overdue=true`` for those past their limit."""
    return [
        TaskOut.model_validate(v, from_attributes=True)
        for v in progress.my_tasks(session, principal, today, overdue, status_)
    ]


@router.post("/tasks/{task_id}/accept", response_model=TaskOut)
def accept(task_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> TaskOut:
    return task_out(session, tasks.accept(session, principal, task_id, today), today)


@router.post("/tasks/{task_id}/decline", response_model=TaskOut)
def decline(task_id: IdPath, body: ReasonIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> TaskOut:
    return task_out(session, tasks.decline(session, principal, task_id, body.reason, today), today)


@router.post("/tasks/{task_id}/complete", response_model=TaskOut)
def complete(
    task_id: IdPath, body: OptionalReasonIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> TaskOut:
    """An insurer or guarantor completes its underwriting task, or an IP operations institution its IP review."""
    return task_out(session, tasks.complete_with_note(session, principal, task_id, body.reason, today), today)


@router.get("/task-time-limits", response_model=list[TimeLimitOut])
def time_limits(principal: PrincipalDep, session: SessionDep, today: TodayDep) -> list[TimeLimitOut]:
    """The limits in force today for every task kind and channel."""
    out = []
    for channel in Channel:
        for kind in TaskKind:
            days = store.limit_days(session, kind, channel, today)
            out.append(TimeLimitOut(task_kind=kind.value, channel=channel.value, working_days=days, source="data"))
    return out


@router.post("/task-time-limits", response_model=TimeLimitOut, status_code=201)
def set_time_limit(body: TimeLimitIn, principal: PrincipalDep, session: SessionDep) -> TimeLimitOut:
    try:
        kind = TaskKind(body.task_kind)
    except ValueError:
        raise errors.TASK_KIND(value=body.task_kind) from None
    try:
        channel = Channel(body.channel)
    except ValueError:
        raise errors.CHANNEL(value=body.channel) from None
    days, since = body.working_days, body.effective_from
    row = parameters.set_time_limit(session, principal, kind, channel, days, since, body.note)
    return TimeLimitOut(
        task_kind=row.task_kind, channel=row.channel, working_days=row.working_days, source=str(row.effective_from)
    )


@router.get("/green-channel", response_model=list[GreenChannelOut])
def green_channel(principal: PrincipalDep, session: SessionDep) -> list[GreenChannelOut]:
    rows = parameters.green_channel_entries(session)
    if principal.party_kind not in store.READERS:
        rows = [r for r in rows if r.party_id == principal.party_id]
    return [GreenChannelOut(id=r.id, party_id=r.party_id, since=r.since, until=r.until, reason=r.reason) for r in rows]


@router.post("/green-channel", response_model=GreenChannelOut, status_code=201)
def add_green_channel(body: GreenChannelIn, principal: PrincipalDep, session: SessionDep) -> GreenChannelOut:
    r = parameters.add_green_channel(session, principal, body.party_id, body.since, body.until, body.reason)
    return GreenChannelOut(id=r.id, party_id=r.party_id, since=r.since, until=r.until, reason=r.reason)


@router.post("/internal-valuation-thresholds", response_model=ThresholdOut, status_code=201)
def set_threshold(body: ThresholdIn, principal: PrincipalDep, session: SessionDep) -> ThresholdOut:
    """The platform operator records the amount below which a bank may value the IP itself (内部评估门槛)."""
    row = parameters.set_internal_valuation_threshold(session, principal, body.amount, body.effective_from, body.note)
    return ThresholdOut(amount=row.amount, effective_from=row.effective_from)
