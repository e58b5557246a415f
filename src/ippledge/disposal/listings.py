"""Listings and the federated feed (挂牌与联合挂牌): our lots and offers exported as ``ippledge.listings-feed/1`` lines
with their source, other platforms' lines imported read-only, and one search over all of them.

Our own lots and offers (``offers``) are read from the disposal tables when exported or searched (a lot's price
and status change as rounds run); imported lines are stored as received in ``disposal_listing`` (upserted by source
and id, all lines of an import or none). This platform's source id is ``IPPLEDGE_PLATFORM_SOURCE`` (default
``ippledge``); the HMAC key it signs its feed with, when it has one, is ``IPPLEDGE_FEED_KEY`` (never stored in the
repository).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as parties
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.disposal import errors, model, offers
from ippledge.disposal.feed_format import FEED_FORMAT, Listing, Search, ipc_subclass, parse_line, sign
from ippledge.disposal.tables import DisposalAuction, DisposalListing, DisposalLot
from ippledge.registry import queries as registry

DEFAULT_SOURCE = "ippledge"
MAX_RESULTS = 500


def platform_source() -> str:
    """This platform's id in the feed."""
    return os.environ.get("IPPLEDGE_PLATFORM_SOURCE", DEFAULT_SOURCE)


def feed_keys() -> dict[str, bytes]:
    """The keys shared with other platforms, by source: ``IPPLEDGE_FEED_KEYS="platform-a=KEY,platform-b=KEY"``."""
    out: dict[str, bytes] = {}
    for part in os.environ.get("IPPLEDGE_FEED_KEYS", "").split(","):
        name, _, key = part.partition("=")
        if name.strip() and key.strip():
            out[name.strip()] = key.strip().encode("utf-8")
    return out


def platform_key() -> bytes | None:
    key = os.environ.get("IPPLEDGE_FEED_KEY")
    return key.encode("utf-8") if key else None


def _asking(lot: DisposalLot, rounds: list[DisposalAuction]) -> Decimal:
    """The asking price: the sale price once sold; else the open round's leading bid or start price; else the
    lowest first start price the rules allow."""
    if lot.price is not None and lot.status != "open":
        return lot.price
    live = [r for r in rounds if r.status == "scheduled"]
    if live:
        return live[-1].price if live[-1].price is not None and live[-1].format == "english" else live[-1].start_price
    if rounds:
        return rounds[-1].start_price
    return model.min_start_price(model.load_rules(lot.rules_name), lot.appraisal, None)


def lot_docs(session: Session, source: str, lot_ids: Iterable[int] | None = None) -> list[dict[str, object]]:
    """Our lots as feed documents (unsigned), in id order."""
    stmt = select(DisposalLot).order_by(DisposalLot.id)
    if lot_ids is not None:
        stmt = stmt.where(DisposalLot.id.in_(list(lot_ids)))
    lots = list(session.scalars(stmt))
    rounds: dict[int, list[DisposalAuction]] = {}
    if lots:
        q = select(DisposalAuction).where(DisposalAuction.lot_id.in_([x.id for x in lots]))
        for r in session.scalars(q.order_by(DisposalAuction.number)):
            rounds.setdefault(r.lot_id, []).append(r)
    all_assets = [int(a) for x in lots for a in json.loads(x.asset_ids)]
    ipc = registry.ipc_main_of(session, all_assets)
    docs: list[dict[str, object]] = []
    for lot in lots:
        facts: dict[str, dict[str, object]] = json.loads(lot.facts)
        ids = [int(a) for a in json.loads(lot.asset_ids)]
        assets = [
            {
                "number": facts.get(str(a), {}).get("number"),
                "kind": facts.get(str(a), {}).get("kind"),
                "title": facts.get(str(a), {}).get("title"),
                "legal_status": facts.get(str(a), {}).get("legal_status"),
                "remaining_days": facts.get(str(a), {}).get("remaining_days"),
                "ipc": ipc.get(a),
            }
            for a in ids
        ]
        seller = parties.party(session, lot.pledgor_id)
        title = "；".join(str(x["title"]) for x in assets if x["title"]) or f"lot {lot.id}"
        docs.append(
            {
                "format": FEED_FORMAT,
                "source": source,
                "id": f"lot:{lot.id}",
                "kind": "lot",
                "title": title[:500],
                "ip_kinds": sorted({str(x["kind"]) for x in assets if x["kind"]}) or ["unknown"],
                "ipc": sorted(
                    {c for x in assets if (c := ipc_subclass(x["ipc"] if isinstance(x["ipc"], str) else None))}
                ),
                "region": seller.region_code if seller is not None else None,
                "price": str(_asking(lot, rounds.get(lot.id, []))),
                "appraisal": str(lot.appraisal),
                "status": lot.status,
                "channel": lot.channel,
                "rules": f"{lot.rules_name}/{lot.rules_version}",
                "updated_on": (lot.settled_on or lot.created_on).isoformat(),
                "assets": assets,
            }
        )
    return docs


