"""The disposal agent's round forms (处置机构：公告拍卖、报名登记、结束竞价、付款与悔拍): schedule the next round
(start price and deposit typed in 万元, the rule set's limits shown), register a bidder whose deposit was received,
close a round once bidding ended, record the winner's payment or its default (悔拍).

Through ``disposal.api`` and ``disposal.service`` only, so the API's rules hold. Moving deposits (registration,
payment, 悔拍) carries an idempotency key made when the form is drawn and runs through ``submit_once`` (``run_once``
in a savepoint): a double click moves money once, and a refusal writes nothing, the key included; its reason is shown
beside the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, Keyed, back, router, submit_once
from ippledge.console.pages.disposal import lot_again
from ippledge.console.pages.disposal_desk import parse_day, wan_to_yuan
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.disposal import api as disposal_api
from ippledge.disposal import model
from ippledge.disposal import service as disposal_service
from ippledge.disposal.schemas import BidderOut, LotOut, RoundIn
from ippledge.kernel.errors import not_found
from ippledge.web.deps import SessionDep, TodayDep

# a refusal's code -> the field it is shown beside (others go above the form)
ROUND_FIELDS = {"disposal.start_price": "start_price", "disposal.deposit_range": "deposit", "disposal.format": "format"}


def _round_of(session: Session, viewer: Viewer, lot_id: int, auction_id: int) -> LotOut:
    lot = disposal_api.get_lot(lot_id, viewer.principal, session)  # the 404 page when there is none
    if auction_id not in {r.id for r in lot.rounds}:
        raise not_found("拍卖场次", "auction round", id=auction_id)  # a round of another lot
    return lot


@router.post("/disposal/lots/{lot_id}/rounds")
def schedule(
    request: Request,
    lot_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    announced_on: str = Form("", max_length=20),
    start_price: str = Form("", max_length=40),
    deposit: str = Form("", max_length=40),
    format: str = Form("english", max_length=20),
) -> Response:
    """公告: the next round; a blank start price or deposit is the lowest the rules allow."""
    viewer.check_csrf(csrf)
    disposal_api.get_lot(lot_id, viewer.principal, session)
    form = {"announced_on": announced_on, "start_price": start_price, "deposit": deposit, "format": format}
    lang, bad = viewer.lang, {}
    day = parse_day(announced_on, today)
    if day is None:
        bad["announced_on"] = i18n.both(i18n.FIELD_ERRORS["disposal_day"], lang)
    price = wan_to_yuan(start_price) if start_price.strip() else None
    if start_price.strip() and price is None:
        bad["start_price"] = i18n.both(i18n.FIELD_ERRORS["disposal_wan"], lang)
    held = wan_to_yuan(deposit) if deposit.strip() else None
    if deposit.strip() and held is None:
        bad["deposit"] = i18n.both(i18n.FIELD_ERRORS["disposal_wan"], lang)
    if format not in model.FORMATS:
        bad["format"] = i18n.both(i18n.FIELD_ERRORS["disposal_format"], lang)
    if bad:
        return lot_again(request, viewer, session, lot_id, bad, form, 422)
    body = RoundIn(
        announced_on=day,
        start_price=None if price is None else str(price),
        deposit=None if held is None else str(held),
        format=format,
    )
    return submit_once(
        session,
        viewer,
        lambda: disposal_api.schedule_round(lot_id, body, viewer.principal, session, today),
        lambda _: back(f"{PREFIX}/disposal/lots/{lot_id}"),
        refused=lambda r: lot_again(
            request, viewer, session, lot_id, {ROUND_FIELDS.get(r.code, "round"): r.message}, form, r.status
        ),
    )


def _money(
    request: Request,
    viewer: Viewer,
    session: SessionDep,
    lot_id: int,
    form_name: str,
    key: str,
    operation: str,
    payload: dict[str, Any],
    act: Callable[[], dict[str, Any]],
    form: dict[str, str],
    field: str,
) -> Response:
    """One money step through ``run_once`` in a savepoint; a refusal is drawn beside ``field`` with the key kept."""
    return submit_once(
        session,
        viewer,
        act,
        lambda _: back(f"{PREFIX}/disposal/lots/{lot_id}"),
        once=Keyed(key, operation, payload),
        refused=lambda r: lot_again(
            request, viewer, session, lot_id, {field: r.message}, form, r.status, {form_name: key}
        ),
    )


@router.post("/disposal/lots/{lot_id}/rounds/{auction_id}/bidders")
def register(
    request: Request,
    lot_id: int,
    auction_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    now: disposal_api.NowDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    uscc: str = Form("", max_length=40),
    preemptive: str = Form("", max_length=5),
) -> Response:
    """报名: a firm named by its USCC, its deposit received into custody (once per key)."""
    viewer.check_csrf(csrf)
    _round_of(session, viewer, lot_id, auction_id)
    code = uscc.strip().upper()
    form = {"uscc": uscc, "preemptive": preemptive}
    hit = access_queries.enterprises_by_uscc(session, [code]).get(code) if code else None
    if hit is None:
        msg = i18n.both(i18n.FIELD_ERRORS["disposal_bidder"], viewer.lang)
        return lot_again(request, viewer, session, lot_id, {"uscc": msg}, form, 422, {"bidder": idempotency_key})
    party_id, ahead = hit[0], preemptive == "1"
    p = viewer.principal

    def act() -> dict[str, Any]:
        b = disposal_service.register_bidder(session, p, auction_id, party_id, now, ahead)
        return BidderOut.model_validate(b, from_attributes=True).model_dump(mode="json")

    op = f"POST /disposal/rounds/{auction_id}/bidders"
    payload = {"auction_id": auction_id, "party_id": party_id, "preemptive": ahead}
    return _money(request, viewer, session, lot_id, "bidder", idempotency_key, op, payload, act, form, "uscc")


@router.post("/disposal/lots/{lot_id}/rounds/{auction_id}/close")
def close(
    request: Request,
    lot_id: int,
    auction_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    now: disposal_api.NowDep,
    csrf: str = Form("", max_length=100),
) -> Response:
    """成交或流拍 at the server's time, once (a second close changes nothing); too early is refused beside it."""
    viewer.check_csrf(csrf)
    _round_of(session, viewer, lot_id, auction_id)
    return submit_once(
        session,
        viewer,
        lambda: disposal_api.close(auction_id, viewer.principal, session, now),
        lambda _: back(f"{PREFIX}/disposal/lots/{lot_id}"),
        refused=lambda r: lot_again(request, viewer, session, lot_id, {"close": r.message}, {}, r.status),
    )


@router.post("/disposal/lots/{lot_id}/rounds/{auction_id}/outcome")
def outcome(
    request: Request,
    lot_id: int,
    auction_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    step: str = Form("", max_length=10),
) -> Response:
    """买受人付款 (``payment``: the deposit applied, the balance into custody) or 悔拍 (``renege``: the deposit
    forfeited, the winner barred from the lot)."""
    viewer.check_csrf(csrf)
    _round_of(session, viewer, lot_id, auction_id)
    p = viewer.principal
    if step == "payment":

        def act() -> dict[str, Any]:
            lot = disposal_service.pay(session, p, auction_id, today)
            return {"lot_id": lot.id, "status": lot.status, "price": str(lot.price)}

    elif step == "renege":

        def act() -> dict[str, Any]:
            row = disposal_service.renege(session, p, auction_id, today)
            return {"auction_id": row.id, "status": row.status}

    else:
        return back(f"{PREFIX}/disposal/lots/{lot_id}")  # no button pressed: nothing written
    op = f"POST /disposal/rounds/{auction_id}/{'payment' if step == 'payment' else 'renege'}"
    return _money(
        request, viewer, session, lot_id, step, idempotency_key, op, {"auction_id": auction_id}, act, {}, "outcome"
    )
