"""Console pages (网页工作台): the firm's and the bank's daily paths, server-rendered.

Every page calls the same route functions the JSON API serves (in-process, with the viewer's principal), so party
scoping (another party's record is a 404 page), maker-checker and every business rule hold exactly as in the API;
decision record 0021. Forms post back here with the session's CSRF token; the application form, which carries an
amount, also carries an idempotency key, so a double submit files one application.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable, Coroutine
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access import service as access_service
from ippledge.access.model import CREDIT_DECISION, PartyKind, Principal, Role
from ippledge.console import i18n
from ippledge.console.sessions import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    CsrfRefused,
    SignInRequired,
    Viewer,
    ViewerDep,
    clear_session_cookie,
    lang_of,
    new_login_csrf,
    secure,
    set_session_cookie,
)
from ippledge.credit import api as credit_api
from ippledge.credit import queries as credit_queries
from ippledge.credit.schemas import DecideIn
from ippledge.db import utcnow
from ippledge.intake import api as intake_api
from ippledge.intake.schemas import ApplicationIn, PartyIn
from ippledge.kernel.errors import IppledgeError
from ippledge.lending import api as lending_api
from ippledge.pledge import api as pledge_api
from ippledge.registry import queries as registry_queries
from ippledge.registry.model import IpKind
from ippledge.valuation.governance import api as governance_api
from ippledge.web.deps import SessionDep, TodayDep
from ippledge.web.idempotency import run_once

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC_DIR = Path(__file__).parent / "static"
PREFIX = "/console"


class ConsoleRoute(APIRoute):
    """Errors become pages: a refused rule is shown in both languages, another party's record is the 404 page, a
    missing or expired session goes to the sign-in form. The request's transaction has already rolled back."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as exc:
                to = f"{PREFIX}/login" + ("?expired=1" if exc.expired else "")
                response = RedirectResponse(to, status_code=303)
                clear_session_cookie(response, request)
                return response
            except CsrfRefused:
                return _error_page(request, 403, i18n.LABELS["ui.forbidden"], "csrf")
            except IppledgeError as exc:
                if exc.status == 404:
                    return _error_page(request, 404, i18n.LABELS["ui.not_found"], exc.code)
                return _error_page(request, exc.status, (exc.message_zh, exc.message_en), exc.code)

        return page


router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


def _error_page(request: Request, status: int, message: tuple[str, str], code: str) -> HTMLResponse:
    lang = lang_of(request)
    ctx = _base_ctx(lang) | {"status": status, "message": i18n.both(message, lang), "code": code, "viewer": None}
    return TEMPLATES.TemplateResponse(request, "error.html", ctx, status_code=status)


def _base_ctx(lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "t": lambda key: i18n.t(key, lang),
        "yuan": i18n.yuan,
        "wan": i18n.wan,
        "pct": i18n.percent_bp,
        "static": f"{PREFIX}/static",
    }


def _menu(p: Principal) -> list[tuple[str, str]]:
    """The role decides the menu: (label key, address)."""
    items = [("ui.home", f"{PREFIX}/")]
    if p.has(Role.ENTERPRISE_USER):
        items += [
            ("ui.my_ip", f"{PREFIX}/ip"),
            ("ui.apply", f"{PREFIX}/apply"),
            ("ui.applications", f"{PREFIX}/applications"),
            ("ui.loans", f"{PREFIX}/book"),
        ]
    if p.party_kind is PartyKind.BANK and p.roles & {Role.CREDIT_OFFICER, Role.APPROVER}:
        items += [("ui.queue", f"{PREFIX}/queue"), ("ui.book", f"{PREFIX}/book")]
    return items


