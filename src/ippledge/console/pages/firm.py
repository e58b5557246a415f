"""The firm's finance manager (企业经办人): its IP, applying to chosen banks, its applications and consents.

The application form carries an amount, so it also carries an idempotency key: a double submit files one application.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, Keyed, back, render, router, submit_once
from ippledge.console.pages.lists import Column, ListState, check_format, export, page_ctx, view
from ippledge.console.pages.valuation_view import valuation_charts
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.credit import api as credit_api
from ippledge.credit import queries as credit_queries
from ippledge.intake import api as intake_api
from ippledge.intake import service as intake_service
from ippledge.intake.schemas import ApplicationIn, ApplicationOut, PartyIn
from ippledge.kernel.errors import IppledgeError
from ippledge.pledge import api as pledge_api
from ippledge.registry import queries as registry_queries
from ippledge.registry.model import IpKind
from ippledge.valuation.governance import api as governance_api
from ippledge.web.deps import SessionDep, TodayDep


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

    def again(form_error: str | None) -> Response:
        errors = {f: i18n.both(i18n.FIELD_ERRORS[f], viewer.lang) for f in bad if f in i18n.FIELD_ERRORS}
        ctx = _apply_ctx(session, viewer, today) | {"typed": typed, "errors": errors, "form_error": form_error}
        # the same key again: a resubmission after fixing the input is still the one application
        return render(request, viewer, "apply.html", ctx | {"idempotency_key": idempotency_key}, status=422)

    if bad:
        return again(None)
    body = {
        "amount": amount.replace(",", "").strip(),
        "term_months": int(term_months),
        "purpose": purpose.strip(),
        "ip_asset_ids": ip_asset_ids,
        "banks": banks,
        "consent_party_ids": banks,  # applying to a bank consents to its reading the file (一次授权)
    }
    try:
        application = ApplicationIn(**body)
    except ValidationError as exc:
        for e in exc.errors():
            field = str(e["loc"][0]) if e.get("loc") else ""
            bad[field if field in i18n.FIELD_ERRORS else "amount"] = field
        return again(None)
    return submit_once(  # a refused application writes nothing, the key included
        session,
        viewer,
        lambda: intake_api.submit(application, p, session, today).model_dump(mode="json"),
        lambda out: back(f"{PREFIX}/applications/{out['id']}"),
        again,
        once=Keyed(idempotency_key, "POST /console/apply", body, 201),
        passes=(),  # every refusal (an IP not the firm's included) is shown above the form
    )


APP_STATUSES = [(s, f"app.{s}") for s in ("submitted", "in_review", "approved", "declined", "withdrawn")]
APP_COLUMNS: list[Column[ApplicationOut]] = [
    Column("no", "ui.number", lambda a: a.application_no),
    Column("amount", "ui.amount", lambda a: a.amount, money=True),
    Column("term", "ui.term", lambda a: a.term_months),
    Column("status", "ui.status", lambda a: a.status, text=lambda a, lang: i18n.t(f"app.{a.status}", lang)),
    Column("submitted", "ui.submitted_on", lambda a: a.submitted_on),
]


def _applications(request: Request, viewer: Viewer, session: Session) -> tuple[ListState, list[ApplicationOut]]:
    state = ListState.of(request, viewer.lang)
    rows = intake_api.list_applications(viewer.principal, session)
    fields = lambda a: [a.application_no, a.purpose]  # noqa: E731
    return state, view(rows, state, APP_COLUMNS, fields, status=lambda a: a.status, day=lambda a: a.submitted_on)


@router.get("/applications")
def applications(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    state, rows = _applications(request, viewer, session)
    ctx = page_ctx(rows, state, APP_COLUMNS, f"{PREFIX}/applications") | {"statuses": APP_STATUSES}
    return render(request, viewer, "applications.html", ctx)


@router.get("/applications.{fmt}")
def applications_file(request: Request, fmt: str, viewer: ViewerDep, session: SessionDep) -> Response:
    check_format(request, fmt)
    _, rows = _applications(request, viewer, session)
    return export(fmt, "applications", APP_COLUMNS, rows, viewer.lang)


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
    filings = []
    if (
        p.party_id == app.applicant_id or p.party_kind is PartyKind.BANK
    ):  # the filing's parties; others see the register
        filings = [
            f
            for f in pledge_api.list_filings(p, session, today, status_=None)
            if {i.ip_asset_id for i in f.items} & set(app.ip_asset_ids)
        ]
    try:  # the registry's pre-check on the offered IP: what the firm must be told at once (一次性告知)
        checklist: list[Any] | None = intake_api.precheck(application_id, p, session, today)
    except IppledgeError:
        checklist = None  # not this viewer's to run
    consent_choices: list[tuple[int, str]] = []
    if p.party_id == app.applicant_id:  # the firm may let a valuer or insurer read the file (授权查询)
        granted = {c.party_id for c in consents if c.revoked_on is None}
        for kind in (PartyKind.BANK, PartyKind.VALUER, PartyKind.INSURER, PartyKind.GUARANTOR):
            named = access_queries.party_names(session, kind)
            consent_choices += sorted((i, n) for i, n in named.items() if i not in granted)
    ctx = {
        "receipt": intake_service.window_receipt(session, p, application_id),  # the window's one-time notice
        "consent_choices": consent_choices,
        "checklist": checklist,
        "app": app,
        "assets": assets,
        "tasks": tl.tasks,
        "consents": consents,
        "names": names,
        "valuations": valuations,
        "valuation_charts": valuation_charts(valuations, viewer.lang),
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
    return back(f"{PREFIX}/applications/{application_id}")
