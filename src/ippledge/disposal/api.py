"""Disposal routes (押品处置接口): the plan, lots, rounds, bidders, bids, close, payment or 悔拍, settlement.

Bids and closes take the server's time (``server_time``, one dependency, so a test can set it). Money-moving POSTs
(registration with its deposit, payment, 悔拍, settlement) need an ``Idempotency-Key`` (``OnceDep``). Lots and rounds
are public notices (公告): any signed-in party may read them.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from ippledge.db import utcnow
from ippledge.disposal import listings, model, offers, service
from ippledge.disposal.feed_format import Listing, Search
from ippledge.disposal.schemas import (
    BidderIn,
    BidderOut,
    BidIn,
    BidOut,
    FeedImportOut,
    FeedIn,
    FilingOut,
    ListingOut,
    LotIn,
    LotOut,
    OfferIn,
    OfferOut,
    PlanOut,
    RoundIn,
    RoundOut,
    SettleIn,
    SettlementOut,
)
from ippledge.disposal.tables import DisposalAuction, DisposalLot, DisposalOffer
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.idempotency import OnceDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["disposal"])


def server_time() -> dt.datetime:
    """The server's clock (服务器时间): what bids and closes are judged at."""
    return utcnow()


NowDep = Annotated[dt.datetime, Depends(server_time)]


def _round(r: DisposalAuction) -> RoundOut:
    return RoundOut.model_validate(r, from_attributes=True)


def _lot(session: Session, lot: DisposalLot) -> LotOut:
    return LotOut(
        id=lot.id,
        loan_id=lot.loan_id,
        bank_id=lot.bank_id,
        agent_id=lot.agent_id,
        pledgor_id=lot.pledgor_id,
        asset_ids=json.loads(lot.asset_ids),
        appraisal=lot.appraisal,
        model_value=lot.model_value,
        forced_sale_value=lot.forced_sale_value,
        facts=json.loads(lot.facts),
        channel=lot.channel,
        rules=f"{lot.rules_name}/{lot.rules_version}",
        status=lot.status,
        satisfied=lot.satisfied,
        buyer_id=lot.buyer_id,
        price=lot.price,
        rounds=[_round(r) for r in service.rounds_of(session, lot.id)],
    )


@router.get("/disposal/plan", response_model=PlanOut)
def plan(
    _: PrincipalDep, appraisal: str = Query(..., max_length=30), rules: str | None = Query(None, max_length=60)
) -> PlanOut:
    """处置方案: each round's start price, deposit range, increment and notice, the sale stage and 以物抵债."""
    return PlanOut.model_validate(model.plan_dict(model.plan(model.load_rules(rules), appraisal)))


