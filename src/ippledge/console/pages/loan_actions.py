"""Post-loan actions on the bank's loan page (贷后处置：代缴年费与复核): the credit officer proposes paying an
annuity of a pledged patent that is due or in its grace period on the pledgor's behalf; another approver of the bank
approves or rejects a proposed action from the inbox (maker-checker, decision 0036); an officer or approver lists
the loan on the watch list (列入关注名单).

Through ``monitoring.api`` only, so the API's rules hold: only IP pledged in force for the loan, one open proposal per
annuity, the proposer cannot decide its own proposal.
"""

from __future__ import annotations

from fastapi import Form, Request
from fastapi.responses import Response

from ippledge.console.pages import loan as loan_page
from ippledge.console.pages.base import PREFIX, back, router, submit_once
from ippledge.console.sessions import ViewerDep
from ippledge.monitoring import api as monitoring_api
from ippledge.monitoring.schemas import ActionDecisionIn, AnnuityPaymentIn, WatchOpenIn
from ippledge.web.deps import SessionDep, TodayDep


@router.post("/loans/{loan_id}/annuity-payments")
def propose_annuity(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    annuity: str = Form("", max_length=40),
) -> Response:
    """代缴年费: the officer picks one annuity from the list; a bad pick or a refusal is shown beside the field."""
    viewer.check_csrf(csrf)
    parts = annuity.split(":")
    typed = {"annuity": annuity}
    if len(parts) != 2 or not all(x.isdigit() and 0 < int(x) < 10**9 for x in parts):
        return loan_page._again(
            request, viewer, session, loan_id, today, typed, {"annuity_choice": ""}, None, idempotency_key
        )
    body = AnnuityPaymentIn(loan_id=loan_id, asset_id=int(parts[0]), year_no=min(int(parts[1]), 30))
    return submit_once(
        session,
        viewer,
        lambda: monitoring_api.propose_annuity_payment(body, session, viewer.principal, today),
        loan_page.to_loan(loan_id),
        loan_page.again_with(request, viewer, session, loan_id, today, typed, idempotency_key),
    )


@router.post("/monitoring-actions/{action_id}/decision")
def decide(
    request: Request,
    action_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    decision: str = Form("", max_length=10),
    reason: str = Form("", max_length=2000),
) -> Response:
    """复核: another approver approves or rejects (a rejection needs its reason); the API refuses the proposer."""
    viewer.check_csrf(csrf)
    action = monitoring_api.get_action(action_id, session, viewer.principal)  # the 404 page when not this bank's
    if decision not in ("approve", "reject"):
        return back(f"{PREFIX}/loans/{action.loan_id}")  # no button pressed: nothing written
    if decision == "reject" and not reason.strip():
        typed = {"reason": reason}
        return loan_page._again(request, viewer, session, action.loan_id, today, typed, {"reason_action": ""}, None, "")
    body = ActionDecisionIn(approve=decision == "approve", reason=reason.strip() or None)
    return submit_once(
        session,
        viewer,
        lambda: monitoring_api.decide_action(action_id, body, session, viewer.principal, today),
        loan_page.to_loan(action.loan_id),
        loan_page.again_with(request, viewer, session, action.loan_id, today, {}, ""),
        passes=(404,),  # the proposer's own decision (403) is shown beside the form
    )


@router.post("/loans/{loan_id}/watch-list")
def open_watch_entry(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    reason: str = Form("", max_length=4000),
    owner: str = Form("", max_length=200),
) -> Response:
    """列入关注名单 (rule officer): the officer or approver lists the loan with the reason and who follows it up; a
    second officer entry while one is active is the service's refusal beside the reason."""
    viewer.check_csrf(csrf)
    typed = {"watch_reason": reason, "watch_owner": owner}
    bad = {
        f: ""
        for f, wrong in (
            ("watch_reason", not reason.strip() or len(reason) > 2000),
            ("watch_owner", len(owner.strip()) > 64),
        )
        if wrong
    }
    if bad:
        return loan_page._again(request, viewer, session, loan_id, today, typed, bad, None, "")
    body = WatchOpenIn(loan_id=loan_id, reason=reason.strip(), owner=owner.strip() or None)
    return submit_once(
        session,
        viewer,
        lambda: monitoring_api.open_entry(body, session, viewer.principal, today),
        loan_page.to_loan(loan_id),
        loan_page.again_with(request, viewer, session, loan_id, today, typed, "", refused_at="watch_reason"),
    )
