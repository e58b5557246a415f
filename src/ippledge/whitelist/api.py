"""Whitelist routes (白名单接口): criteria (``/whitelist-criteria``), lists (``/whitelists``, build, review), pushes
(``/whitelists/{id}/pushes``, ``/whitelist-pushes``), the banks' feedback (``/whitelist-push-items/{id}/feedback``),
escalation of overdue follow-ups (``/whitelist-escalations``) and the reverse push (``/reverse-push``).

Lists and criteria: the platform operator writes, the platform and the regulator read (403 for others). A push and
its firms are the receiving bank's (another bank's is a 404); an event's follow-up tasks are pushes with an
``event_id`` and no list (``/whitelist-pushes?event_id=``). A bank reading a push sees each firm's reasons and the
gateway fields the firm granted it for the purpose ``whitelist``, read at that moment (record 0032).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath
from ippledge.whitelist import queries, service
from ippledge.whitelist.model import TimeLimits
from ippledge.whitelist.schemas import (
    BuildIn,
    CriteriaIn,
    CriteriaOut,
    EscalationOut,
    FeedbackIn,
    ItemOut,
    ListOut,
    PushIn,
    PushOut,
    ReverseIn,
    ReverseOut,
    ReviewIn,
)

router = APIRouter(tags=["whitelist"])
_ANSWER_FIELDS = tuple(f.name for f in dataclasses.fields(service.ReverseAnswer))
_ERROR_FIELDS = tuple(f.name for f in dataclasses.fields(service.LineError))


def _flat(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """A flat dataclass as a dict without ``dataclasses.asdict``'s deep copies (10,000 rows a call)."""
    return {n: getattr(row, n) for n in names}


@router.post("/whitelist-criteria", response_model=CriteriaOut, status_code=201)
def add_criteria(body: CriteriaIn, session: SessionDep, principal: PrincipalDep) -> queries.CriteriaView:
    """A new version of whitelist criteria (白名单标准); a criterion on a fact the platform lacks is 'unknown'."""
    row = service.add_criteria(session, principal, body.code, body.name, body.rules, body.effective_from)
    return queries.criteria(session, principal, row.id)


@router.get("/whitelist-criteria", response_model=list[CriteriaOut])
def list_criteria(session: SessionDep, principal: PrincipalDep) -> list[queries.CriteriaView]:
    return queries.criteria_list(session, principal)


@router.get("/whitelist-criteria/{criteria_id}", response_model=CriteriaOut)
def get_criteria(criteria_id: IdPath, session: SessionDep, principal: PrincipalDep) -> queries.CriteriaView:
    return queries.criteria(session, principal, criteria_id)


@router.post("/whitelists", response_model=ListOut, status_code=201)
def build(body: BuildIn, session: SessionDep, principal: PrincipalDep) -> queries.ListView:
    """Build a draft list: every enterprise judged on the criteria, the passing ones ranked with their reasons."""
    row = service.build_list(
        session, principal, body.criteria_id, body.name, body.as_of, body.valid_from, body.valid_to
    )
    return queries.list_view(session, row)


@router.get("/whitelists", response_model=list[ListOut])
def list_lists(session: SessionDep, principal: PrincipalDep, status: str | None = None) -> list[queries.ListView]:
    return queries.whitelists(session, principal, status)


@router.get("/whitelists/{list_id}", response_model=ListOut)
def get_list(list_id: IdPath, session: SessionDep, principal: PrincipalDep) -> queries.ListView:
    return queries.whitelist(session, principal, list_id)


@router.post("/whitelists/{list_id}/review", response_model=ListOut)
def review(
    list_id: IdPath, body: ReviewIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> queries.ListView:
    """A second operator publishes or rejects a draft (双人复核)."""
    row = service.review_list(session, principal, list_id, body.decision, body.note, today)
    return queries.list_view(session, row)


@router.post("/whitelists/{list_id}/pushes", response_model=list[PushOut], status_code=201)
def push(
    list_id: IdPath, body: PushIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> list[queries.PushView]:
    """Push the list's top firms to the chosen banks (event ``whitelist.pushed``: webhooks and the pull feed)."""
    limits = TimeLimits(body.first_contact_days, body.next_step_days)
    rows = service.push_list(session, principal, list_id, body.bank_ids, body.top_n, today, limits)
    return [queries.push_view(session, p, today) for p in rows]


@router.get("/whitelist-pushes", response_model=list[PushOut])
def list_pushes(
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    whitelist_id: int | None = None,
    event_id: int | None = None,
) -> list[queries.PushView]:
    """The pushes the caller may see (a bank: the ones it received, events' follow-up tasks included), without
    their firms."""
    return queries.pushes(session, principal, today, whitelist_id, event_id)


@router.get("/whitelist-pushes/{push_id}", response_model=PushOut)
def get_push(push_id: IdPath, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> queries.PushView:
    return queries.push(session, principal, push_id, today)


@router.get("/whitelist-push-items/{item_id}", response_model=ItemOut)
def get_item(item_id: IdPath, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> queries.ItemView:
    return queries.item(session, principal, item_id, today)


@router.post("/whitelist-push-items/{item_id}/feedback", response_model=ItemOut)
def feedback(
    item_id: IdPath, body: FeedbackIn, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> queries.ItemView:
    """The bank reports a step on a pushed firm (forward only; a decline needs a reason code)."""
    reason = body.reason_code.value if body.reason_code is not None else None
    service.report_feedback(session, principal, item_id, body.state, today, reason, body.note, body.branch)
    return queries.item(session, principal, item_id, today)


@router.post("/whitelist-escalations", response_model=EscalationOut)
def escalate(session: SessionDep, principal: PrincipalDep, today: TodayDep) -> EscalationOut:
    """Escalate every follow-up past its working-day limit to the regulator (督办), once per limit."""
    return EscalationOut(as_of=today, escalated=service.escalate_overdue(session, principal, today))


@router.post("/reverse-push", response_model=ReverseOut)
def reverse_push(body: ReverseIn, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> JSONResponse:
    """A bank's batch of applicants' USCCs answered in one call (反向推送); malformed codes are reported per line."""
    result = service.reverse_push(session, principal, body.usccs, today)
    content = {
        "as_of": result.as_of.isoformat(),
        "asked": len(body.usccs),
        "answered": len(result.answers),
        "rejected": len(result.errors),
        "answers": [_flat(a, _ANSWER_FIELDS) for a in result.answers],
        "errors": [_flat(e, _ERROR_FIELDS) for e in result.errors],
    }
    # Plain dicts of ints and strings: serialised directly, not re-validated row by row (10,000 rows a call).
    return JSONResponse(content)
