"""Disposal (押品处置): our lots, a lot's page (appraisal, channel, rounds, current price, bids), a registered
bidder's bid form, and the listings search across platforms (IPC class, IP kind, region, price).

Lots and rounds are public notices (公告), as in the API: any signed-in party reads them. A bid is judged at the
server's time by ``disposal.api.bid``; a refused bid (early, late, out of order, not registered) is shown beside the
amount with the service's reason and writes nothing. The bid form carries an idempotency key made when it is drawn,
so a double click places one bid.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.console import i18n
from ippledge.console.pages.base import PREFIX, Keyed, back, render, router, submit_once
from ippledge.console.pages.disposal_desk import MONEY_FORMS, agent_ctx
from ippledge.console.pages.lists import paginate, search
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.disposal import api as disposal_api
from ippledge.disposal import queries as disposal_queries
from ippledge.disposal.listings import platform_source
from ippledge.disposal.schemas import BidIn, ListingOut, LotOut
from ippledge.kernel.errors import not_found
from ippledge.web.deps import SessionDep

LOT_STATUSES = ("open", "sold", "settled")
IP_KINDS = ("patent", "trademark", "copyright")


def _lots(session: Session, viewer: Viewer, status: str | None) -> list[ListingOut]:
    """Our lots as the listings search returns them (source: this platform)."""
    return disposal_api.search_listings(
        viewer.principal, session, None, None, None, None, None, status, platform_source(), kind="lot", limit=500
    )


@router.get("/disposal/lots")
def lots(
    request: Request, viewer: ViewerDep, session: SessionDep, status: str = "", q: str = "", page: int = 1
) -> HTMLResponse:
    """处置标的: this platform's lots with their asking price and state; search by title, number or channel."""
    rows = _lots(session, viewer, status if status in LOT_STATUSES else None)
    rows = search(rows, q, lambda x: [x.id, x.title, x.channel, x.status, " ".join(x.ip_kinds)])
    ctx = {"status": status, "statuses": LOT_STATUSES} | paginate(rows, page, q)
    ctx["pager_extra"] = f"&status={status}"
    return render(request, viewer, "disposal_lots.html", ctx)


def lot_ctx(session: Session, viewer: Viewer, lot: LotOut) -> dict[str, Any]:
    """The lot's facts, rounds and bids as the viewer may see them, and its bank's or agent's forms (disposal_desk)."""
    p = viewer.principal
    names = access_queries.names_of(session, [lot.bank_id, lot.agent_id, lot.pledgor_id, lot.buyer_id or 0])
    rounds: list[dict[str, Any]] = []
    for r in lot.rounds:
        rounds.append(
            {
                "r": r,
                "current": r.price if r.price is not None and r.format == "english" else r.start_price,
                "bids": disposal_queries.round_bids(session, r.id, p.party_id),
                "registered": disposal_queries.registration(session, r.id, p.party_id),
            }
        )
    live = next((x for x in reversed(rounds) if x["r"].status == "scheduled"), None)
    return {"lot": lot, "names": names, "rounds": rounds, "live": live} | agent_ctx(session, viewer, lot)


@router.get("/disposal/lots/{lot_id}")
def lot_page(request: Request, lot_id: int, viewer: ViewerDep, session: SessionDep) -> HTMLResponse:
    """One lot: the appraisal and model value, each asset's facts, every round with its current price and bids, and
    the bid form when the viewer is a registered bidder of the live round."""
    lot = disposal_api.get_lot(lot_id, viewer.principal, session)  # the 404 page when there is none
    ctx = lot_ctx(session, viewer, lot) | {"typed": "", "errors": {}, "idempotency_key": uuid.uuid4().hex, "form": {}}
    ctx["keys"] = {k: uuid.uuid4().hex for k in MONEY_FORMS}
    return render(request, viewer, "disposal_lot.html", ctx)


def lot_again(
    request: Request,
    viewer: Viewer,
    session: Session,
    lot_id: int,
    errors: dict[str, str],
    form: dict[str, str],
    status: int,
    keys: dict[str, str] | None = None,
) -> HTMLResponse:
    """The lot's page drawn again after a refused form: the message beside its field, the typed values kept, and the
    refused money form's idempotency key kept (a refusal wrote nothing, the key included)."""
    lot = disposal_api.get_lot(lot_id, viewer.principal, session)
    ctx = lot_ctx(session, viewer, lot) | {"typed": "", "errors": errors, "form": form}
    ctx["idempotency_key"] = uuid.uuid4().hex
    ctx["keys"] = {k: uuid.uuid4().hex for k in MONEY_FORMS} | (keys or {})
    return render(request, viewer, "disposal_lot.html", ctx, status=status)