def own_docs(session: Session, source: str) -> list[dict[str, object]]:
    """Our lots, then our offers, as feed documents (unsigned)."""
    return lot_docs(session, source) + offers.offer_docs(session, source)


def export_feed(session: Session, source: str | None = None, key: bytes | None = None) -> Iterator[str]:
    """Our lots and offers as signed feed lines (JSON, one a line)."""
    who = source or platform_source()
    for doc in own_docs(session, who):
        yield json.dumps(sign(doc, key if key is not None else platform_key()), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    sources: tuple[str, ...]


def import_feed(
    session: Session,
    principal: Principal,
    lines: Iterable[str],
    keys: dict[str, bytes] | None = None,
    own_source: str | None = None,
) -> ImportSummary:
    """导入: other platforms' feed lines, each checked (``feed_format.parse_line``) before any is written; upserted
    by (source, id) as read-only entries. Our own source is refused, so a lot is never listed twice."""
    keys = feed_keys() if keys is None else keys
    if principal.party_kind is not PartyKind.PLATFORM:
        raise errors.FEED_IMPORTER()
    principal.require(Role.OPERATOR, Role.ADMIN)
    own = own_source or platform_source()
    parsed: list[tuple[Listing, str]] = []
    for n, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        listing = parse_line(text, n, keys)
        if listing.source == own:
            raise errors.FEED_OWN_SOURCE(line=n, source=own)
        parsed.append((listing, text.strip()))
    created = updated = 0
    for x, text in parsed:
        row = session.scalars(
            select(DisposalListing).where(DisposalListing.source == x.source, DisposalListing.source_id == x.source_id)
        ).first()
        if row is None:
            row = DisposalListing(source=x.source, source_id=x.source_id)
            session.add(row)
            created += 1
        else:
            updated += 1
        row.kind, row.title, row.status, row.channel = x.kind, x.title, x.status, x.channel
        row.ip_kinds, row.ipc = f" {' '.join(x.ip_kinds)} ", f" {' '.join(x.ipc)} "
        row.region, row.price, row.updated_on, row.verified, row.line = (
            x.region,
            x.price,
            x.updated_on,
            x.verified,
            text,
        )
        session.flush()
    sources = tuple(sorted({x.source for x, _ in parsed}))
    audit.record(
        session, principal, "disposal.feed_imported", "disposal_listing", 0, {"created": created, "updated": updated}
    )
    return ImportSummary(created, updated, sources)


def _imported(q: Search) -> Select[DisposalListing]:
    stmt = select(DisposalListing)
    if q.status is not None:
        stmt = stmt.where(DisposalListing.status == q.status)
    if q.source is not None:
        stmt = stmt.where(DisposalListing.source == q.source)
    if q.kind is not None:
        stmt = stmt.where(DisposalListing.kind == q.kind)
    # prices are whole fen: a bound below the fen rounds to the fen it admits (the column takes fen only)
    if q.price_min is not None:
        stmt = stmt.where(DisposalListing.price >= model.ceil_fen(q.price_min))
    if q.price_max is not None:
        stmt = stmt.where(DisposalListing.price <= model.floor_fen(q.price_max))
    if q.region is not None:
        stmt = stmt.where(DisposalListing.region.startswith(q.region, autoescape=True))
    if q.ip_kind is not None:
        stmt = stmt.where(DisposalListing.ip_kinds.contains(f" {q.ip_kind} ", autoescape=True))
    if q.ipc:
        stmt = stmt.where(DisposalListing.ipc.contains(f" {q.ipc.strip().upper()[:4]}", autoescape=True))
    return stmt.order_by(DisposalListing.source, DisposalListing.source_id)


def search(session: Session, q: Search, limit: int = 100) -> list[Listing]:
    """挂牌检索: our lots and offers and the imported listings that match ``q``, ours first, each with its source."""
    own = platform_source()
    out: list[Listing] = []
    if q.source in (None, own):
        for doc in own_docs(session, own):
            x = parse_line(json.dumps(sign(doc, None), ensure_ascii=False), 0)
            if q.matches(x):
                out.append(x)
    if q.source != own:
        for row in session.scalars(_imported(q).limit(limit)):
            x = parse_line(row.line, 0)
            if q.matches(x):
                out.append(Listing(**{**x.__dict__, "verified": row.verified}))
    return out[: min(limit, MAX_RESULTS)]
