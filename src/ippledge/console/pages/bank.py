"""The bank's credit officer and approver (客户经理与审批人): work queue, credit decisions, the loan book, a loan."""

from __future__ import annotations

from decimal import Decimal

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, back, render, router
from ippledge.console.sessions import ViewerDep
from ippledge.credit import api as credit_api
from ippledge.credit.schemas import DecideIn
from ippledge.intake import api as intake_api
from ippledge.lending import api as lending_api
from ippledge.web.deps import SessionDep, TodayDep


@router.get("/queue")
def queue(
    request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep, overdue: int = 0, done: int = 0
) -> HTMLResponse:
    """The bank's work queue: open and in-progress tasks (finished ones with ``done=1``); ticking "overdue only"
    swaps just the table (HTMX), the page stays."""
    p = viewer.principal
    p.require_kind(PartyKind.BANK)
    rows = intake_api.my_tasks(p, session, today, overdue=True if overdue else None, status_=None)
    if not done:
        rows = [r for r in rows if r.status in ("open", "accepted")]
    apps = {a.id: a for a in intake_api.list_applications(p, session)}
    names = access_queries.names_of(session, [a.applicant_id for a in apps.values()])
    ctx = {"rows": rows, "apps": apps, "names": names, "overdue_only": bool(overdue), "show_done": bool(done)}
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