@router.post("/disposal/lots/{lot_id}/rounds/{auction_id}/bid")
def place_bid(
    request: Request,
    lot_id: int,
    auction_id: int,
    viewer: ViewerDep,
    session: SessionDep,
    now: disposal_api.NowDep,
    csrf: str = Form("", max_length=100),
    idempotency_key: str = Form("", max_length=100),
    amount: str = Form("", max_length=40),
) -> Response:
    """出价: the amount checked here, then judged by the service at server time; the same key twice bids once."""
    viewer.check_csrf(csrf)
    p = viewer.principal
    lot = disposal_api.get_lot(lot_id, p, session)
    if auction_id not in {r.id for r in lot.rounds}:
        raise not_found("竞价轮次", "auction round", id=auction_id)  # a round of another lot

    def again(error: str, status: int) -> Response:
        ctx = lot_ctx(session, viewer, lot) | {"typed": amount, "errors": {"amount": error}, "form": {}}
        ctx["keys"] = {k: uuid.uuid4().hex for k in MONEY_FORMS}
        return render(request, viewer, "disposal_lot.html", ctx | {"idempotency_key": idempotency_key}, status=status)

    try:
        value = Decimal(amount.replace(",", "").strip())
        ok = value > 0 and value == value.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        ok = False
    if not ok:
        return again(i18n.both(i18n.FIELD_ERRORS["bid_amount"], viewer.lang), 422)
    body = {"auction_id": auction_id, "amount": str(value)}
    return submit_once(
        session,
        viewer,
        lambda: disposal_api.bid(auction_id, BidIn(amount=str(value)), p, session, now).model_dump(mode="json"),
        lambda _: back(f"{PREFIX}/disposal/lots/{lot_id}"),
        once=Keyed(idempotency_key, f"POST /console/disposal/rounds/{auction_id}/bid", body, 201),
        passes=(404,),  # a refused role or rule is shown beside the amount; a refused bid writes nothing, key included
        refused=lambda r: again(r.message, r.status),
    )


def _listing_query(
    ipc: str, ip_kind: str, region: str, price_min: str, price_max: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The search's fields as the API takes them, and each bad one's message key beside its field."""
    bad: dict[str, str] = {}
    out: dict[str, Any] = {"ipc": ipc.strip().upper() or None, "ip_kind": ip_kind or None}
    if ipc.strip() and (len(ipc.strip()) > 4 or not ipc.strip()[:1].isalpha()):
        bad["ipc"] = "ipc"
    if ip_kind and ip_kind not in IP_KINDS:
        bad["ip_kind"] = "ip_kind"
    r = region.strip()
    if r and not (r.isdigit() and len(r) <= 6):
        bad["region"] = "region"
    out["region"] = r or None
    for name, text in (("price_min", price_min), ("price_max", price_max)):
        out[name] = None
        if text.strip():
            try:
                v = Decimal(text.replace(",", "").strip()) * 10000  # typed in 万元, as a buyer thinks of a price
                if v < 0 or v > Decimal("1e14"):
                    raise ValueError
                out[name] = v
            except (InvalidOperation, ValueError):
                bad[name] = "price"
    return out, bad


@router.get("/disposal/listings")
def listings(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    ipc: str = "",
    ip_kind: str = "",
    region: str = "",
    price_min: str = "",
    price_max: str = "",
    status: str = "",
) -> HTMLResponse:
    """挂牌检索: our lots and other platforms' listings by IPC class, IP kind, region and price (万元)."""
    typed = {"ipc": ipc, "ip_kind": ip_kind, "region": region, "price_min": price_min, "price_max": price_max}
    status = status[:10]  # the API's bound on a listing's status
    typed["status"] = status
    query, bad = _listing_query(ipc, ip_kind, region, price_min, price_max)
    rows: list[Any] = []
    if not bad:
        rows = disposal_api.search_listings(
            viewer.principal,
            session,
            query["ip_kind"],
            query["ipc"],
            query["region"],
            query["price_min"],
            query["price_max"],
            status or None,
            None,
            kind=None,
            limit=200,
        )
    errors = {f: i18n.both(i18n.FIELD_ERRORS[f"listing_{k}"], viewer.lang) for f, k in bad.items()}
    ctx = {"rows": rows, "typed": typed, "errors": errors, "kinds": IP_KINDS, "own": platform_source()}
    return render(request, viewer, "disposal_listings.html", ctx, status=422 if bad else 200)
