"""The loan page's servicing forms (贷款服务：展期、续贷与无还本续贷、贷款费用、提前收回); decision record 0038.

展期 is maker-checker: the bank's credit officer proposes, a different approver approves or rejects (approving
re-amortises and files the pledge changes). 续贷 / 无还本续贷 is the approver's one decision and moves money; a fee
(评估费、保险费、担保费、登记费) is charged by the officer or the approver and moves money: both carry the page's
idempotency key, so a double submit acts once. 提前收回 is monitoring's post-loan action: the officer proposes it
here, the approver decides it in the page's post-loan table. Every form calls the API's route function or the
capability's face, so the API's rules hold; bad input, or an action out of order, is shown beside the field with
what was typed kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Form, Request
from fastapi.responses import Response

from ippledge.console.pages import loan as loan_page
from ippledge.console.pages.base import Keyed, router, submit_once
from ippledge.console.sessions import ViewerDep
from ippledge.lending import api as lending_api
from ippledge.lending import service as lending_service
from ippledge.lending.model.charges import ChargeKind, Collect, Payee
from ippledge.lending.schemas import ExtensionDecisionIn, ExtensionIn, RenewalIn
from ippledge.monitoring import api as monitoring_api
from ippledge.monitoring.schemas import RecallIn
from ippledge.web.deps import SessionDep, TodayDep

CHARGE_KINDS = ("valuation", "insurance", "guarantee", "registration")
COLLECT = ("receivable", "paid")
PAYEES = ("third_party", "bank")
RENEWAL_KINDS = ("repay_first", "no_repayment")


def _months(text: str, most: int = 36) -> int | None:
    value = text.strip()
    return int(value) if value.isdigit() and 1 <= int(value) <= most else None


def _reason(text: str) -> str | None:
    value = text.strip()
    return value if value and len(value) <= 2000 else None


@router.post("/loans/{loan_id}/extension")
def propose_extension(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    months: str = Form("", max_length=10),
    reason: str = Form("", max_length=4000),
    difficulty: str = Form("", max_length=10),
) -> Response:
    """展期申请 (maker): the credit officer proposes the months and the reason."""
    viewer.check_csrf(csrf)
    typed = {"ext_months": months, "ext_reason": reason, "ext_difficulty": difficulty == "1"}
    errors = {k: "" for k, ok in (("ext_months", _months(months)), ("ext_reason", _reason(reason))) if ok is None}
    if errors:
        return loan_page._again(request, viewer, session, loan_id, today, typed, errors, None, idempotency_key)
    body = ExtensionIn(months=_months(months) or 0, reason=reason.strip(), debtor_in_difficulty=difficulty == "1")
    return submit_once(
        session,
        viewer,
        lambda: lending_api.extend(loan_id, body, viewer.principal, session, today),
        loan_page.to_loan(loan_id),
        loan_page.again_with(request, viewer, session, loan_id, today, typed, idempotency_key, "ext_months"),
    )


@router.post("/loans/{loan_id}/extensions/{extension_id}/decision")
def decide_extension(
    request: Request,
    loan_id: int,
    extension_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    decision: str = Form("", max_length=10),
    reason: str = Form("", max_length=2000),
) -> Response:
    """展期审批 (checker): another approver of the bank approves or rejects (a rejection needs its reason); the
    proposer's own decision is refused beside the form."""
    viewer.check_csrf(csrf)
    typed = {"ext_decision_reason": reason}
    if decision not in ("approve", "reject"):
        return loan_page.to_loan(loan_id)(None)  # no button pressed: nothing written
    if decision == "reject" and not reason.strip():
        errors = {"ext_decision_reason": ""}
        return loan_page._again(request, viewer, session, loan_id, today, typed, errors, None, "")
    body = ExtensionDecisionIn(approve=decision == "approve", reason=reason.strip() or None)
    return submit_once(
        session,
        viewer,
        lambda: lending_api.decide_extension(loan_id, extension_id, body, viewer.principal, session, today),
        loan_page.to_loan(loan_id, "extension"),
        loan_page.again_with(request, viewer, session, loan_id, today, typed, "", "ext_decision"),
        passes=(404,),
    )


