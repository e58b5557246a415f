"""Offers of non-distressed IP (知识产权转让与许可挂牌): a university's or research institute's transfer and licence
offers (高校知识产权转化) and firms' own, listed beside the disposal lots, searched with them and exported in the
federated feed as ``offer`` lines.

Only an owner the register names may offer its IP (read through the registry's published face on the day): the
whole right (transfer, 转让), an exclusive licence (独占许可) or an open licence (开放许可) needs the sole owner --
co-owners must act together (Patent Law art. 14) -- while one co-owner may offer an ordinary licence (普通许可) alone.
The IP must be in force. The price is the asking price (a licence: its fee), in yuan to the fen. The owner withdraws
its offer; anyone signed in may search. Commands flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as parties
from ippledge.access.model import Principal
from ippledge.disposal import errors, model
from ippledge.disposal.feed_format import FEED_FORMAT, IPC_SUBCLASS, REGION_CODE, ipc_subclass
from ippledge.disposal.tables import DisposalOffer
from ippledge.kernel.errors import not_found
from ippledge.registry import queries as registry
from ippledge.registry.model import AssetFacts

DEALS = ("transfer", "exclusive_licence", "ordinary_licence", "open_licence")
DEALS_ZH = {
    "transfer": "转让",
    "exclusive_licence": "独占许可",
    "ordinary_licence": "普通许可",
    "open_licence": "开放许可",
}
ALONE = ("ordinary_licence",)  # what one co-owner may offer without the others
MAX_ASSETS = 50


def asking_price(value: Decimal | str | int) -> Decimal:
    """A positive price in yuan to the fen (``disposal.offer_price`` otherwise)."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise errors.OFFER_PRICE(value=str(value)) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(model.FEN) or amount >= Decimal("1e14"):
        raise errors.OFFER_PRICE(value=str(value))
    return amount.quantize(model.FEN)


def _checked(deal: str, title: str | None, region: str | None, asset_ids: Sequence[int]) -> list[int]:
    if deal not in DEALS:
        raise errors.OFFER_DEAL(deal=deal, known=", ".join(DEALS))
    if title is not None and not 0 < len(title.strip()) <= 500:
        raise errors.OFFER_INPUT(reason="title must be 1-500 characters")
    if region is not None and not REGION_CODE.match(region):
        raise errors.OFFER_INPUT(reason="region must be a GB/T 2260 division code (2, 4 or 6 digits)")
    ids = sorted({int(a) for a in asset_ids})
    if not ids or len(ids) > MAX_ASSETS:
        raise errors.OFFER_INPUT(reason=f"name 1-{MAX_ASSETS} IP assets")
    return ids


def create_offer(
    session: Session,
    principal: Principal,
    asset_ids: Sequence[int],
    deal: str,
    price: Decimal | str | int,
    today: dt.date,
    region: str | None = None,
    title: str | None = None,
) -> DisposalOffer:
    """挂牌: the principal's organisation offers IP the register names it owner of; everything is checked before
    anything is written (an unknown IP is a 404; not the owner, co-owned for a whole-right deal, or not in force a
    409 naming the IP). The region defaults to the owner's; the IPC classes are the register's."""
    amount = asking_price(price)
    ids = _checked(deal, title, region, asset_ids)
    facts = registry.load_facts(session, ids, today)
    if missing := [a for a in ids if a not in facts]:
        raise not_found("知识产权", "IP asset", id=missing[0])
    me = principal.party_id
    for a in ids:
        f = facts[a]
        owners = {o.party_id for o in f.owners}
        if me not in owners:
            raise errors.OFFER_NOT_OWNER(number=f.number)
        if len(owners) > 1 and deal not in ALONE:
            raise errors.OFFER_CO_OWNED(number=f.number)
        if not f.status.alive:
            raise errors.OFFER_NOT_IN_FORCE(number=f.number, status=f.status.value)
    ipc = registry.ipc_main_of(session, ids)
    assets = {str(a): _asset(facts[a], ipc.get(a), today) for a in ids}
    owner = parties.party(session, me)
    name = (title or "").strip() or "；".join(str(x["title"]) for x in assets.values() if x["title"])
    row = DisposalOffer(
        owner_id=me,
        asset_ids=json.dumps(ids),
        deal=deal,
        title=(name or f"{DEALS_ZH[deal]} {facts[ids[0]].number}")[:500],
        price=amount,
        region=region if region is not None else (owner.region_code if owner is not None else None),
        facts=json.dumps(assets, ensure_ascii=False),
        status="open",
        created_on=today,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, principal, "disposal.offer", "disposal_offer", row.id, {"deal": deal, "price": str(amount), "ip": ids}
    )
    return row


def _asset(f: AssetFacts, ipc: str | None, today: dt.date) -> dict[str, object]:
    left = None if f.expiry_date is None else max((f.expiry_date - today).days, 0)
    return {
        "number": f.number,
        "kind": f.kind.value,
        "title": f.title,
        "legal_status": f.status.value,
        "remaining_days": left,
        "ipc": ipc,
    }


def get_offer(session: Session, offer_id: int) -> DisposalOffer:
    """One offer (a public listing: any signed-in party may read it); 404 when there is none."""
    row = session.get(DisposalOffer, offer_id)
    if row is None:
        raise not_found("挂牌", "offer", id=offer_id)
    return row


def withdraw_offer(session: Session, principal: Principal, offer_id: int, today: dt.date) -> DisposalOffer:
    """撤回: the owner withdraws its open offer (another party's offer is not found for it)."""
    stmt = select(DisposalOffer).where(DisposalOffer.id == offer_id).with_for_update()
    row = session.scalars(stmt).first()
    if row is None or row.owner_id != principal.party_id:
        raise not_found("挂牌", "offer", id=offer_id)
    if row.status != "open":
        raise errors.OFFER_STATE(status=row.status)
    row.status, row.withdrawn_on = "withdrawn", today
    session.flush()
    audit.record(session, principal, "disposal.offer_withdrawn", "disposal_offer", row.id, {})
    return row


def offer_doc(row: DisposalOffer, source: str) -> dict[str, object]:
    """One offer as a feed document (unsigned)."""
    assets: dict[str, dict[str, object]] = json.loads(row.facts)
    ordered = [assets[str(a)] for a in json.loads(row.asset_ids) if str(a) in assets]
    subclasses = {c for x in ordered if (c := ipc_subclass(x["ipc"] if isinstance(x["ipc"], str) else None))}
    return {
        "format": FEED_FORMAT,
        "source": source,
        "id": f"offer:{row.id}",
        "kind": "offer",
        "title": row.title,
        "ip_kinds": sorted({str(x["kind"]) for x in ordered if x.get("kind")}) or ["unknown"],
        "ipc": sorted(c for c in subclasses if IPC_SUBCLASS.match(c)),
        "region": row.region,
        "price": str(row.price),
        "status": row.status,
        "channel": row.deal,
        "deal": row.deal,
        "updated_on": (row.withdrawn_on or row.created_on).isoformat(),
        "assets": ordered,
    }


def offer_docs(session: Session, source: str) -> list[dict[str, object]]:
    """Our offers as feed documents (unsigned), in id order."""
    return [offer_doc(r, source) for r in session.scalars(select(DisposalOffer).order_by(DisposalOffer.id))]
