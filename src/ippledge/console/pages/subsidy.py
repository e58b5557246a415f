"""The firm's subsidy application (补贴申请，如贴息) for one of its loans, under a rule its policy matches show
(decision 0040). The form works the amount out by the rule before anything is submitted
(``risk_sharing.service.quote_subsidy``: what was paid in the year, the rule's share, the per-firm annual cap), lists
the records the fund will read, and names every refusal beside its field: not eligible (beside the rule), already
applied for that year (beside the year). Submitting goes through ``risk_sharing.api.apply_subsidy`` with an
idempotency key in a savepoint, so a double click files one application and a refusal writes nothing. The fund
reviews, decides and pays (``pages.fund``); the state shows here and on the loan's page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access.model import Role
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, Keyed, Refused, back, render, router, submit_once
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.kernel.errors import IppledgeError, not_found
from ippledge.lending import queries as lending_queries
from ippledge.risk_sharing import api as risk_api
from ippledge.risk_sharing import queries as risk_queries
from ippledge.risk_sharing import service as risk_service
from ippledge.risk_sharing.schemas import SubsidyApplyIn
from ippledge.web.deps import SessionDep, TodayDep

# the records the fund reads for each kind of subsidy (the platform holds them; the firm uploads nothing here)
DOCUMENTS = {
    "interest": ["subdoc.contract", "subdoc.interest_paid"],
    "premium": ["subdoc.contract", "subdoc.premium_paid"],
    "guarantee_fee": ["subdoc.contract", "subdoc.guarantee_fee_paid"],
    "valuation_fee": ["subdoc.contract", "subdoc.valuation_invoice"],
}
TYPED = {"rule_id": "", "year": "", "declared_fee": ""}


def _loan(session: Session, viewer: Viewer, loan_id: int) -> lending_queries.LoanSummary:
    """The firm's own loan; anyone else's (or none) is the 404 page."""
    p = viewer.principal
    p.require(Role.ENTERPRISE_USER)
    loan = lending_queries.visible_loan(session, p, loan_id)
    if loan.borrower_id != p.party_id:
        raise not_found("贷款", "loan", id=loan_id)
    return loan


def _rules(session: Session, today: dt.date) -> list[risk_queries.SubsidyRuleView]:
    """The version of each rule in force today (the one policy matching reads)."""
    latest: dict[str, risk_queries.SubsidyRuleView] = {}
    for r in risk_queries.subsidy_rules(session):
        if r.effective_from <= today and (r.code not in latest or r.effective_from >= latest[r.code].effective_from):
            latest[r.code] = r
    return sorted(latest.values(), key=lambda r: r.code)


def _ctx(session: Session, viewer: Viewer, loan_id: int, today: dt.date) -> dict[str, Any]:
    loan = _loan(session, viewer, loan_id)
    start = (loan.disbursed_on or loan.contracted_on).year
    mine = [s for s in risk_queries.subsidy_applications(session, viewer.principal) if s.loan_id == loan_id]
    return {
        "loan": loan,
        "rules": _rules(session, today),
        "years": list(range(today.year, start - 1, -1)),
        "applications": mine,
        "documents": DOCUMENTS,
        "typed": dict(TYPED),
        "errors": {},
        "quote": None,
        "idempotency_key": uuid.uuid4().hex,
    }


def _fee(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")) or value >= 10**10:
        return None
    return value


def _check(ctx: dict[str, Any], typed: dict[str, str]) -> tuple[dict[str, str], Any]:
    """Field-level problems (label keys) and the chosen rule."""
    bad: dict[str, str] = {}
    rule = next((r for r in ctx["rules"] if str(r.id) == typed["rule_id"]), None)
    if rule is None:
        bad["rule_id"] = "subsidy_rule"
    if not typed["year"].isdigit() or int(typed["year"]) not in ctx["years"]:
        bad["year"] = "subsidy_year"
    if rule is not None and rule.kind == "valuation_fee" and _fee(typed["declared_fee"]) is None:
        bad["declared_fee"] = "subsidy_fee"
    return bad, rule


def _refusal(code: str, message: str) -> dict[str, str]:
    """Already applied for that year: beside the year; not eligible (every reason): beside the rule."""
    return {"year" if code == "risk.subsidy.exists" else "rule_id": message}


@router.get("/loans/{loan_id}/subsidy")
def subsidy_form(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    rule_id: str = "",
    year: str = "",
    declared_fee: str = "",
    done: int = 0,
) -> HTMLResponse:
    """The form; with a rule and a year chosen, the amount worked out by the rule and every refusal beside its field."""
    ctx = _ctx(session, viewer, loan_id, today)
    typed = {"rule_id": rule_id, "year": year or str(today.year - 1), "declared_fee": declared_fee}
    ctx |= {"typed": typed, "done": bool(done)}
    if rule_id:
        bad, rule = _check(ctx, typed)
        ctx["errors"] = {f: i18n.both(i18n.FIELD_ERRORS[k], viewer.lang) for f, k in bad.items()}
        if not bad and rule is not None:
            fee = _fee(declared_fee) if rule.kind == "valuation_fee" else None
            try:
                q = risk_service.quote_subsidy(session, viewer.principal, rule.id, loan_id, int(year), today, fee)
            except IppledgeError as exc:
                if exc.status in (403, 404):
                    raise
                ctx["errors"] = _refusal(exc.code, i18n.both((exc.message_zh, exc.message_en), viewer.lang))
            else:
                ctx["quote"] = q
                if q.reasons:
                    why = "；".join(r.message_zh for r in q.reasons), "; ".join(r.message_en for r in q.reasons)
                    ctx["errors"] = {"rule_id": i18n.both(why, viewer.lang)}
    return render(request, viewer, "subsidy_form.html", ctx, status=422 if ctx["errors"] else 200)


@router.post("/loans/{loan_id}/subsidy")
def subsidy_apply(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    rule_id: str = Form("", max_length=20),
    year: str = Form("", max_length=10),
    declared_fee: str = Form("", max_length=40),
) -> Response:
    """提交补贴申请: checked field by field, then the API's application once per key; a refusal writes nothing."""
    viewer.check_csrf(csrf)
    p = viewer.principal
    ctx = _ctx(session, viewer, loan_id, today)
    typed = {"rule_id": rule_id, "year": year, "declared_fee": declared_fee}
    ctx |= {"typed": typed, "idempotency_key": idempotency_key}
    bad, rule = _check(ctx, typed)
    ctx["errors"] = {f: i18n.both(i18n.FIELD_ERRORS[k], viewer.lang) for f, k in bad.items()}

    def refused(r: Refused) -> Response:
        ctx["errors"] = _refusal(r.code, r.message)
        return render(request, viewer, "subsidy_form.html", ctx, status=422)

    if bad or rule is None:
        return render(request, viewer, "subsidy_form.html", ctx, status=422)
    fee = str(_fee(declared_fee)) if rule.kind == "valuation_fee" else None
    body = SubsidyApplyIn(rule_id=rule.id, loan_id=loan_id, year=int(year), declared_fee=fee)
    return submit_once(  # a refused application writes nothing, the key included
        session,
        viewer,
        lambda: {"id": risk_api.apply_subsidy(body, p, session, today).id},
        lambda _: back(f"{PREFIX}/loans/{loan_id}/subsidy?done=1"),
        once=Keyed(idempotency_key, "POST /risk-subsidies", body.model_dump(mode="json"), 201),
        refused=refused,
    )
