"""The bank's credit officer and approver (客户经理与审批人): work queue, credit decisions, the loan book, a loan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console import charts, i18n
from ippledge.console.pages.base import PREFIX, back, render, router
from ippledge.console.pages.lists import Column, ListState, check_format, export, page_ctx, view
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.credit import api as credit_api
from ippledge.credit.schemas import DecideIn
from ippledge.intake import api as intake_api
from ippledge.kernel.calendar import last_months
from ippledge.lending import api as lending_api
from ippledge.lending import queries as lending_queries
from ippledge.lending.schemas import LoanOut
from ippledge.web.deps import SessionDep, TodayDep

TASK_STATUSES = [(s, f"tstatus.{s}") for s in ("open", "accepted", "done", "declined", "cancelled")]


def _queue_columns(apps: dict[int, Any], names: dict[int, str]) -> list[Column[Any]]:
    def app_of(k: Any) -> Any:
        return apps.get(k.application_id)

    return [
        Column("application", "ui.application", lambda k: app_of(k).application_no if app_of(k) else k.application_id),
        Column("firm", "ui.firm", lambda k: names.get(app_of(k).applicant_id, "") if app_of(k) else ""),
        Column("amount", "ui.amount", lambda k: app_of(k).amount if app_of(k) else None, money=True),
        Column("kind", "ui.timeline", lambda k: k.kind, text=lambda k, lang: i18n.t(f"task.{k.kind}", lang)),
        Column("status", "ui.status", lambda k: k.status, text=lambda k, lang: i18n.t(f"tstatus.{k.status}", lang)),
        Column("due", "ui.due", lambda k: k.due_on),
        Column("elapsed", "ui.elapsed", lambda k: k.working_days_elapsed),
    ]


def _queue(
    request: Request, viewer: Viewer, session: Session, today: dt.date
) -> tuple[ListState, list[Any], list[Column[Any]], dict[str, Any]]:
    p = viewer.principal
    p.require_kind(PartyKind.BANK)
    state = ListState.of(request, viewer.lang, extra=("done", "overdue"))
    overdue = state.extra.get("overdue") == "1"
    rows = intake_api.my_tasks(p, session, today, overdue=True if overdue else None, status_=None)
    if state.extra.get("done") != "1" and not state.status:
        rows = [r for r in rows if r.status in ("open", "accepted")]
    apps = {a.id: a for a in intake_api.list_applications(p, session)}
    names = access_queries.names_of(session, [a.applicant_id for a in apps.values()])
    columns = _queue_columns(apps, names)

    def fields(k: Any) -> list[Any]:
        a = apps.get(k.application_id)
        return [a.application_no, names.get(a.applicant_id, "")] if a else [k.application_id]

    rows = view(rows, state, columns, fields, status=lambda k: k.status, day=lambda k: k.due_on)
    extras = {"apps": apps, "names": names, "overdue_only": overdue, "show_done": state.extra.get("done") == "1"}
    return state, rows, columns, extras


@router.get("/queue")
def queue(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """The bank's work queue: open and in-progress tasks (finished ones with ``done=1``); ticking "overdue only"
    swaps just the table (HTMX), the page stays; sortable, filtered by status and deadline, downloadable."""
    state, rows, columns, extras = _queue(request, viewer, session, today)
    ctx = page_ctx(rows, state, columns, f"{PREFIX}/queue") | extras | {"statuses": TASK_STATUSES}
    partial = request.headers.get("hx-request") == "true"
    return render(request, viewer, "_queue_table.html" if partial else "queue.html", ctx)


@router.get("/queue.{fmt}")
def queue_file(request: Request, fmt: str, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> Response:
    check_format(request, fmt)
    _, rows, columns, _ = _queue(request, viewer, session, today)
    return export(fmt, f"queue-{today}", columns, rows, viewer.lang)


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
    return back(f"{PREFIX}/decisions/{decision_id}")


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
    return back(f"{PREFIX}/decisions/{decision_id}")


LOAN_STATUSES = [(s, f"loan.{s}") for s in ("contracted", "active", "repaid", "written_off")]
TIER = {g: i for i, g in enumerate(("normal", "special_mention", "substandard", "doubtful", "loss"))}


def _grade_text(r: LoanOut, lang: str) -> str:
    return i18n.t(f"grade.{r.grade}", lang)


def _book_columns(names: dict[int, str]) -> list[Column[LoanOut]]:
    return [
        Column("contract", "ui.contract", lambda r: r.contract_no),
        Column("firm", "ui.firm", lambda r: names.get(r.borrower_id, "")),
        Column("principal", "ui.principal", lambda r: r.principal, money=True),
        Column("outstanding", "ui.outstanding", lambda r: r.outstanding_principal, money=True),
        Column("status", "ui.status", lambda r: r.status, text=lambda r, lang: i18n.t(f"loan.{r.status}", lang)),
        # the grade sorts by its tier (正常 first), not by its code's spelling
        Column("grade", "ui.grade", lambda r: TIER.get(r.grade, len(TIER)), text=_grade_text),
        Column("dpd", "ui.dpd", lambda r: r.dpd),
        Column("contracted", "ui.contracted_on", lambda r: r.contracted_on),
    ]


Book = tuple[ListState, list[LoanOut], list[Column[LoanOut]], dict[int, str]]


def _book(request: Request, viewer: Viewer, session: Session, rows: list[LoanOut] | None = None) -> Book:
    state = ListState.of(request, viewer.lang, extra=("overdue",))
    if rows is None:
        rows = lending_api.list_loans(viewer.principal, session, status=None)
    if state.extra.get("overdue") == "1":  # the book's overdue loans (逾期贷款): any day past due
        rows = [r for r in rows if r.dpd > 0]
    names = access_queries.names_of(session, [r.borrower_id for r in rows])
    columns = _book_columns(names)
    fields = lambda r: [r.contract_no, names.get(r.borrower_id, "")]  # noqa: E731
    rows = view(rows, state, columns, fields, status=lambda r: r.status, day=lambda r: r.contracted_on)
    return state, rows, columns, names


def book_history(session: Session, viewer: Viewer, loans: list[LoanOut], today: dt.date) -> dict[str, Any]:
    """The viewer's book at each of the last 12 month-ends (this month: today) by five-tier grade: the chart's
    option and the rows of the table beside it (yuan)."""
    spans = last_months(today, 12)
    ends = [end for _, end in spans]
    over = lending_queries.book_by_grade_over(session, ends, [r.id for r in loans])
    by_grade = {g: [over[e].get(g, Decimal("0.00")) for e in ends] for g in charts.GRADES}
    names = {g: i18n.t(f"grade.{g}", viewer.lang) for g in charts.GRADES}
    labels = [e.isoformat() if e == today else e.strftime("%Y-%m") for e in ends]
    title = i18n.t("ui.book_over_time", viewer.lang)
    rows = [(labels[i], [by_grade[g][i] for g in charts.GRADES]) for i in range(len(ends))]
    totals = [sum(v, Decimal("0.00")) for _, v in rows]
    return {
        "option": charts.book_over_time(labels, by_grade, names, title),
        "grades": charts.GRADES,
        "rows": [(label, v, total) for (label, v), total in zip(rows, totals, strict=True)],
    }


@router.get("/book")
def book(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    """贷款台账: the loans the viewer may see (a bank's book, a firm's own loans), by grade as a chart and by grade
    at each of the last 12 month-ends (loaded after the page: ``/book/history``); sortable, filtered by status,
    contract date and overdue, downloadable."""
    loans = lending_api.list_loans(viewer.principal, session, status=None)
    state, rows, columns, names = _book(request, viewer, session, loans)
    by_grade: dict[str, Decimal] = {}
    for loan in loans:  # the whole book the viewer may see, not the page shown; settled loans hold nothing
        if loan.outstanding_principal:
            by_grade[loan.grade] = by_grade.get(loan.grade, Decimal(0)) + Decimal(str(loan.outstanding_principal))
    chart = [{"name": i18n.t(f"grade.{g}", viewer.lang), "value": charts.wan(v)} for g, v in by_grade.items() if v]
    ctx = page_ctx(rows, state, columns, f"{PREFIX}/book") | {"names": names, "chart": chart}
    ctx |= {"statuses": LOAN_STATUSES, "overdue_only": state.extra.get("overdue") == "1"}
    ctx["has_history"] = bool(loans)
    return render(request, viewer, "book.html", ctx)


@router.get("/book/history")
def book_history_part(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """The book by grade at the last 12 month-ends alone: the book page loads it after itself (HTMX), so each answer
    stays quick on a large book."""
    loans = lending_api.list_loans(viewer.principal, session, status=None)
    history = book_history(session, viewer, loans, today) if loans else None
    return render(request, viewer, "_book_history.html", {"history": history})


@router.get("/book.{fmt}")
def book_file(request: Request, fmt: str, viewer: ViewerDep, session: SessionDep) -> Response:
    check_format(request, fmt)
    _, rows, columns, _ = _book(request, viewer, session)
    return export(fmt, "loans", columns, rows, viewer.lang)