def render(request: Request, viewer: Viewer, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    p = viewer.principal
    base = _base_ctx(viewer.lang) | {
        "viewer": viewer,
        "csrf": viewer.csrf,
        "menu": _menu(p),
        "who": p.name,
        "roles": [i18n.t(f"role.{r.value}", viewer.lang) for r in sorted(p.roles)],
    }
    return TEMPLATES.TemplateResponse(request, name, base | ctx, status_code=status)


def _back(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303)


# -- sign-in, sign-out, language ---------------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, expired: int = 0, out: int = 0) -> HTMLResponse:
    lang = lang_of(request)
    token = new_login_csrf()
    note = "ui.expired" if expired else "ui.signed_out" if out else None
    ctx = _base_ctx(lang) | {"viewer": None, "login_csrf": token, "note": note, "error": None, "username": ""}
    response = TEMPLATES.TemplateResponse(request, "login.html", ctx)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure(request), path=PREFIX)
    return response


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: str = Form("", max_length=200),
    password: str = Form("", max_length=200),
    csrf: str = Form("", max_length=100),
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf):
        raise CsrfRefused()
    settings = request.app.state.settings
    address = request.client.host if request.client else None
    try:
        # the failure count is flushed before the error: this route commits it, as the API's login does
        token, _user = access_service.login(session, username, password, utcnow(), settings.token_ttl_minutes, address)
    except IppledgeError as exc:
        lang = lang_of(request)
        fresh = new_login_csrf()
        ctx = _base_ctx(lang) | {
            "viewer": None,
            "login_csrf": fresh,
            "note": None,
            "error": i18n.both((exc.message_zh, exc.message_en), lang),
            "username": username,
        }
        page = TEMPLATES.TemplateResponse(request, "login.html", ctx, status_code=exc.status)
        page.set_cookie(LOGIN_CSRF_COOKIE, fresh, httponly=True, samesite="lax", secure=secure(request), path=PREFIX)
        return page
    response = _back(f"{PREFIX}/")
    set_session_cookie(response, request, token, settings.token_ttl_minutes * 60)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


@router.post("/logout")
def logout(request: Request, viewer: ViewerDep, session: SessionDep, csrf: str = Form("", max_length=100)) -> Response:
    viewer.check_csrf(csrf)
    access_service.logout(session, viewer.token, utcnow())
    response = _back(f"{PREFIX}/login?out=1")
    clear_session_cookie(response, request)
    return response


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str) -> Response:
    """中文 / English: remembered in a cookie; the page reloads in the chosen language."""
    back = request.headers.get("referer") or f"{PREFIX}/"
    if not back.startswith(str(request.base_url).rstrip("/") + PREFIX):
        back = f"{PREFIX}/"  # never redirect off this site
    response = _back(back)
    response.set_cookie(LANG_COOKIE, "en" if lang == "en" else "zh", samesite="lax", secure=secure(request), path="/")
    return response


# -- home page and inbox ------------------------------------------------------------------------------------------


def _task_item(viewer: Viewer, task: Any, title_prefix: str = "") -> dict[str, Any]:
    kind = i18n.t(f"task.{task.kind}", viewer.lang)
    return {
        "title": f"{title_prefix}{kind} · {i18n.t(f'tstatus.{task.status}', viewer.lang)} · {task.assignee_name}",
        "href": f"{PREFIX}/applications/{task.application_id}",
        "due_on": task.due_on,
        "elapsed": task.working_days_elapsed,
        "limit": task.limit_days,
        "overdue": task.overdue,
    }


def inbox(session: Session, viewer: Viewer, today: dt.date) -> list[dict[str, Any]]:
    """What this person must do next: overdue first, then by deadline; items without a deadline last."""
    p = viewer.principal
    items: list[dict[str, Any]] = []
    filings = pledge_api.list_filings(p, session, today, status_=None)
    for f in filings:
        mine = f.pledgor_id == p.party_id and not f.pledgor_confirmed
        mine = mine or (f.pledgee_id == p.party_id and not f.pledgee_confirmed)
        if f.status in ("draft", "awaiting_confirmations") and mine:
            items.append(
                {
                    "title": f"{i18n.t('ui.confirm', viewer.lang)} {i18n.t('ui.filings', viewer.lang)} {f.filing_no}",
                    "href": f"{PREFIX}/filings/{f.id}",
                    "due_on": None,
                    "elapsed": None,
                    "limit": None,
                    "overdue": False,
                }
            )
    if p.has(Role.ENTERPRISE_USER):
        for a in intake_api.list_applications(p, session):
            if a.status in ("submitted", "in_review", "approved"):
                tl = intake_api.timeline(a.id, p, session, today)
                for task in tl.tasks:
                    if task.status in ("open", "accepted"):
                        items.append(_task_item(viewer, task, f"{a.application_no} · "))
    if p.party_kind is PartyKind.BANK and p.has(Role.CREDIT_OFFICER):
        for task in intake_api.my_tasks(p, session, today, overdue=None, status_=None):
            if task.status in ("open", "accepted"):
                items.append(_task_item(viewer, task))
    if p.has(Role.APPROVER):
        for ap in access_queries.approvals_of(session, p.party_id, "pending"):
            if ap.subject_type == CREDIT_DECISION and ap.proposed_by != p.user_id:  # never one's own proposal
                items.append(
                    {
                        "title": f"{i18n.t('ui.approvals', viewer.lang)} · {i18n.t('ui.decisions', viewer.lang)} "
                        f"#{ap.subject_id}",
                        "href": f"{PREFIX}/decisions/{ap.subject_id}",
                        "due_on": None,
                        "elapsed": None,
                        "limit": None,
                        "overdue": False,
                    }
                )
    items.sort(key=lambda i: (not i["overdue"], i["due_on"] is None, i["due_on"] or dt.date.max))
    return items


