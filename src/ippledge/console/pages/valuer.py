"""The valuer (评估师): its valuation tasks (finished ones hidden unless asked), accepting one, submitting the signed
report, and the governance flags on its own reports. The valuers' league table is the governance readers' page
(regulator, platform, banks: ``valuation.governance``'s rule); a valuer reads only its own flags.
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
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.intake import api as intake_api
from ippledge.kernel.errors import not_found
from ippledge.registry import queries as registry_queries
from ippledge.valuation import api as valuation_api
from ippledge.valuation.governance import api as governance_api
from ippledge.valuation.schemas import ReportIn
from ippledge.web.deps import SessionDep, TodayDep

OPEN = ("open", "accepted")
METHODS = ("income", "market", "cost")


def _require_valuer(viewer: Viewer) -> None:
    viewer.principal.require_kind(PartyKind.VALUER)
    viewer.principal.require(Role.VALUER)


TASK_STATUSES = [(s, f"tstatus.{s}") for s in ("open", "accepted", "done", "declined", "cancelled")]


def _task_columns(names: dict[int, str]) -> list[Column[Any]]:
    return [
        Column("application", "ui.application_of", lambda k: k.application_id),
        Column("bank", "ui.bank", lambda k: names.get(k.bank_id, "")),
        Column("status", "ui.status", lambda k: k.status, text=lambda k, lang: i18n.t(f"tstatus.{k.status}", lang)),
        Column("due", "ui.due", lambda k: k.due_on),
        Column("elapsed", "ui.elapsed", lambda k: k.working_days_elapsed),
    ]


def _tasks(
    request: Request, viewer: Viewer, session: Session, today: dt.date
) -> tuple[ListState, list[Any], list[Column[Any]], dict[int, str]]:
    """The valuer's tasks: open and in progress by deadline (finished with ``done=1`` or a chosen status)."""
    _require_valuer(viewer)
    state = ListState.of(request, viewer.lang, extra=("done",))
    every = state.extra.get("done") == "1" or bool(state.status)
    tasks = intake_api.my_tasks(viewer.principal, session, today, overdue=None, status_=None)
    rows = [t for t in tasks if every or t.status in OPEN]
    rows.sort(key=lambda t: (t.status not in OPEN, not t.overdue, t.due_on, t.id))
    names = access_queries.names_of(session, [t.bank_id for t in rows])
    columns = _task_columns(names)
    fields = lambda t: [t.application_id, names.get(t.bank_id, ""), t.status]  # noqa: E731
    rows = view(rows, state, columns, fields, status=lambda t: t.status, day=lambda t: t.due_on)
    return state, rows, columns, names


