"""Monitoring routes (贷后监测接口): ``POST /monitoring/runs`` (the platform operator), ``GET /monitoring/alerts``,
the watch list (关注名单): ``GET/POST /watch-list``, ``GET /watch-list/{id}``, ``POST /watch-list/{id}/moves``,
and post-loan actions (贷后措施): ``POST /monitoring/actions/annuity-payments`` (代缴年费, an officer proposes),
``POST /monitoring/actions/{id}/decision`` (another approver decides; approving acts), ``GET /monitoring/actions``
and ``GET /monitoring/actions/{id}``; ``POST /monitoring/actions/downgrades`` (下调分类建议, decided the same way),
``POST /monitoring/actions/site-visits`` (现场走访) and ``POST /monitoring/actions/{id}/findings`` (a visit's or an
inspection's findings); ``POST /monitoring/actions/additional-security`` (追加担保, decided, then
``POST /monitoring/actions/{id}/security-offer`` files the pledge change adding the offered IP) and
``POST /monitoring/actions/early-recalls`` (提前收回, decided; approving accelerates the loan).

A bank sees and moves only its own entries (another bank's is a 404); a move out of order is a 409.
"""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Query

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.monitoring import actions, queries, recall, security, service
from ippledge.monitoring.schemas import (
    ActionDecisionIn,
    ActionOut,
    AlertOut,
    AnnuityPaymentIn,
    DowngradeIn,
    FindingsIn,
    RecallIn,
    RunIn,
    RunOut,
    SecurityOfferIn,
    SecurityRequestIn,
    SiteVisitIn,
    WatchMoveIn,
    WatchOpenIn,
    WatchOut,
)
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["monitoring"])


def _require_operator(principal: Principal) -> None:
    principal.require_kind(PartyKind.PLATFORM)
    principal.require(Role.OPERATOR, Role.ADMIN)


def _watch(v: queries.WatchView) -> WatchOut:
    return WatchOut.model_validate(dataclasses.asdict(v))


@router.post("/monitoring/runs", response_model=list[RunOut])
def run(body: RunIn, session: SessionDep, principal: PrincipalDep) -> list[RunOut]:
    """Monitor a closed business date (normally the close does it), catching up missed dates first."""
    _require_operator(principal)
    return [RunOut.model_validate(r.to_dict()) for r in service.run_through(session, body.date)]


@router.get("/monitoring/alerts", response_model=list[AlertOut])
def list_alerts(
    session: SessionDep,
    principal: PrincipalDep,
    loan_id: int | None = None,
    limit: int = Query(200, ge=1, le=1000),
) -> list[AlertOut]:
    """The alerts on the caller's bank's loans, newest first (others hear them through the event feed)."""
    return [AlertOut.model_validate(dataclasses.asdict(a)) for a in queries.alerts(session, principal, loan_id, limit)]


@router.get("/watch-list", response_model=list[WatchOut])
def watch_list(
    session: SessionDep, principal: PrincipalDep, state: str | None = None, loan_id: int | None = None
) -> list[WatchOut]:
    """The watch list (关注名单) of the caller's bank, with each entry's history."""
    return [_watch(v) for v in queries.watch_list(session, principal, state, loan_id)]