@router.get("/")
def home(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    items = inbox(session, viewer, today)
    overdue = sum(1 for i in items if i["overdue"])
    ctx = {
        "items": items,
        "overdue": overdue,
        "today": today,
        "party": access_queries.party_name(session, viewer.principal.party_id),
    }
    return render(request, viewer, "home.html", ctx)


# -- the firm: its IP, applying, applications ---------------------------------------------------------------------


def _my_assets(session: Session, party_id: int) -> list[registry_queries.AssetSummary]:
    ids: list[int] = []
    for kind in IpKind:
        ids += registry_queries.owned_asset_ids(session, party_id, kind)
    return list(registry_queries.asset_summaries(session, ids).values())


@router.get("/ip")
def my_ip(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    viewer.principal.require(Role.ENTERPRISE_USER)
    return render(request, viewer, "ip.html", {"assets": _my_assets(session, viewer.principal.party_id)})


def _apply_ctx(session: Session, viewer: Viewer, today: dt.date) -> dict[str, Any]:
    bank_ids = credit_queries.banks_offering(session, today)
    return {
        "assets": [a for a in _my_assets(session, viewer.principal.party_id) if a.status.value == "in_force"],
        "banks": sorted(access_queries.names_of(session, bank_ids).items()),
    }


@router.get("/apply")
def apply_form(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    viewer.principal.require(Role.ENTERPRISE_USER)
    typed = {"amount": "", "term_months": "12", "purpose": "", "ip_asset_ids": [], "banks": []}
    ctx = _apply_ctx(session, viewer, today) | {"typed": typed, "errors": {}, "form_error": None}
    return render(request, viewer, "apply.html", ctx | {"idempotency_key": uuid.uuid4().hex})


def _field_errors(form: dict[str, Any]) -> dict[str, str]:
    """Check what the form itself can check before any service runs; each problem goes beside its field."""
    bad: dict[str, str] = {}
    try:
        amount = Decimal(form["amount"].replace(",", "").strip())
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            bad["amount"] = "amount"
    except (InvalidOperation, ValueError):
        bad["amount"] = "amount"
    term = form["term_months"].strip()
    if not term.isdigit() or not 1 <= int(term) <= 360:
        bad["term_months"] = "term_months"
    if not form["purpose"].strip() or len(form["purpose"]) > 200:
        bad["purpose"] = "purpose"
    if not form["ip_asset_ids"]:
        bad["ip_asset_ids"] = "ip_asset_ids"
    if not form["banks"]:
        bad["banks"] = "banks"
    return bad


@router.post("/apply")
def apply(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    amount: str = Form("", max_length=40),
    term_months: str = Form("", max_length=10),
    purpose: str = Form("", max_length=4000),
    ip_asset_ids: list[int] = Form(default_factory=list),
    banks: list[int] = Form(default_factory=list),
) -> Response:
    viewer.check_csrf(csrf)
    p = viewer.principal
    p.require(Role.ENTERPRISE_USER)
    typed = {"amount": amount, "term_months": term_months, "purpose": purpose, "ip_asset_ids": ip_asset_ids}
    typed["banks"] = banks
    bad = _field_errors(typed)
    form_error = None
    if not bad:
        body = {
            "amount": amount.replace(",", "").strip(),
            "term_months": int(term_months),
            "purpose": purpose.strip(),
            "ip_asset_ids": ip_asset_ids,
            "banks": banks,
            "consent_party_ids": banks,  # applying to a bank consents to its reading the file (一次授权)
        }
        try:
            with session.begin_nested():  # a refused application writes nothing, the key included
                outcome = run_once(
                    session,
                    p,
                    idempotency_key,
                    "POST /console/apply",
                    body,
                    lambda: intake_api.submit(ApplicationIn(**body), p, session, today).model_dump(mode="json"),
                    201,
                )
            return _back(f"{PREFIX}/applications/{outcome.body['id']}")
        except ValidationError as exc:
            for e in exc.errors():
                field = str(e["loc"][0]) if e.get("loc") else ""
                bad[field if field in i18n.FIELD_ERRORS else "amount"] = field
        except IppledgeError as exc:
            form_error = i18n.both((exc.message_zh, exc.message_en), viewer.lang)
    errors = {f: i18n.both(i18n.FIELD_ERRORS[f], viewer.lang) for f in bad if f in i18n.FIELD_ERRORS}
    ctx = _apply_ctx(session, viewer, today) | {"typed": typed, "errors": errors, "form_error": form_error}
    # the same key again: a resubmission after fixing the input is still the one application
    return render(request, viewer, "apply.html", ctx | {"idempotency_key": idempotency_key}, status=422)


@router.get("/applications")
def applications(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    rows = intake_api.list_applications(viewer.principal, session)
    return render(request, viewer, "applications.html", {"rows": rows})


@router.get("/applications/{application_id}")
def application(
    request: Request, application_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep
) -> HTMLResponse:
    p = viewer.principal
    tl = intake_api.timeline(application_id, p, session, today)  # 404 page when not the viewer's to see
    app = tl.application
    assets = registry_queries.asset_summaries(session, app.ip_asset_ids)
    consents = intake_api.consents(application_id, p, session)
    names = access_queries.names_of(session, [c.party_id for c in consents] + [app.applicant_id])
    valuations = []
    if p.party_kind is PartyKind.BANK:
        for asset_id in app.ip_asset_ids:
            view = governance_api.asset_valuations(asset_id, p, session, today, as_of=None)
            valuations.append({"asset": assets.get(asset_id), "view": view})
    decisions = [
        credit_api.get_decision(d, p, session) for d in credit_queries.visible_decision_ids(session, p, application_id)
    ]
    filings = [
        f
        for f in pledge_api.list_filings(p, session, today, status_=None)
        if {i.ip_asset_id for i in f.items} & set(app.ip_asset_ids)
    ]
    consent_choices: list[tuple[int, str]] = []
    if p.party_id == app.applicant_id:  # the firm may let a valuer or insurer read the file (授权查询)
        granted = {c.party_id for c in consents if c.revoked_on is None}
        for kind in (PartyKind.BANK, PartyKind.VALUER, PartyKind.INSURER, PartyKind.GUARANTOR):
            named = access_queries.party_names(session, kind)
            consent_choices += sorted((i, n) for i, n in named.items() if i not in granted)
    ctx = {
        "consent_choices": consent_choices,
        "app": app,
        "assets": assets,
        "tasks": tl.tasks,
        "consents": consents,
        "names": names,
        "valuations": valuations,
        "decisions": decisions,
        "filings": filings,
        "today": today,
    }
    return render(request, viewer, "application.html", ctx)


@router.post("/applications/{application_id}/consents")
def grant_consent(
    application_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    party_id: int = Form(...),
) -> Response:
    """The firm consents to one more party reading its file; the service checks it is the applicant's."""
    viewer.check_csrf(csrf)
    intake_api.grant(application_id, PartyIn(party_id=party_id), viewer.principal, session, today)
    return _back(f"{PREFIX}/applications/{application_id}")


@router.get("/filings/{filing_id}")
def filing(request: Request, filing_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    f = pledge_api.get_filing(filing_id, viewer.principal, session, today)
    names = access_queries.names_of(session, [f.pledgor_id, f.pledgee_id, f.registry_id])
    return render(request, viewer, "filing.html", {"f": f, "names": names})


@router.post("/filings/{filing_id}/confirm")
def confirm_filing(
    filing_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep, csrf: str = Form("", max_length=100)
) -> Response:
    viewer.check_csrf(csrf)
    pledge_api.confirm(filing_id, viewer.principal, session, today)
    return _back(f"{PREFIX}/filings/{filing_id}")


# -- the bank: queue, decisions, book -----------------------------------------------------------------------------


@router.get("/queue")
def queue(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep, overdue: int = 0) -> HTMLResponse:
    """The bank's work queue; ticking "overdue only" swaps just the table (HTMX), the page stays."""
    p = viewer.principal
    p.require_kind(PartyKind.BANK)
    rows = intake_api.my_tasks(p, session, today, overdue=True if overdue else None, status_=None)
    apps = {a.id: a for a in intake_api.list_applications(p, session)}
    names = access_queries.names_of(session, [a.applicant_id for a in apps.values()])
    ctx = {"rows": rows, "apps": apps, "names": names, "overdue_only": bool(overdue)}
    partial = request.headers.get("hx-request") == "true"
    return render(request, viewer, "_queue_table.html" if partial else "queue.html", ctx)


@router.get("/decisions/{decision_id}")
def decision(request: Request, decision_id: int, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    d = credit_api.get_decision(decision_id, viewer.principal, session)
    can_decide = d.status == "pending" and viewer.principal.has(Role.APPROVER)
    return render(request, viewer, "decision.html", {"d": d, "can_decide": can_decide})


@router.post("/decisions/{decision_id}/approve")
def approve(
    decision_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    reason: str = Form("", max_length=2000),
) -> Response:
    """审批通过: the service refuses the proposer (maker-checker) and another bank's approver (404)."""
    viewer.check_csrf(csrf)
    credit_api.approve(decision_id, DecideIn(reason=reason or None), viewer.principal, session, today)
    return _back(f"{PREFIX}/decisions/{decision_id}")


@router.post("/decisions/{decision_id}/reject")
def reject(
    decision_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    reason: str = Form("", max_length=2000),
) -> Response:
    viewer.check_csrf(csrf)
    credit_api.reject(decision_id, DecideIn(reason=reason or None), viewer.principal, session, today)
    return _back(f"{PREFIX}/decisions/{decision_id}")


@router.get("/book")
def book(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    p = viewer.principal
    rows = lending_api.list_loans(p, session, status=None)
    names = access_queries.names_of(session, [r.borrower_id for r in rows])
    by_grade: dict[str, Decimal] = {}
    for r in rows:
        by_grade[r.grade] = by_grade.get(r.grade, Decimal(0)) + Decimal(str(r.outstanding_principal))
    chart = [{"name": i18n.t(f"grade.{g}", viewer.lang), "value": float(v / 10000)} for g, v in by_grade.items()]
    return render(request, viewer, "book.html", {"rows": rows, "names": names, "chart": chart})


@router.get("/loans/{loan_id}")
def loan(request: Request, loan_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    detail = lending_api.get_loan(loan_id, viewer.principal, session, today)
    balance = Decimal(str(detail.principal))
    # the principal outstanding after each instalment, from the disbursement on (万元)
    dates, values = [str(detail.disbursed_on or detail.contracted_on or "")], [float(balance / 10000)]
    for row in detail.schedule:
        balance -= Decimal(str(row.principal))
        dates.append(str(row.due_date))
        values.append(float(balance / 10000))
    rate = (Decimal(detail.annual_rate) * 100).quantize(Decimal("0.01"))
    return render(request, viewer, "loan.html", {"loan": detail, "dates": dates, "values": values, "rate": rate})


@router.get("/{rest:path}")
def not_found(request: Request, rest: str) -> HTMLResponse:
    """Any other address under /console: the 404 page, in the reader's language (registered last)."""
    return _error_page(request, 404, i18n.LABELS["ui.not_found"], "not_found")