@router.post("/loans/{loan_id}/renewal")
def renew(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    kind: str = Form("", max_length=20),
    months: str = Form("", max_length=10),
    amount: str = Form("", max_length=40),
    reason: str = Form("", max_length=4000),
    difficulty: str = Form("", max_length=10),
) -> Response:
    """续贷 / 无还本续贷 (the approver's decision): the new loan on the same pledge; the same key twice renews once."""
    viewer.check_csrf(csrf)
    key = idempotency_key
    typed: dict[str, Any] = {"rn_kind": kind, "rn_months": months, "rn_amount": amount, "rn_reason": reason}
    typed["rn_difficulty"] = difficulty == "1"
    value = loan_page._money(amount) if amount.strip() else None
    checks = (
        ("rn_kind", kind in RENEWAL_KINDS),
        ("rn_months", _months(months) is not None),
        ("rn_amount", not amount.strip() or value is not None),
        ("rn_reason", _reason(reason) is not None),
    )
    errors = {k: "" for k, ok in checks if not ok}
    if errors:
        return loan_page._again(request, viewer, session, loan_id, today, typed, errors, None, key)
    body = RenewalIn(
        kind=kind,  # one of RENEWAL_KINDS, checked above
        months=_months(months) or 0,
        reason=reason.strip(),
        amount=value,
        debtor_in_difficulty=difficulty == "1",
    )

    def act() -> dict[str, Any]:
        return {"new_loan_id": lending_api.renew(loan_id, body, viewer.principal, session, today).new_loan_id}

    once = Keyed(key, f"POST /console/loans/{loan_id}/renewal", body.model_dump(mode="json"), 201)
    return submit_once(
        session,
        viewer,
        act,
        lambda out: loan_page.to_loan(int(out["new_loan_id"]), "renewal")(out),
        loan_page.again_with(request, viewer, session, loan_id, today, typed, key, "rn_kind"),
        once=once,
    )


@router.post("/loans/{loan_id}/charges")
def charge(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    kind: str = Form("", max_length=20),
    amount: str = Form("", max_length=40),
    collect: str = Form("receivable", max_length=20),
    payee: str = Form("third_party", max_length=20),
    memo: str = Form("", max_length=1000),
) -> Response:
    """贷款费用: a fee owed on the loan or paid by the borrower at once; the same key twice charges once."""
    viewer.check_csrf(csrf)
    key = idempotency_key
    typed = {"ch_kind": kind, "ch_amount": amount, "ch_collect": collect, "ch_payee": payee, "ch_memo": memo}
    value = loan_page._money(amount)
    checks = (
        ("ch_kind", kind in CHARGE_KINDS),
        ("ch_amount", value is not None),
        ("ch_collect", collect in COLLECT and payee in PAYEES),
        ("ch_memo", len(memo.strip()) <= 500),
    )
    errors = {k: "" for k, ok in checks if not ok}
    if errors or value is None:
        return loan_page._again(request, viewer, session, loan_id, today, typed, errors, None, key)
    note = memo.strip() or None
    body = {"loan_id": loan_id, "kind": kind, "amount": str(value), "collect": collect, "payee": payee, "memo": note}

    def act() -> dict[str, Any]:
        row = lending_service.post_charge(
            session, viewer.principal, loan_id, ChargeKind(kind), value, Collect(collect), Payee(payee), today, key,
            note,
        )  # fmt: skip
        return {"id": row.id}

    once = Keyed(key, f"POST /console/loans/{loan_id}/charges", body, 201)
    return submit_once(
        session,
        viewer,
        act,
        loan_page.to_loan(loan_id, "charge"),
        loan_page.again_with(request, viewer, session, loan_id, today, typed, key, "ch_kind"),
        once=once,
    )


@router.post("/loans/{loan_id}/early-recall")
def propose_recall(
    request: Request,
    loan_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    recall_on: str = Form("", max_length=20),
    reason: str = Form("", max_length=4000),
) -> Response:
    """提前收回 (maker): the officer proposes the recall date (none: the day it is approved) and the reason."""
    viewer.check_csrf(csrf)
    typed = {"rc_on": recall_on, "rc_reason": reason}
    on: dt.date | None = None
    errors: dict[str, str] = {}
    if recall_on.strip():
        try:
            on = dt.date.fromisoformat(recall_on.strip())
        except ValueError:
            errors["rc_on"] = ""
    if _reason(reason) is None:
        errors["rc_reason"] = ""
    if errors:
        return loan_page._again(request, viewer, session, loan_id, today, typed, errors, None, idempotency_key)
    body = RecallIn(loan_id=loan_id, reason=reason.strip(), recall_on=on)
    return submit_once(
        session,
        viewer,
        lambda: monitoring_api.propose_recall(body, session, viewer.principal, today),
        loan_page.to_loan(loan_id),
        loan_page.again_with(request, viewer, session, loan_id, today, typed, idempotency_key, "rc_reason"),
    )
