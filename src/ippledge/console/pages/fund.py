"""The fund administrator (风险补偿资金管理): its pools in figures (balance, contributions, what the fund paid and
owes, clawbacks, subsidies paid, the enrolled book), the claims to review with their evidence, and the two-person
decision on a claim (the reviewer proposes, a different approver pays or rejects: maker-checker is the service's).

Deciding a claim moves money, so the form carries an idempotency key: a double submit pays once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, Keyed, back, render, router, submit_once
from ippledge.console.pages.lists import (
    Column,
    ListState,
    check_format,
    export,
    page_ctx,
    view,
)
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.kernel.errors import IppledgeError
from ippledge.risk_sharing import api as risk_api
from ippledge.risk_sharing import queries as risk_queries
from ippledge.risk_sharing import service as risk_service
from ippledge.risk_sharing.schemas import NoteIn
from ippledge.web.deps import SessionDep, TodayDep

OPEN_CLAIMS = ("filed", "proposed", "settling")
LOAN_STATUSES = [(s, f"loan.{s}") for s in ("active", "repaid", "written_off")]
SUBSIDY_STATUSES = [(s, f"sub.{s}") for s in ("applied", "proposed", "approved", "rejected", "paid")]


def _require_fund(viewer: Viewer) -> None:
    viewer.principal.require_kind(PartyKind.FUND)
    viewer.principal.require(Role.FUND_REVIEWER, Role.APPROVER)


def pools_of(session: Session, viewer: Viewer) -> list[risk_queries.FundReport]:
    """The figures of each pool the viewer may see (the pool's scope rule decides; the report is read only then)."""
    out = []
    for code in sorted({s.code for s in risk_api.list_schemes(viewer.principal, session)}):
        try:
            risk_queries.pool_position(session, code, viewer.principal)
        except IppledgeError:
            continue  # no pool, or not this viewer's
        out.append(risk_queries.fund_report(session, code))
    return out


@router.get("/fund/pools")
def fund_pools(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    """资金池: each pool's balance and where its money went, with a chart of the money in and out (万元), and each
    pool's outlook from the Monte Carlo of its enrolled book, loaded after the page (``fund_outlook``)."""
    _require_fund(viewer)
    reports = pools_of(session, viewer)
    keys = ("contributed", "fund_paid", "clawed_back", "subsidies_paid", "balance")
    chart = {
        "labels": [i18n.t(f"ui.{k}", viewer.lang) for k in keys],
        "series": [{"name": r.scheme_code, "data": [float(getattr(r, k)) / 10000 for k in keys]} for r in reports],
    }
    return render(request, viewer, "fund_pools.html", {"reports": reports, "chart": chart})


CLAIM_STATUSES = [(s, f"claim.{s}") for s in ("filed", "proposed", "advanced", "settling", "paid", "rejected")]


def _claim_columns(names: dict[int, str]) -> list[Column[Any]]:
    return [
        Column("no", "ui.number", lambda c: c.id),
        Column("bank", "ui.bank", lambda c: names.get(c.bank_id, "")),
        Column("scheme", "ui.scheme", lambda c: c.scheme_code),
        Column("status", "ui.status", lambda c: c.status, text=lambda c, lang: i18n.t(f"claim.{c.status}", lang)),
        Column("loss", "ui.loss", lambda c: c.loss, money=True),
        Column("recovered", "ui.recovered", lambda c: c.recovered, money=True),
        Column("due", "ui.review_due", lambda c: c.review_due),
    ]


def _claims(
    request: Request, viewer: Viewer, session: Session, today: dt.date
) -> tuple[ListState, list[Any], list[Column[Any]], dict[int, str]]:
    """Claims to review, overdue first (or by any column); decided ones with ``done=1`` or a chosen status."""
    _require_fund(viewer)
    state = ListState.of(request, viewer.lang, extra=("done", "overdue"))
    rows = risk_api.list_claims(viewer.principal, session, today, state.extra.get("overdue") == "1")
    if state.extra.get("done") != "1" and not state.status:
        rows = [c for c in rows if c.status in OPEN_CLAIMS]
    rows.sort(key=lambda c: (not c.overdue, c.review_due, c.id))
    names = access_queries.names_of(session, [c.bank_id for c in rows])
    columns = _claim_columns(names)
    fields = lambda c: [c.id, c.loan_id, c.scheme_code, names.get(c.bank_id, ""), c.status]  # noqa: E731
    rows = view(rows, state, columns, fields, status=lambda c: c.status, day=lambda c: c.triggered_on)
    return state, rows, columns, names


@router.get("/fund/claims")
def fund_claims(request: Request, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> HTMLResponse:
    """补偿申请: claims to review, overdue first; decided ones only with ``done=1``; sortable, filtered by status and
    the day the claim arose, downloadable."""
    state, rows, columns, names = _claims(request, viewer, session, today)
    ctx = page_ctx(rows, state, columns, f"{PREFIX}/fund/claims") | {"names": names, "statuses": CLAIM_STATUSES}
    ctx |= {"show_done": state.extra.get("done") == "1", "overdue_only": state.extra.get("overdue") == "1"}
    return render(request, viewer, "fund_claims.html", ctx | {"today": today})


@router.get("/fund/claims.{fmt}")
def fund_claims_file(request: Request, fmt: str, viewer: ViewerDep, session: SessionDep, today: TodayDep) -> Response:
    check_format(request, fmt)
    _, rows, columns, _ = _claims(request, viewer, session, today)
    return export(fmt, f"claims-{today}", columns, rows, viewer.lang)


@router.get("/fund/claims/{claim_id}")
def fund_claim(
    request: Request, claim_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep
) -> HTMLResponse:
    """One claim: the evidence, each party's share and what recoveries returned, and the form this user may act on."""
    _require_fund(viewer)
    c = risk_api.get_claim(claim_id, viewer.principal, session, today)  # the 404 page when not this fund's
    names = access_queries.names_of(session, [c.bank_id] + [s.party_id for s in c.shares.values() if s.party_id])
    clawed = risk_queries.clawed_back_by_role(session, claim_id)
    p = viewer.principal
    ctx = {
        "c": c,
        "names": names,
        "clawed": clawed,
        "can_review": c.status == "filed" and p.has(Role.FUND_REVIEWER),
        "can_decide": c.status == "proposed" and p.has(Role.APPROVER),
        "idempotency_key": uuid.uuid4().hex,
    }
    return render(request, viewer, "fund_claim.html", ctx)


@router.post("/fund/claims/{claim_id}/review")
def review_claim(
    claim_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    note: str = Form("", max_length=2000),
) -> Response:
    """初审 (maker): the reviewer proposes paying."""
    viewer.check_csrf(csrf)
    _require_fund(viewer)
    risk_api.review_claim(claim_id, NoteIn(note=note), viewer.principal, session, today)
    return back(f"{PREFIX}/fund/claims/{claim_id}")


@router.post("/fund/claims/{claim_id}/decision")
def decide_claim(
    claim_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    approve: str = Form("", max_length=10),
    reason: str = Form("", max_length=2000),
) -> Response:
    """复核 (checker): a different approver pays the shares or rejects; the proposer is refused (the service's
    maker-checker); the same key twice pays once."""
    viewer.check_csrf(csrf)
    _require_fund(viewer)
    p = viewer.principal
    yes = approve == "1"
    body = {"id": claim_id, "approve": yes, "reason": reason or None}
    once = Keyed(idempotency_key, f"POST /console/fund/claims/{claim_id}/decision", body)
    return submit_once(
        session,
        viewer,
        lambda: {"id": risk_service.decide_claim(session, p, claim_id, yes, reason or None, today).id},
        lambda _out: back(f"{PREFIX}/fund/claims/{claim_id}"),
        once=once,
    )


GRADE_TIER = {g: i for i, g in enumerate(("normal", "special_mention", "substandard", "doubtful", "loss"))}


def _loan_columns(names: dict[int, str]) -> list[Column[risk_queries.EnrolledLoan]]:
    return [
        Column("contract", "ui.contract", lambda r: r.contract_no),
        Column("scheme", "ui.scheme", lambda r: r.scheme_code),
        Column("bank", "ui.bank", lambda r: names.get(r.bank_id, "")),
        Column("firm", "ui.firm", lambda r: names.get(r.borrower_id, "")),
        Column("enrolled", "ui.enrolled_on", lambda r: r.enrolled_on),
        Column("principal", "ui.principal", lambda r: r.principal, money=True),
        Column("outstanding", "ui.outstanding", lambda r: r.outstanding_principal, money=True),
        Column("status", "ui.status", lambda r: r.status, text=lambda r, lang: i18n.t(f"loan.{r.status}", lang)),
        Column(
            "grade",
            "ui.grade",
            lambda r: GRADE_TIER.get(r.grade, len(GRADE_TIER)),
            text=lambda r, lang: i18n.t(f"grade.{r.grade}", lang),
        ),
    ]


def _fund_loans(
    request: Request, viewer: Viewer, session: Session
) -> tuple[ListState, list[Any], list[Column[Any]], dict[int, str]]:
    _require_fund(viewer)
    state = ListState.of(request, viewer.lang)
    rows = risk_queries.enrolled_loans(session, viewer.principal)
    names = access_queries.names_of(session, [r.bank_id for r in rows] + [r.borrower_id for r in rows])
    columns = _loan_columns(names)
    fields = lambda r: [r.contract_no, r.scheme_code, names.get(r.bank_id), names.get(r.borrower_id)]  # noqa: E731
    rows = view(rows, state, columns, fields, status=lambda r: r.status, day=lambda r: r.enrolled_on)
    return state, rows, columns, names


@router.get("/fund/loans")
def fund_loans(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    """纳入贷款: the loans enrolled in the fund's schemes, with their outstanding principal and grade; sortable,
    filtered by status and enrolment date, downloadable."""
    state, rows, columns, names = _fund_loans(request, viewer, session)
    ctx = page_ctx(rows, state, columns, f"{PREFIX}/fund/loans") | {"names": names, "statuses": LOAN_STATUSES}
    return render(request, viewer, "fund_loans.html", ctx)


@router.get("/fund/loans.{fmt}")
def fund_loans_file(request: Request, fmt: str, viewer: ViewerDep, session: SessionDep) -> Response:
    check_format(request, fmt)
    _, rows, columns, _ = _fund_loans(request, viewer, session)
    return export(fmt, "enrolled-loans", columns, rows, viewer.lang)


def _subsidy_columns(names: dict[int, str]) -> list[Column[risk_queries.SubsidyLine]]:
    return [
        Column("no", "ui.number", lambda r: r.id),
        Column("rule", "ui.rule_code", lambda r: r.rule_code),
        Column("firm", "ui.firm", lambda r: names.get(r.enterprise_id, "")),
        Column("bank", "ui.bank", lambda r: names.get(r.bank_id, "")),
        Column("year", "ui.year", lambda r: r.year),
        Column("amount", "ui.amount", lambda r: r.amount, money=True),
        Column("status", "ui.status", lambda r: r.status, text=lambda r, lang: i18n.t(f"sub.{r.status}", lang)),
        Column("paid", "ui.paid_on", lambda r: r.paid_on),
    ]


def _fund_subsidies(
    request: Request, viewer: Viewer, session: Session
) -> tuple[ListState, list[Any], list[Column[Any]], dict[int, str]]:
    _require_fund(viewer)
    state = ListState.of(request, viewer.lang)
    rows = risk_queries.subsidy_applications(session, viewer.principal)
    names = access_queries.names_of(session, [r.enterprise_id for r in rows] + [r.bank_id for r in rows])
    columns = _subsidy_columns(names)
    fields = lambda r: [r.rule_code, r.scheme_code, names.get(r.enterprise_id), names.get(r.bank_id)]  # noqa: E731
    rows = view(rows, state, columns, fields, status=lambda r: r.status, day=lambda r: r.applied_on)
    return state, rows, columns, names


@router.get("/fund/subsidies")
def fund_subsidies(request: Request, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    """补贴申请: the subsidy applications the fund pays, with their state; sortable, filtered by state and the day
    applied, downloadable."""
    state, rows, columns, names = _fund_subsidies(request, viewer, session)
    ctx = page_ctx(rows, state, columns, f"{PREFIX}/fund/subsidies") | {"names": names, "statuses": SUBSIDY_STATUSES}
    return render(request, viewer, "fund_subsidies.html", ctx)


@router.get("/fund/subsidies.{fmt}")
def fund_subsidies_file(request: Request, fmt: str, viewer: ViewerDep, session: SessionDep) -> Response:
    check_format(request, fmt)
    _, rows, columns, _ = _fund_subsidies(request, viewer, session)
    return export(fmt, "subsidies", columns, rows, viewer.lang)