@router.post("/watch-list", response_model=WatchOut, status_code=201)
def open_entry(body: WatchOpenIn, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> WatchOut:
    """An officer lists one of its bank's loans (rule ``officer``)."""
    entry = service.open_entry(session, principal, body.loan_id, body.reason, today, body.owner)
    return _watch(queries.view(session, entry))


@router.get("/watch-list/{entry_id}", response_model=WatchOut)
def get_entry(entry_id: IdPath, session: SessionDep, principal: PrincipalDep) -> WatchOut:
    return _watch(queries.watch_entry(session, principal, entry_id))


@router.post("/watch-list/{entry_id}/moves", response_model=WatchOut)
def move(
    entry_id: IdPath, body: WatchMoveIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> WatchOut:
    """Move an entry (open → acting → cured/escalated → closed) with what was done."""
    entry = service.move_entry(session, principal, entry_id, body.to, body.note, today, body.owner)
    return _watch(queries.view(session, entry))


def _action(v: actions.ActionView) -> ActionOut:
    return ActionOut.model_validate(dataclasses.asdict(v))


@router.post("/monitoring/actions/annuity-payments", response_model=ActionOut, status_code=201)
def propose_annuity_payment(
    body: AnnuityPaymentIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> ActionOut:
    """代缴年费: a credit officer proposes paying a pledged patent's annuity on the pledgor's behalf."""
    action = service.propose_annuity_payment(session, principal, body.loan_id, body.asset_id, body.year_no, today)
    return _action(actions.view(action))


@router.post("/monitoring/actions/downgrades", response_model=ActionOut, status_code=201)
def propose_downgrade(body: DowngradeIn, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> ActionOut:
    """下调分类建议: a credit officer proposes a worse grade; another approver decides (approving sets it)."""
    action = service.propose_downgrade(session, principal, body.loan_id, body.grade, body.reason, today)
    return _action(actions.view(action))


@router.post("/monitoring/actions/site-visits", response_model=ActionOut, status_code=201)
def plan_site_visit(body: SiteVisitIn, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> ActionOut:
    """现场走访: a credit officer plans a visit, done when the findings are recorded within the limit."""
    return _action(actions.view(service.plan_site_visit(session, principal, body.loan_id, body.purpose, today)))


@router.post("/monitoring/actions/additional-security", response_model=ActionOut, status_code=201)
def request_security(
    body: SecurityRequestIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> ActionOut:
    """追加担保: a credit officer asks for more IP under the loan's pledge; another approver decides."""
    action = security.request_security(session, principal, body.loan_id, body.reason, today, body.watch_entry_id)
    return _action(actions.view(action))


@router.post("/monitoring/actions/{action_id}/security-offer", response_model=ActionOut)
def record_security_offer(
    action_id: IdPath, body: SecurityOfferIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> ActionOut:
    """The borrower offered more IP: the change filing adding it to the pledge is drafted and confirmed by the bank
    (the pledgor confirms and submits it; the action is done when the registry registers it)."""
    action = security.record_offer(
        session, principal, action_id, body.asset_ids, today, body.pledge_id, body.ip_numbers
    )
    return _action(actions.view(action))


@router.post("/monitoring/actions/early-recalls", response_model=ActionOut, status_code=201)
def propose_recall(body: RecallIn, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> ActionOut:
    """提前收回: a credit officer proposes accelerating the loan; another approver decides (approving recalls it)."""
    action = recall.propose_recall(session, principal, body.loan_id, body.reason, today, body.recall_on)
    return _action(actions.view(action))


@router.post("/monitoring/actions/{action_id}/findings", response_model=ActionOut)
def record_findings(
    action_id: IdPath, body: FindingsIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> ActionOut:
    """A site visit or a post-loan inspection (贷后检查) is done: the findings and the evidence references."""
    action = service.record_findings(session, principal, action_id, body.findings, body.evidence, today)
    return _action(actions.view(action))


@router.post("/monitoring/actions/{action_id}/decision", response_model=ActionOut)
def decide_action(
    action_id: IdPath, body: ActionDecisionIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> ActionOut:
    """Another approver of the bank decides; approving pays, records it on the register and posts the advance."""
    action = service.decide_action(session, principal, action_id, body.approve, body.reason, today)
    return _action(actions.view(action))


@router.get("/monitoring/actions", response_model=list[ActionOut])
def list_actions(
    session: SessionDep, principal: PrincipalDep, loan_id: int | None = None, state: str | None = None
) -> list[ActionOut]:
    """The post-loan actions of the caller's bank, oldest first."""
    return [_action(v) for v in actions.actions(session, principal, loan_id, state)]


@router.get("/monitoring/actions/{action_id}", response_model=ActionOut)
def get_action(action_id: IdPath, session: SessionDep, principal: PrincipalDep) -> ActionOut:
    return _action(actions.view(actions.visible_action(session, principal, action_id)))