@router.get("/valuer/tasks")
def valuer_tasks(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """评估任务: open and in-progress tasks by deadline; ``done=1`` shows the finished ones too; sortable, filtered
    by status and deadline, downloadable."""
    state, rows, columns, names = _tasks(request, viewer, session, today)
    flags = governance_api.valuation_flags(viewer.principal, session, today, valuer_id=None, kind=None, as_of=None)
    ctx = page_ctx(rows, state, columns, f"{PREFIX}/valuer/tasks") | {"names": names, "statuses": TASK_STATUSES}
    ctx |= {"show_done": state.extra.get("done") == "1", "flags": flags}
    return render(request, viewer, "valuer_tasks.html", ctx)


@router.get("/valuer/tasks.{fmt}")
def valuer_tasks_file(request: Request, fmt: str, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> Response:
    check_format(request, fmt)
    _, rows, columns, _ = _tasks(request, viewer, session, today)
    return export(fmt, f"valuation-tasks-{today}", columns, rows, viewer.lang)


@router.post("/valuer/tasks/{task_id}/accept")
def accept_task(
    task_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep, csrf: str = Form("", max_length=100)
) -> Response:
    viewer.check_csrf(csrf)
    _require_valuer(viewer)
    intake_api.accept(task_id, viewer.principal, session, today)
    return back(f"{PREFIX}/valuer/tasks/{task_id}")


def _task(session: Session, viewer: Viewer, task_id: int, today: dt.date) -> Any:
    """The viewer's task (the 404 page for anyone else's)."""
    for t in intake_api.my_tasks(viewer.principal, session, today, overdue=None, status_=None):
        if t.id == task_id:
            return t
    raise not_found("任务", "task", id=task_id)


def _report_ctx(session: Session, viewer: Viewer, task_id: int, today: dt.date) -> dict[str, Any]:
    task = _task(session, viewer, task_id, today)
    app = intake_api.get_application(task.application_id, viewer.principal, session)
    assets = registry_queries.asset_summaries(session, app.ip_asset_ids)
    names = access_queries.names_of(session, [app.applicant_id, task.bank_id])
    return {"task": task, "app": app, "assets": assets, "names": names, "methods": METHODS}


@router.get("/valuer/tasks/{task_id}")
def report_form(
    request: Request, task_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep
) -> HTMLResponse:
    """The task with the report form: a value for each IP, the method, the valuation date."""
    _require_valuer(viewer)
    ctx = _report_ctx(session, viewer, task_id, today)
    typed = {"values": {}, "method": "income", "valuation_date": str(today)}
    ctx |= {"typed": typed, "errors": {}, "form_error": None, "idempotency_key": uuid.uuid4().hex}
    return render(request, viewer, "valuer_report.html", ctx)


@router.post("/valuer/tasks/{task_id}/report")
async def submit_report(
    request: Request,
    task_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
) -> Response:
    """提交评估报告: the signed report (it never changes afterwards; a correction is a new report). A double submit
    files one report (idempotency key)."""
    form = await request.form()
    viewer.check_csrf(str(form.get("csrf", "")))
    _require_valuer(viewer)
    p = viewer.principal
    ctx = _report_ctx(session, viewer, task_id, today)
    key = str(form.get("idempotency_key", ""))[:100]
    method = str(form.get("method", ""))[:20]
    valuation_date = str(form.get("valuation_date", ""))[:20].strip()
    values = {a: str(form.get(f"value_{a}", ""))[:40] for a in ctx["app"].ip_asset_ids}
    errors: dict[str, str] = {}
    for asset_id, raw in values.items():
        try:
            v = Decimal(raw.replace(",", "").strip())
            if v <= 0 or v != v.quantize(Decimal("0.01")):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[f"value_{asset_id}"] = i18n.both(i18n.FIELD_ERRORS["value"], viewer.lang)
    try:
        dt.date.fromisoformat(valuation_date)
    except ValueError:
        errors["valuation_date"] = i18n.both(i18n.FIELD_ERRORS["valuation_date"], viewer.lang)

    def again(form_error: str | None = None) -> Response:
        typed = {"values": values, "method": method, "valuation_date": valuation_date}
        page = ctx | {"typed": typed, "errors": errors, "form_error": form_error, "idempotency_key": key}
        return render(request, viewer, "valuer_report.html", page, status=422)

    if errors:
        return again()
    body = {
        "items": [{"ip_asset_id": a, "value": v.replace(",", "").strip()} for a, v in values.items()],
        "method": method if method in METHODS else "income",
        "valuation_date": valuation_date,
    }
    try:
        report = ReportIn(**body)
    except ValidationError:
        errors["valuation_date"] = i18n.both(i18n.FIELD_ERRORS["valuation_date"], viewer.lang)
        return again()
    return submit_once(  # a refused report writes nothing, the key included
        session,
        viewer,
        lambda: valuation_api.submit_report(task_id, report, p, session, today).model_dump(mode="json"),
        lambda _: back(f"{PREFIX}/valuer/tasks?done=1"),
        again,
        once=Keyed(key, f"POST /console/valuer/tasks/{task_id}/report", body, 201),
        passes=(404,),
    )


@router.get("/valuers/league")
def league(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """评估机构排行: each valuer's deviation from the model and the flags behind it (governance readers only)."""
    table = governance_api.league_table(viewer.principal, session, today, as_of=None)
    return render(request, viewer, "league.html", {"table": table})
