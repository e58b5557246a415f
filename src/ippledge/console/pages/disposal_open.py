"""Opening a lot (处置立项): the bank's written-off loans, and for a chosen loan the lot it would make (the appraisal of
record, the model's and forced-sale values) with the rule set's plan of rounds (``GET /disposal/plan``), then the
form that opens it.

The preview is the service's own: ``disposal.service.open_lot`` runs in a savepoint that is rolled back, so a loan
that may not be disposed of (not defaulted, no pledge in force, a lot already open, not this party's) shows the
service's reason beside the loan field before anything is written. Opening twice is refused by the service (a lot is
already open), so the form needs no idempotency key (no money moves).
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
from ippledge.console.pages.base import PREFIX, Refused, back, render, router, submit_once
from ippledge.console.pages.disposal_desk import BANK_DESK, refusal, wan_to_yuan
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.disposal import api as disposal_api
from ippledge.disposal import errors as disposal_errors
from ippledge.disposal import model
from ippledge.disposal import service as disposal_service
from ippledge.disposal.schemas import LotIn
from ippledge.kernel.errors import IppledgeError
from ippledge.lending import api as lending_api
from ippledge.web.deps import SessionDep, TodayDep

CHANNELS = ("auction", "sale", "agreed", "listing")


def may_open(viewer: Viewer) -> bool:
    """A bank's credit officer or approver, or a disposal agent's operator (the service checks the loan)."""
    p = viewer.principal
    if p.party_kind is PartyKind.BANK:
        return bool(p.roles & BANK_DESK)
    return p.party_kind is PartyKind.IP_OPERATOR and p.has(Role.OPERATOR)


def _check(viewer: Viewer) -> None:
    if not may_open(viewer):
        raise disposal_errors.NOT_AGENT()  # the service's own refusal, as the error page


def _preview(session: Session, viewer: Viewer, body: LotIn, today: dt.date) -> dict[str, Any]:
    """The lot ``open_lot`` would make, and its plan of rounds; nothing is kept."""
    sp = session.begin_nested()
    try:
        lot = disposal_service.open_lot(
            session, viewer.principal, body.loan_id, today, body.channel, body.rules, body.appraisal
        )
        out: dict[str, Any] = {"appraisal": lot.appraisal, "model_value": lot.model_value}
        out["forced_sale"] = lot.forced_sale_value
        out["assets"] = len(json.loads(lot.asset_ids))
    finally:
        sp.rollback()
    out["plan"] = disposal_api.plan(viewer.principal, str(out["appraisal"]), body.rules)
    return out


def _page(
    request: Request,
    viewer: Viewer,
    session: Session,
    today: dt.date,
    form: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
    want_preview: bool = True,
) -> HTMLResponse:
    p = viewer.principal
    loans = lending_api.list_loans(p, session, "written_off") if p.party_kind is PartyKind.BANK else []
    preview = None
    if want_preview and form.get("loan_id") and not errors:
        body = _body(viewer, form, errors)
        if body is not None:
            try:
                preview = _preview(session, viewer, body, today)
            except IppledgeError as exc:
                if exc.code == "disposal.not_agent":
                    raise
                errors["loan_id"] = refusal(exc, viewer.lang)
                status = exc.status if status == 200 else status
    ctx: dict[str, Any] = {"loans": loans, "form": form, "errors": errors, "preview": preview, "channels": CHANNELS}
    ctx["rule_sets"] = model.rule_set_names()
    return render(request, viewer, "disposal_open.html", ctx, status=status)


def _body(viewer: Viewer, form: dict[str, str], errors: dict[str, str]) -> LotIn | None:
    """The typed fields as the API's body; each bad one's message beside it."""
    lang = viewer.lang
    loan = form.get("loan_id", "").strip()
    if not (loan.isdigit() and 0 < int(loan) < 2**31):
        errors["loan_id"] = i18n.both(i18n.FIELD_ERRORS["disposal_loan"], lang)
    if form.get("channel") not in CHANNELS:
        errors["channel"] = i18n.both(i18n.FIELD_ERRORS["disposal_channel"], lang)
    if form.get("rules") not in model.rule_set_names():
        errors["rules"] = i18n.both(i18n.FIELD_ERRORS["disposal_rules"], lang)
    text = form.get("appraisal", "").strip()
    appraisal = wan_to_yuan(text) if text else None
    if text and appraisal is None:
        errors["appraisal"] = i18n.both(i18n.FIELD_ERRORS["disposal_wan"], lang)
    if errors:
        return None
    return LotIn(
        loan_id=int(loan),
        channel=form["channel"],
        rules=form["rules"],
        appraisal=None if appraisal is None else str(appraisal),
    )


@router.get("/disposal/open")
def open_form(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    loan_id: str = "",
    channel: str = "auction",
    rules: str = model.DEFAULT_RULES,
    appraisal: str = "",
) -> HTMLResponse:
    """处置立项: the bank's written-off loans; with a loan chosen, the lot it would make and the plan of rounds."""
    _check(viewer)
    form = {"loan_id": loan_id[:12], "channel": channel[:20], "rules": rules[:60], "appraisal": appraisal[:40]}
    return _page(request, viewer, session, today, form, {})


@router.post("/disposal/open")
def open_lot(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    loan_id: str = Form("", max_length=12),
    channel: str = Form("auction", max_length=20),
    rules: str = Form(model.DEFAULT_RULES, max_length=60),
    appraisal: str = Form("", max_length=40),
) -> Response:
    """Open the lot; a refusal (not defaulted, a lot already open ...) is shown beside the loan with the values kept."""
    viewer.check_csrf(csrf)
    _check(viewer)
    form = {"loan_id": loan_id, "channel": channel, "rules": rules, "appraisal": appraisal}
    errors: dict[str, str] = {}
    body = _body(viewer, form, errors)
    if body is None:
        return _page(request, viewer, session, today, form, errors, 422)

    def again(r: Refused) -> Response:
        errors["loan_id" if r.code != "disposal.appraisal" else "appraisal"] = r.message
        return _page(request, viewer, session, today, form, errors, r.status, want_preview=False)

    return submit_once(
        session,
        viewer,
        lambda: disposal_api.open_lot(body, viewer.principal, session, today),
        lambda lot: back(f"{PREFIX}/disposal/lots/{lot.id}"),
        passes=(403,),  # another bank's loan is refused beside the loan, as a rule is
        refused=again,
    )