@router.post("/disposal/lots", status_code=201, response_model=LotOut)
def open_lot(body: LotIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> LotOut:
    """标的: the bank or its disposal agent puts a defaulted or written-off loan's pledged IP up for disposal."""
    lot = service.open_lot(session, principal, body.loan_id, today, body.channel, body.rules, body.appraisal)
    return _lot(session, lot)


@router.get("/disposal/lots/{lot_id}", response_model=LotOut)
def get_lot(lot_id: IdPath, _: PrincipalDep, session: SessionDep) -> LotOut:
    return _lot(session, service.get_lot(session, lot_id))


@router.post("/disposal/lots/{lot_id}/rounds", status_code=201, response_model=RoundOut)
def schedule_round(
    lot_id: IdPath, body: RoundIn, principal: PrincipalDep, session: SessionDep, today: TodayDep
) -> RoundOut:
    """公告: the next round (an auction, or the sale stage after the last failed one)."""
    row = service.schedule_round(
        session, principal, lot_id, body.announced_on or today, body.start_price, body.deposit, body.format
    )
    return _round(row)


@router.post("/disposal/rounds/{auction_id}/bidders", status_code=201, response_model=BidderOut)
def register_bidder(
    auction_id: IdPath, body: BidderIn, principal: PrincipalDep, session: SessionDep, now: NowDep, once: OnceDep
) -> JSONResponse:
    """报名: a party whose identity checks out, its deposit received into custody."""

    def act() -> dict[str, Any]:
        b = service.register_bidder(session, principal, auction_id, body.party_id, now, body.preemptive)
        return BidderOut.model_validate(b, from_attributes=True).model_dump(mode="json")

    return once({"auction_id": auction_id, **body.model_dump()}, act, status_code=201)


@router.post("/disposal/rounds/{auction_id}/bids", status_code=201, response_model=BidOut)
def bid(auction_id: IdPath, body: BidIn, principal: PrincipalDep, session: SessionDep, now: NowDep) -> BidOut:
    """出价 at server time: 409 with the reason (and nothing written) when out of order, early or late."""
    return BidOut.model_validate(
        service.place_bid(session, principal, auction_id, str(body.amount), now), from_attributes=True
    )


@router.post("/disposal/rounds/{auction_id}/close", response_model=RoundOut)
def close(auction_id: IdPath, principal: PrincipalDep, session: SessionDep, now: NowDep) -> RoundOut:
    """成交或流拍, once: a repeated close answers the same round."""
    return _round(service.close_round(session, principal, auction_id, now))


@router.post("/disposal/rounds/{auction_id}/payment", response_model=LotOut)
def pay(
    auction_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """买受人付款: the deposit applied, the balance paid into custody."""

    def act() -> dict[str, Any]:
        return _lot(session, service.pay(session, principal, auction_id, today)).model_dump(mode="json")

    return once({"auction_id": auction_id}, act)


@router.post("/disposal/rounds/{auction_id}/renege", response_model=RoundOut)
def renege(
    auction_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """悔拍: the winner's deposit forfeited, the winner barred from the lot."""

    def act() -> dict[str, Any]:
        return _round(service.renege(session, principal, auction_id, today)).model_dump(mode="json")

    return once({"auction_id": auction_id}, act)


@router.post("/disposal/lots/{lot_id}/satisfaction", response_model=LotOut)
def take_in_satisfaction(
    lot_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """以物抵债: after a failed auction (at its reserve) or sale stage (at the sale price) the bank takes the lot."""

    def act() -> dict[str, Any]:
        return _lot(session, service.take_in_satisfaction(session, principal, lot_id, today)).model_dump(mode="json")

    return once({"lot_id": lot_id}, act)


@router.post("/disposal/lots/{lot_id}/settlement", response_model=SettlementOut)
def settle(
    lot_id: IdPath, body: SettleIn, principal: PrincipalDep, session: SessionDep, today: TodayDep, once: OnceDep
) -> JSONResponse:
    """清偿: costs, the secured debt (shared back on the loan's claim), the surplus; release and transfer filed."""

    def act() -> dict[str, Any]:
        done = service.settle(session, principal, lot_id, str(body.costs), today)
        w = done.waterfall
        out = SettlementOut(
            lot_id=done.lot_id,
            proceeds=w.proceeds,
            costs=w.costs,
            debt=w.debt,
            surplus=w.surplus,
            claim_id=done.claim_id,
            clawed_back=done.clawed_back,
            release_filings=done.release_filings,
            transfer_filings=done.transfer_filings,
        )
        return out.model_dump(mode="json")

    return once({"lot_id": lot_id, "costs": str(body.costs)}, act)


@router.post("/disposal/filings/{filing_id}/record", response_model=FilingOut)
def record_transfer(filing_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> FilingOut:
    """登记过户: the registry officer records a filed TR01 transfer to the buyer (once)."""
    return FilingOut.model_validate(service.record_transfer(session, principal, filing_id, today), from_attributes=True)


def _listing(x: Listing) -> ListingOut:
    return ListingOut(
        source=x.source,
        id=x.source_id,
        kind=x.kind,
        title=x.title,
        ip_kinds=list(x.ip_kinds),
        ipc=list(x.ipc),
        region=x.region,
        price=x.price,
        status=x.status,
        channel=x.channel,
        updated_on=x.updated_on,
        verified=x.verified,
        line=x.doc,
    )


@router.get("/disposal/listings", response_model=list[ListingOut])
def search_listings(
    _: PrincipalDep,
    session: SessionDep,
    ip_kind: str | None = Query(None, max_length=20),
    ipc: str | None = Query(None, max_length=20, description="an IPC prefix: G06, G06F"),
    region: str | None = Query(None, max_length=6, pattern=r"^[0-9]{1,6}$", description="a GB/T 2260 prefix"),
    price_min: Decimal | None = Query(None, ge=0, le=1e14),
    price_max: Decimal | None = Query(None, ge=0, le=1e14),
    status: str | None = Query(None, max_length=10),
    source: str | None = Query(None, max_length=60),
    kind: str | None = Query(None, pattern=r"^(lot|offer)$", description="lot (in disposal) or offer"),
    limit: int = Query(100, ge=1, le=listings.MAX_RESULTS),
) -> list[ListingOut]:
    """挂牌检索: our lots and offers and other platforms' imported listings by IP kind, IPC class, region, price,
    status and kind of listing."""
    q = Search(ip_kind, ipc, region, price_min, price_max, status, source, kind)
    return [_listing(x) for x in listings.search(session, q, limit)]


@router.get(
    "/disposal/feed",
    response_class=Response,
    # one JSON object a line (ippledge.listings-feed/1, docs/decisions/0024): declared as text so clients stream it
    responses={200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}}},
)
def export_feed(_: PrincipalDep, session: SessionDep) -> Response:
    """联合挂牌信息: our lots and offers as ``ippledge.listings-feed/1`` lines (JSON lines, signed, with our source)."""
    body = "".join(line + "\n" for line in listings.export_feed(session))
    return Response(body, media_type="application/x-ndjson")


@router.post("/disposal/feed", response_model=FeedImportOut)
def import_feed(body: FeedIn, principal: PrincipalDep, session: SessionDep) -> FeedImportOut:
    """导入: other platforms' feed lines, read-only with their source (the platform operator; all lines or none)."""
    done = listings.import_feed(session, principal, body.lines)
    return FeedImportOut(created=done.created, updated=done.updated, sources=list(done.sources))


def _offer(row: DisposalOffer) -> OfferOut:
    return OfferOut(
        id=row.id,
        owner_id=row.owner_id,
        asset_ids=json.loads(row.asset_ids),
        deal=row.deal,
        title=row.title,
        price=row.price,
        region=row.region,
        facts=json.loads(row.facts),
        status=row.status,
        created_on=row.created_on,
        withdrawn_on=row.withdrawn_on,
    )


@router.post("/disposal/offers", status_code=201, response_model=OfferOut)
def create_offer(body: OfferIn, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> OfferOut:
    """挂牌: an owner's transfer or licence offer of IP the register names it owner of (高校知识产权转化, firms'
    own offers); searched beside the lots and exported in the feed."""
    row = offers.create_offer(
        session, principal, body.asset_ids, body.deal, str(body.price), today, body.region, body.title
    )
    return _offer(row)


@router.get("/disposal/offers/{offer_id}", response_model=OfferOut)
def get_offer(offer_id: IdPath, _: PrincipalDep, session: SessionDep) -> OfferOut:
    """One offer (a public listing)."""
    return _offer(offers.get_offer(session, offer_id))


@router.post("/disposal/offers/{offer_id}/withdraw", response_model=OfferOut)
def withdraw_offer(offer_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep) -> OfferOut:
    """撤回: the owner withdraws its open offer."""
    return _offer(offers.withdraw_offer(session, principal, offer_id, today))
