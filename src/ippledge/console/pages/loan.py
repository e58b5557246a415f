"""A loan's page and its money forms (贷款详情、还款、核销与核销后收回); decision record 0035.

The firm repays from its settlement account (还款: the amount, and whether money beyond what is due repays principal
early); the bank's credit officer proposes a write-off of a non-performing loan (核销申请) and a different approver
decides it (maker-checker, the access service's); once written off the officer records cash recovered (核销后收回).
Every money form carries an idempotency key made when the page is drawn, so a double submit moves money once; the
same key is also the receipt's ledger key, as in the API. Bad input re-renders the page with the message beside the
field and the typed values kept; a refused service call (too little in the account, the maker deciding) writes
nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages import post_loan as post_loan_options
from ippledge.console.pages.base import PREFIX, Keyed, back, render, router, submit_once
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.lending import api as lending_api
from ippledge.lending import queries as lending_queries
from ippledge.lending import service as lending_service
from ippledge.lending.schemas import LoanDetailOut
from ippledge.monitoring import api as monitoring_api
from ippledge.monitoring.model import ACTIVE_STATES, WatchState
from ippledge.monitoring.schemas import SiteVisitIn
from ippledge.policy import api as policy_api
from ippledge.risk_sharing import queries as risk_queries
from ippledge.web.deps import SessionDep, TodayDep

NPL = ("substandard", "doubtful", "loss")
# the field a servicing form's refusal is shown beside, and that form (decision 0038)
REFUSED_FORM = {
    "ext_months": "extend",
    "rn_kind": "renew",
    "ch_kind": "charge",
    "rc_reason": "recall",
    "watch_reason": "watch",  # 列入关注名单 (decision 0036)
}
SERVICING_TYPED: dict[str, Any] = {
    "ext_months": "",
    "ext_reason": "",
    "ext_difficulty": False,
    "ext_decision_reason": "",
    "rn_kind": "repay_first",
    "rn_months": "12",
    "rn_amount": "",
    "rn_reason": "",
    "rn_difficulty": False,
    "ch_kind": "",
    "ch_amount": "",
    "ch_collect": "receivable",
    "ch_payee": "third_party",
    "ch_memo": "",
    "rc_on": "",
    "rc_reason": "",
}


def _money(text: str) -> Decimal | None:
    """An amount typed in 元 (commas allowed), above zero with at most two decimals; ``None`` when it is not one."""
    try:
        value = Decimal(text.replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")) or value >= 10**13:
        return None
    return value


def _due_now(detail: LoanDetailOut, today: dt.date) -> Decimal:
    """What the schedule asks of the firm up to today (or the next instalment when nothing is due yet)."""
    owed, upcoming = Decimal(0), None
    for s in detail.schedule:
        if s.settled_on is not None:
            continue
        left = Decimal(str(s.payment)) - Decimal(str(s.paid_principal)) - Decimal(str(s.paid_interest))
        if s.due_date <= today:
            owed += left
        elif upcoming is None:
            upcoming = left
    return owed if owed > 0 else (upcoming or Decimal(0))


def _ctx(viewer: Viewer, session: Session, loan_id: int, today: dt.date) -> dict[str, Any]:
    p = viewer.principal
    detail = lending_api.get_loan(loan_id, p, session, today)  # the 404 page when not the viewer's to see
    balance = Decimal(str(detail.principal))
    # the principal outstanding after each instalment, from the disbursement on (万元)
    dates, values = [str(detail.disbursed_on or detail.contracted_on or "")], [float(balance / 10000)]
    for row in detail.schedule:
        balance -= Decimal(str(row.principal))
        dates.append(str(row.due_date))
        values.append(float(balance / 10000))
    rate = (Decimal(detail.annual_rate) * 100).quantize(Decimal("0.01"))
    write_off = lending_queries.write_off_of(session, detail.id)
    bank_side = p.party_kind is PartyKind.BANK and p.party_id == detail.bank_id
    wo_open = write_off is not None and write_off.status in ("proposed", "approved")
    npl = detail.grade in NPL or detail.defaulted_on is not None
    forms = {
        "repay": detail.status == "active" and p.party_id == detail.borrower_id and p.has(Role.ENTERPRISE_USER),
        "propose": bank_side and p.has(Role.CREDIT_OFFICER) and detail.status == "active" and npl and not wo_open,
        "decide": bank_side and p.has(Role.APPROVER) and write_off is not None and write_off.status == "proposed",
        "recover": bank_side and p.has(Role.CREDIT_OFFICER) and detail.status == "written_off",
        "visit": bank_side and p.has(Role.CREDIT_OFFICER) and detail.status == "active",
        "annuity": bank_side and p.has(Role.CREDIT_OFFICER) and detail.status == "active",
        "decide_action": bank_side and p.has(Role.APPROVER),
    }
    # 展期 (maker-checker), 续贷 (the approver's), fees, 提前收回 (monitoring's action): decision 0038
    active = detail.status == "active"
    extensions = lending_api.extensions(detail.id, p, session) if bank_side else []
    ext_open = any(e.status == "proposed" for e in extensions)
    forms |= {
        "extend": bank_side and p.has(Role.CREDIT_OFFICER) and active and not ext_open,
        "renew": bank_side and p.has(Role.APPROVER) and active,
        "charge": bank_side and bool(p.roles & {Role.CREDIT_OFFICER, Role.APPROVER}) and active,
        "recall": bank_side and p.has(Role.CREDIT_OFFICER) and active and detail.recalled_on is None,
    }
    ext_to_decide = {e.id for e in extensions if e.status == "proposed" and p.has(Role.APPROVER)}
    ext_to_decide -= {e.id for e in extensions if e.proposed_by == p.actor[:64]}  # never one's own proposal
    # the bank's post-loan actions on the loan (代缴年费, site visits, inspections, downgrade proposals)
    post_loan = monitoring_api.list_actions(session, p, loan_id=detail.id) if bank_side else []
    # the approver decides others' proposals (maker-checker); the proposer sees no buttons on its own
    open_ones = post_loan_options.open_for_approver(post_loan) if forms["decide_action"] else []
    to_decide = {a.id for a in open_ones if a.proposed_by != p.actor}
    # the loan's active watch-list entries; an officer or approver lists it (rule officer) unless already so listed
    listing = monitoring_api.watch_list(session, p, None, detail.id) if bank_side else []
    watch = [w for w in listing if WatchState(w.state) in ACTIVE_STATES]
    listed = any(w.rule == "officer" for w in watch)
    forms["watch"] = bank_side and bool(p.roles & {Role.CREDIT_OFFICER, Role.APPROVER}) and active and not listed
    return {
        "loan": detail,
        "dates": dates,
        "values": values,
        "rate": rate,
        "write_off": write_off,
        "recovered": lending_queries.recoveries(session, detail.id).total if detail.status == "written_off" else None,
        "due_now": _due_now(detail, today),
        "forms": forms,
        "actions": post_loan,
        "watch": watch,
        "to_decide": to_decide,
        "annuities": post_loan_options.annuities(session, detail.pledge_ids, today) if forms["annuity"] else [],
        "extensions": extensions,
        "ext_to_decide": ext_to_decide,
        "typed": {"amount": "", "prepay": False, "reason": "", "purpose": "", "annuity": ""}
        | SERVICING_TYPED
        | {"watch_reason": "", "watch_owner": ""},
        "errors": {},
        "form_error": None,
        "idempotency_key": uuid.uuid4().hex,
    }


@router.get("/loans/{loan_id}")
def loan(request: Request, loan_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    return render(request, viewer, "loan.html", _ctx(viewer, session, loan_id, today))


def _again(
    request: Request,
    viewer: Viewer,
    session: Session,
    loan_id: int,
    today: dt.date,
    typed: dict[str, Any],
    errors: dict[str, str],
    form_error: str | None,
    key: str,
    refused_at: str | None = None,
) -> HTMLResponse:
    """The page again with the message beside the field, what was typed, and the same key: a corrected resubmission
    is still the one payment. ``refused_at`` puts a refusal (``form_error``) beside that field instead of on top."""
    ctx = _ctx(viewer, session, loan_id, today)
    msgs = {f: i18n.both(i18n.FIELD_ERRORS[f], viewer.lang) for f in errors}
    if refused_at is not None and form_error is not None:  # beside the field, its form shown again to say so
        if (form := REFUSED_FORM.get(refused_at)) is not None:
            ctx["forms"][form] = True
        if form is not None or (refused_at == "ext_decision" and ctx["ext_to_decide"]):
            msgs[refused_at], form_error = form_error, None
    ctx |= {"typed": ctx["typed"] | typed, "errors": msgs, "form_error": form_error, "idempotency_key": key}
    return render(request, viewer, "loan.html", ctx, status=422)


def again_with(
    request: Request,
    viewer: Viewer,
    session: Session,
    loan_id: int,
    today: dt.date,
    typed: dict[str, Any],
    key: str,
    refused_at: str | None = None,
) -> Callable[[str], HTMLResponse]:
    """``submit_once``'s re-render of this page with a refusal's message."""
    return lambda msg: _again(request, viewer, session, loan_id, today, typed, {}, msg, key, refused_at)


def to_loan(loan_id: int, done: str | None = None) -> Callable[[Any], Response]:
    """``submit_once``'s page after the write: the loan's page (``?done=`` for a money form's confirmation)."""
    return lambda _result: back(f"{PREFIX}/loans/{loan_id}" + (f"?done={done}" if done else ""))


@router.post("/loans/{loan_id}/repay")
def repay(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    amount: str = Form("", max_length=40),
    prepay: str = Form("", max_length=10),
) -> Response:
    """还款 from the firm's settlement account on the business date; the same key twice repays once."""
    viewer.check_csrf(csrf)
    p, key = viewer.principal, idempotency_key
    typed = {"amount": amount, "prepay": prepay == "1"}
    value = _money(amount)
    if value is None:
        return _again(request, viewer, session, loan_id, today, typed, {"amount": ""}, None, key)
    body = {"loan_id": loan_id, "amount": str(value), "prepay": prepay == "1", "value_date": today.isoformat()}

    def act() -> dict[str, Any]:
        rec = lending_service.repay(session, p, loan_id, value, today, key, prepay=prepay == "1", today=today)
        return {"id": rec.id}

    once = Keyed(key, f"POST /console/loans/{loan_id}/repay", body, 201)
    again = again_with(request, viewer, session, loan_id, today, typed, key)
    return submit_once(session, viewer, act, to_loan(loan_id, "repay"), again, once=once)


@router.post("/loans/{loan_id}/write-off")
def propose_write_off(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    reason: str = Form("", max_length=4000),
) -> Response:
    """核销申请 (maker): the credit officer proposes writing off a non-performing loan, with the reason."""
    viewer.check_csrf(csrf)
    typed, key = {"reason": reason}, idempotency_key
    if not reason.strip() or len(reason) > 2000:
        return _again(request, viewer, session, loan_id, today, typed, {"reason": ""}, None, key)
    return submit_once(
        session,
        viewer,
        lambda: lending_service.propose_write_off(session, viewer.principal, loan_id, today, reason.strip()),
        to_loan(loan_id),
        again_with(request, viewer, session, loan_id, today, typed, key),
    )


@router.post("/loan-write-offs/{write_off_id}/decision")
def decide_write_off(
    write_off_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    approve: str = Form("", max_length=10),
    reason: str = Form("", max_length=2000),
) -> Response:
    """核销审批 (checker): a different approver of the lending bank approves or rejects; the proposer is refused by
    the access service (a 403 page); the same key twice decides once."""
    viewer.check_csrf(csrf)
    p = viewer.principal
    yes = approve == "1"
    body = {"id": write_off_id, "approve": yes, "reason": reason or None}

    def act() -> dict[str, Any]:
        return {
            "loan_id": lending_service.decide_write_off(session, p, write_off_id, yes, reason or None, today).loan_id
        }

    once = Keyed(idempotency_key, f"POST /console/loan-write-offs/{write_off_id}/decision", body)
    return submit_once(session, viewer, act, lambda out: back(f"{PREFIX}/loans/{out['loan_id']}"), once=once)


@router.post("/loans/{loan_id}/recoveries")
def record_recovery(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    amount: str = Form("", max_length=40),
) -> Response:
    """核销后收回: cash recovered on a written-off loan, booked once per key."""
    viewer.check_csrf(csrf)
    p, key = viewer.principal, idempotency_key
    typed = {"amount": amount}
    value = _money(amount)
    if value is None:
        return _again(request, viewer, session, loan_id, today, typed, {"amount": ""}, None, key)
    body = {"loan_id": loan_id, "amount": str(value), "value_date": today.isoformat()}

    def act() -> dict[str, Any]:
        return {"id": lending_service.record_recovery(session, p, loan_id, value, today, key, today=today).id}

    once = Keyed(key, f"POST /console/loans/{loan_id}/recoveries", body, 201)
    again = again_with(request, viewer, session, loan_id, today, typed, key)
    return submit_once(session, viewer, act, to_loan(loan_id, "recovery"), again, once=once)


@router.post("/loans/{loan_id}/site-visits")
def plan_site_visit(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    purpose: str = Form("", max_length=4000),
) -> Response:
    """现场走访 (monitoring's post-loan action): the credit officer plans a visit with its purpose; it is done when the
    findings are recorded within the limit (the API's findings route)."""
    viewer.check_csrf(csrf)
    typed, key = {"purpose": purpose}, idempotency_key
    if not purpose.strip() or len(purpose) > 2000:
        return _again(request, viewer, session, loan_id, today, typed, {"purpose_visit": ""}, None, key)
    body = SiteVisitIn(loan_id=loan_id, purpose=purpose.strip())
    return submit_once(
        session,
        viewer,
        lambda: monitoring_api.plan_site_visit(body, session, viewer.principal, today),
        to_loan(loan_id),
        again_with(request, viewer, session, loan_id, today, typed, key),
    )


@router.get("/loans/{loan_id}/policy")
def loan_policy(
    request: Request, loan_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep
) -> HTMLResponse:
    """政策匹配与补贴 (an HTMX partial the loan's page loads after itself: matching runs every scheme's rules): each
    scheme and subsidy the loan qualifies for or fails with the deciding rules and the saving, and the subsidy
    applications on the loan with their state (applied, approved, paid)."""
    p = viewer.principal
    report = policy_api.loan_matches(loan_id, session, p, today, None, None, None)  # 404 when not the viewer's
    subsidies = [s for s in risk_queries.subsidy_applications(session, p) if s.loan_id == loan_id]
    rule_ids = (
        {f"{r.code}/{r.version}": r.id for r in risk_queries.subsidy_rules(session)}
        if p.has(Role.ENTERPRISE_USER)
        else {}
    )
    ctx = {"report": report, "subsidies": subsidies, "rule_ids": rule_ids}
    return render(request, viewer, "_loan_policy.html", ctx)
