"""The firm's data consents (数据授权) and its access log (查询记录): which bank may read which fields of which outside
source for what purpose until when, granting and revoking, and who read what, when and why.

Through ``gateway.api`` only: the gateway's own rules decide (only the firm grants or revokes; a consent is checked
whole and every problem is listed). A grant ticking fields of several sources files one consent per source, all in
one savepoint, so a refused part writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, Refused, back, render, router, submit_once
from ippledge.console.pages.lists import paginate, search
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.gateway import api as gateway_api
from ippledge.gateway.model import FIELDS, SOURCE_ZH, Purpose
from ippledge.gateway.schemas import ConsentIn
from ippledge.web.deps import SessionDep, TodayDep

SOURCE_OF = {f: s.value for s, fields in FIELDS.items() for f in fields}


def _require_firm(viewer: Viewer) -> None:
    viewer.principal.require_kind(PartyKind.ENTERPRISE)
    viewer.principal.require(Role.ENTERPRISE_USER)


def _ctx(session: Session, viewer: Viewer, today: dt.date) -> dict[str, Any]:
    rows = gateway_api.list_consents(session, viewer.principal, today, None, None, False)
    banks = access_queries.party_names(session, PartyKind.BANK)
    names = access_queries.names_of(session, [c.grantee_id for c in rows])
    return {
        "rows": rows,
        "names": names,
        "banks": sorted(banks.items()),
        "sources": [(s.value, SOURCE_ZH[s], FIELDS[s]) for s in FIELDS],
        "purposes": [p.value for p in Purpose],
        "today": today,
    }


@router.get("/gateway/consents")
def consents(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """数据授权: the firm's consents, newest first, each revocable while in force, and the form to grant one."""
    _require_firm(viewer)
    typed: dict[str, Any] = {
        "grantee_id": None,
        "fields": [],
        "purpose": "",
        "expires_on": str(today + dt.timedelta(days=365)),
    }
    ctx = _ctx(session, viewer, today) | {"typed": typed, "errors": {}, "form_error": None}
    return render(request, viewer, "gateway_consents.html", ctx)


@router.post("/gateway/consents")
def grant(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    grantee_id: int | None = Form(None),
    fields: list[str] = Form(default_factory=list),
    purpose: str = Form("", max_length=24),
    expires_on: str = Form("", max_length=20),
) -> Response:
    """授权: one consent per source whose fields are ticked; a bad part goes beside its field and nothing is written."""
    viewer.check_csrf(csrf)
    _require_firm(viewer)
    typed = {"grantee_id": grantee_id, "fields": fields, "purpose": purpose, "expires_on": expires_on}
    bad: dict[str, str] = {}
    if grantee_id is None:
        bad["grantee_id"] = "consent_grantee"
    if not fields or any(f not in SOURCE_OF for f in fields):
        bad["fields"] = "consent_fields"
    if purpose not in {p.value for p in Purpose}:
        bad["purpose"] = "consent_purpose"
    try:
        until = dt.date.fromisoformat(expires_on.strip())
    except ValueError:
        bad["expires_on"] = "consent_expires"
    errors = {f: i18n.both(i18n.FIELD_ERRORS[k], viewer.lang) for f, k in bad.items()}

    def again(form_error: str | None = None) -> Response:
        ctx = _ctx(session, viewer, today) | {"typed": typed, "errors": errors, "form_error": form_error}
        return render(request, viewer, "gateway_consents.html", ctx, status=422)

    def refused(r: Refused) -> Response:
        problems = r.details.get("problems") or []
        for pr in problems:  # the gateway lists every bad part with the field it is about
            errors[str(pr.get("path"))] = pr["message_en"] if viewer.lang == "en" else pr["message_zh"]
        if problems:
            return again()
        if r.code == "gateway.grantee_not_bank":
            errors["grantee_id"] = r.message
            return again()
        return again(r.message)

    if bad or grantee_id is None:
        return again()
    by_source: dict[str, list[str]] = {}
    for f in fields:
        by_source.setdefault(SOURCE_OF[f], []).append(f)
    try:
        bodies = [
            ConsentIn(grantee_id=grantee_id, source=source, fields=picked, purpose=purpose, expires_on=until)
            for source, picked in sorted(by_source.items())
        ]
    except ValidationError:
        errors["grantee_id"] = i18n.both(i18n.FIELD_ERRORS["consent_grantee"], viewer.lang)
        return again()
    return submit_once(  # every source's consent or none
        session,
        viewer,
        lambda: [gateway_api.grant(body, session, viewer.principal, today) for body in bodies],
        lambda _: back(f"{PREFIX}/gateway/consents"),
        passes=(),
        refused=refused,
    )


@router.post("/gateway/consents/{consent_id}/revoke")
def revoke(
    consent_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep, csrf: str = Form("", max_length=100)
) -> Response:
    """撤回授权: at once; the next read under it is refused. Another firm's consent is the 404 page."""
    viewer.check_csrf(csrf)
    _require_firm(viewer)
    gateway_api.revoke(consent_id, session, viewer.principal, today)
    return back(f"{PREFIX}/gateway/consents")


@router.get("/gateway/log")
def access_log(request: Request, viewer: ViewerDep, session: SessionDep, q: str = "", page: int = 1) -> HTMLResponse:
    """查询记录: who read which field of the firm's data, when, why and under which consent (a bank: its own reads)."""
    p = viewer.principal
    if p.party_kind is not PartyKind.BANK:
        _require_firm(viewer)
    rows = gateway_api.access_log(session, p, None, 1000)
    names = access_queries.names_of(session, [a.reader_id for a in rows] + [a.firm_id for a in rows])
    rows = search(rows, q, lambda a: [names.get(a.reader_id), names.get(a.firm_id), a.source, a.field, a.purpose])
    return render(request, viewer, "gateway_log.html", {"names": names} | paginate(rows, page, q))
