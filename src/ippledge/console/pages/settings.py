"""Settings (参数设置) for the platform and the regulator: LPR fixings, task time limits, and the risk-sharing
schemes with their rule versions.

Through the API's own route functions (``credit.api`` LPR, ``intake.api`` time limits, ``risk_sharing.api``
schemes). The API lets the platform's operator record an LPR fixing and set a time limit (single-person, audited:
it has no maker-checker for these), so the forms are shown to the operator only; the regulator reads. A scheme's
versions are read-only here: a new version is a JSON document posted to the API.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, back, render, router, submit_once
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.credit import api as credit_api
from ippledge.credit.lpr import TENORS
from ippledge.credit.schemas import LprIn
from ippledge.intake import api as intake_api
from ippledge.intake.model import Channel, TaskKind
from ippledge.intake.schemas import TimeLimitIn
from ippledge.kernel.errors import not_found
from ippledge.risk_sharing import api as risk_api
from ippledge.web.deps import SessionDep, TodayDep


def _require_reader(viewer: Viewer) -> None:
    viewer.principal.require_kind(PartyKind.PLATFORM, PartyKind.REGULATOR)


def _operator(viewer: Viewer) -> bool:
    p = viewer.principal
    return p.party_kind is PartyKind.PLATFORM and bool(p.roles & {Role.OPERATOR, Role.ADMIN})


def _ctx(session: Session, viewer: Viewer, today: dt.date) -> dict[str, Any]:
    p = viewer.principal
    lpr = sorted(credit_api.list_lpr(p, session, None), key=lambda r: (r.effective_date, r.tenor), reverse=True)
    schemes: dict[str, list[Any]] = {}
    for v in risk_api.list_schemes(p, session):
        schemes.setdefault(v.code, []).append(v)
    return {
        "lpr": lpr,
        "limits": intake_api.time_limits(p, session, today),
        "schemes": sorted(schemes.items()),
        "can_edit": _operator(viewer),
        "tenors": TENORS,
        "kinds": [k.value for k in TaskKind],
        "channels": [c.value for c in Channel],
        "today": today,
    }


def _page(request: Request, viewer: Viewer, session: Session, today: dt.date, **form: Any) -> HTMLResponse:
    typed = {"lpr": {"effective_date": str(today), "tenor": "1y", "rate": ""}, "limit": {}} | form.get("typed", {})
    ctx = _ctx(session, viewer, today) | {"typed": typed, "errors": form.get("errors", {})}
    return render(request, viewer, "settings.html", ctx, status=form.get("status", 200))


def msg_at(field: str, msg: str) -> dict[str, str]:
    """A refusal's message beside ``field`` (none when the fields themselves were refused)."""
    return {field: msg} if msg else {}


def _to_settings(_result: object) -> Response:
    return back(f"{PREFIX}/settings")


@router.get("/settings")
def settings(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """参数设置: LPR fixings newest first, the time limits in force today, the schemes and their versions."""
    _require_reader(viewer)
    return _page(request, viewer, session, today)


@router.post("/settings/lpr")
def add_lpr(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    effective_date: str = Form("", max_length=20),
    tenor: str = Form("", max_length=4),
    rate: str = Form("", max_length=10),
    source: str = Form("", max_length=500),
) -> Response:
    """登记 LPR: the rate typed in percent (3.45), stored in basis points; a bad field is shown beside it."""
    viewer.check_csrf(csrf)
    _require_reader(viewer)
    typed = {"effective_date": effective_date, "tenor": tenor, "rate": rate, "source": source}
    errors: dict[str, str] = {}
    try:
        day = dt.date.fromisoformat(effective_date.strip())
    except ValueError:
        errors["lpr_date"] = i18n.both(i18n.FIELD_ERRORS["lpr_date"], viewer.lang)
    try:
        bp = round(float(rate.strip()) * 100)
        if not 1 <= bp <= 2000 or tenor not in TENORS:
            raise ValueError
    except ValueError:
        errors["lpr_rate"] = i18n.both(i18n.FIELD_ERRORS["lpr_rate"], viewer.lang)

    def again(msg: str) -> Response:
        return _page(
            request, viewer, session, today, typed={"lpr": typed}, errors=errors | msg_at("lpr_date", msg), status=422
        )

    if errors:
        return again("")
    body = LprIn(effective_date=day, tenor=tenor, rate_bp=bp, source=source.strip() or None)
    return submit_once(
        session,
        viewer,
        lambda: credit_api.add_lpr(body, viewer.principal, session),
        _to_settings,
        again,
        passes=(401, 403),
    )


@router.post("/settings/time-limits")
def set_limit(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    task_kind: str = Form("", max_length=40),
    channel: str = Form("", max_length=20),
    working_days: str = Form("", max_length=4),
    effective_from: str = Form("", max_length=20),
    note: str = Form("", max_length=500),
) -> Response:
    """办理时限: a new limit in working days (1-60) for a task kind and channel from a date on."""
    viewer.check_csrf(csrf)
    _require_reader(viewer)
    typed = {"task_kind": task_kind, "channel": channel, "working_days": working_days}
    typed |= {"effective_from": effective_from, "note": note}
    errors: dict[str, str] = {}
    days = int(working_days) if working_days.strip().isdigit() else 0
    if not 1 <= days <= 60:
        errors["working_days"] = i18n.both(i18n.FIELD_ERRORS["limit_days"], viewer.lang)
    try:
        since = dt.date.fromisoformat(effective_from.strip())
    except ValueError:
        errors["effective_from"] = i18n.both(i18n.FIELD_ERRORS["limit_from"], viewer.lang)

    def again(msg: str) -> Response:
        return _page(
            request,
            viewer,
            session,
            today,
            typed={"limit": typed},
            errors=errors | msg_at("task_kind", msg),
            status=422,
        )

    if errors:
        return again("")
    body = TimeLimitIn(task_kind=task_kind, channel=channel, working_days=days, effective_from=since, note=note or None)
    return submit_once(
        session,
        viewer,
        lambda: intake_api.set_time_limit(body, viewer.principal, session),
        _to_settings,
        again,
        passes=(401, 403),
    )


@router.get("/settings/schemes/{code}")
def scheme(request: Request, code: str, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    """A scheme's rule versions (方案版本), each with its document as stored."""
    _require_reader(viewer)
    versions = [v for v in risk_api.list_schemes(viewer.principal, session) if v.code == code]
    if not versions:
        raise not_found("补偿方案", "scheme", code=code[:60])
    docs = [(v, json.dumps(v.scheme, ensure_ascii=False, indent=2)) for v in versions]
    return render(request, viewer, "settings_scheme.html", {"code": code, "docs": docs})
