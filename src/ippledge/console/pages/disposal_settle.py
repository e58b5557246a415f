"""The bank's end of a disposal (以物抵债、清偿、登记过户): taking the lot in satisfaction after a failed auction or
sale stage, settling a sold lot's proceeds (the split shown before it is confirmed), and the registry officer recording
the transfer to the buyer.

The split is the service's own: ``disposal.service.settle`` runs in a savepoint that is rolled back, so the page shows
exactly what confirming will post (costs, the secured debt to the bank, the surplus to the pledgor, and what the
recovery returns to the fund and the insurer on the loan's paid claim), with no second copy of the waterfall's rules.
Confirming carries the idempotency key drawn with the preview and runs through ``submit_once`` (``run_once`` in a
savepoint): a double submit settles once.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, Keyed, back, render, router, submit_once
from ippledge.console.pages.disposal import lot_again
from ippledge.console.pages.disposal_desk import is_bank, refusal
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.disposal import api as disposal_api
from ippledge.disposal import errors as disposal_errors
from ippledge.disposal import model
from ippledge.disposal import service as disposal_service
from ippledge.disposal.schemas import LotOut
from ippledge.kernel.errors import IppledgeError
from ippledge.web.deps import SessionDep, TodayDep


@router.post("/disposal/lots/{lot_id}/satisfaction")
def satisfy(
    request: Request,
    lot_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
) -> Response:
    """以物抵债: the bank takes the lot at the failed round's reserve (or the sale stage's price), once per key."""
    viewer.check_csrf(csrf)
    disposal_api.get_lot(lot_id, viewer.principal, session)
    p = viewer.principal

    def act() -> dict[str, Any]:
        lot = disposal_service.take_in_satisfaction(session, p, lot_id, today)
        return {"lot_id": lot.id, "status": lot.status, "price": str(lot.price)}

    keys = {"satisfaction": idempotency_key}
    return submit_once(
        session,
        viewer,
        act,
        lambda _: back(f"{PREFIX}/disposal/lots/{lot_id}"),
        once=Keyed(idempotency_key, f"POST /disposal/lots/{lot_id}/satisfaction", {"lot_id": lot_id}),
        refused=lambda r: lot_again(request, viewer, session, lot_id, {"satisfaction": r.message}, {}, r.status, keys),
    )


def _costs(text: str) -> Decimal | None:
    """Disposal costs typed in 元 (blank: none); ``None`` when not an amount of whole fen, zero or more."""
    if not text.strip():
        return model.ZERO
    try:
        value = Decimal(text.replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value < 0 or value > Decimal("1e14") or value != value.quantize(model.FEN):
        return None
    return value.quantize(model.FEN)


def _preview(session: Session, viewer: Viewer, lot: LotOut, costs: Decimal, today: Any) -> dict[str, Any]:
    """The settlement as confirming would make it, computed by the service in a savepoint rolled back."""
    sp = session.begin_nested()
    try:
        done = disposal_service.settle(session, viewer.principal, lot.id, str(costs), today)
        w = done.waterfall
        return {
            "proceeds": w.proceeds,
            "costs": w.costs,
            "debt": w.debt,
            "surplus": w.surplus,
            "claim_id": done.claim_id,
            "clawed_back": dict(done.clawed_back),
            "to_bank": w.debt - sum(done.clawed_back.values(), model.ZERO),
            "transfers": len(done.transfer_filings),
            "releases": len(done.release_filings),
        }
    finally:
        sp.rollback()


def _settle_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    lot_id: int,
    today: Any,
    costs: str,
    key: str,
    error: str | None,
    status: int,
) -> HTMLResponse:
    p = viewer.principal
    lot = disposal_api.get_lot(lot_id, p, session)
    if not is_bank(p, lot):
        raise disposal_errors.NOT_AGENT()  # the 403 page: settling is the bank's
    split, value = None, _costs(costs)
    if value is None:
        error, status = error or i18n.both(i18n.FIELD_ERRORS["disposal_costs"], viewer.lang), 422
    elif lot.status == "sold":
        try:
            split = _preview(session, viewer, lot, value, today)
        except IppledgeError as exc:
            if exc.status in (403, 404):
                raise
            error, status = error or refusal(exc, viewer.lang), exc.status
    ctx = {"lot": lot, "split": split, "costs": costs, "error": error, "idempotency_key": key}
    return render(request, viewer, "disposal_settle.html", ctx, status=status)


@router.get("/disposal/lots/{lot_id}/settlement")
def settlement(
    request: Request, lot_id: int, viewer: ViewerDep, session: SessionDep, today: TodayDep, costs: str = ""
) -> HTMLResponse:
    """清偿 preview: the split of the proceeds for the typed costs, and the confirm button (the bank's)."""
    return _settle_page(request, viewer, session, lot_id, today, costs[:40], uuid.uuid4().hex, None, 200)


@router.post("/disposal/lots/{lot_id}/settlement")
def settle(
    request: Request,
    lot_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    costs: str = Form("", max_length=40),
) -> Response:
    """清偿, once per key: the service's refusal (not sold, not the bank) is shown beside the costs."""
    viewer.check_csrf(csrf)
    p = viewer.principal
    value = _costs(costs)
    if value is None:
        return _settle_page(request, viewer, session, lot_id, today, costs, idempotency_key, None, 422)

    def act() -> dict[str, Any]:
        done = disposal_service.settle(session, p, lot_id, str(value), today)
        w = done.waterfall
        return {"lot_id": lot_id, "debt": str(w.debt), "surplus": str(w.surplus), "costs": str(w.costs)}

    payload = {"lot_id": lot_id, "costs": str(value)}
    return submit_once(
        session,
        viewer,
        act,
        lambda _: back(f"{PREFIX}/disposal/lots/{lot_id}"),
        once=Keyed(idempotency_key, f"POST /disposal/lots/{lot_id}/settlement", payload),
        refused=lambda r: _settle_page(
            request, viewer, session, lot_id, today, costs, idempotency_key, r.message, r.status
        ),
    )


@router.post("/disposal/lots/{lot_id}/filings/{filing_id}/record")
def record(
    request: Request,
    lot_id: int,
    filing_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
) -> Response:
    """登记过户: the registry officer records the transfer to the buyer (recording twice changes nothing)."""
    viewer.check_csrf(csrf)
    return submit_once(
        session,
        viewer,
        lambda: disposal_api.record_transfer(filing_id, viewer.principal, session, today),
        lambda done: back(f"{PREFIX}/disposal/lots/{done.lot_id}"),
        refused=lambda r: lot_again(request, viewer, session, lot_id, {"filing": r.message}, {}, r.status),
    )
