"""The federated listings feed (联合挂牌信息交换格式), ``ippledge.listings-feed/1``: one JSON object a line. Pure.

Each line is one listing a platform publishes — a disposal lot, or an offer of non-distressed IP — with its
**source** (the publishing platform's id) and a **signature** over the rest::

    {"format": "ippledge.listings-feed/1", "source": "platform-a", "id": "lot:12", "kind": "lot",
     "title": "...", "ip_kinds": ["patent"], "ipc": ["G06F"], "region": "320500",
     "price": "5600000.00", "appraisal": "8000000.00", "status": "open", "channel": "auction",
     "rules": "spc-online-2016/1", "updated_on": "2025-10-23",
     "assets": [{"number": "...", "kind": "patent", "title": "...", "legal_status": "valid", "ipc": "G06F 16/00"}],
     "signature": {"alg": "hmac-sha256", "value": "<hex>"}}

* ``kind``: ``lot`` (a defaulted loan's pledged IP in disposal) or ``offer`` (a transfer or licence offer);
* ``ipc``: the IPC subclasses (4 characters, e.g. ``G06F``) of the patents; ``region``: the 6-digit administrative
  division code (GB/T 2260) of the seller; ``price``: the current asking price in yuan (an open round's start price
  or its leading bid; the sale price once sold); ``status``: ``open`` | ``sold`` | ``settled`` | ``withdrawn``.
* ``signature``: ``hmac-sha256`` with the key the two platforms share (the importer checks it when it holds the
  source's key), or ``sha256`` (a digest only: it proves the line was not damaged, not who wrote it). It is computed
  over the canonical JSON of the line without ``signature`` (keys sorted, no spaces, UTF-8).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ippledge.disposal import errors

FEED_FORMAT = "ippledge.listings-feed/1"
KINDS = ("lot", "offer")
STATUSES = ("open", "sold", "settled", "withdrawn")
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
_IPC = re.compile(r"^[A-H][0-9]{2}[A-Z]$")
_REGION = re.compile(r"^[0-9]{2}([0-9]{2}){0,2}$")
IPC_SUBCLASS, REGION_CODE = _IPC, _REGION  # what an offer entered here is checked against, as a line would be
FEN = Decimal("0.01")
MAX_LINE = 100_000  # characters


def canonical(doc: dict[str, Any]) -> bytes:
    body = {k: v for k, v in doc.items() if k != "signature"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(doc: dict[str, Any], key: bytes | None) -> dict[str, Any]:
    """``doc`` with its signature: an HMAC-SHA256 under ``key``, or a SHA-256 digest without one."""
    if key:
        sig = {"alg": "hmac-sha256", "value": hmac.new(key, canonical(doc), hashlib.sha256).hexdigest()}
    else:
        sig = {"alg": "sha256", "value": hashlib.sha256(canonical(doc)).hexdigest()}
    return {**doc, "signature": sig}


def ipc_subclass(symbol: str | None) -> str | None:
    """The IPC subclass (``G06F``) of a full symbol (``G06F 16/00``, ``G06F16/00``)."""
    if not symbol:
        return None
    head = symbol.strip().upper()[:4]
    return head if _IPC.match(head) else None


@dataclass(frozen=True)
class Listing:
    """One feed line as checked: what a search filters on, and the line itself (stored as received)."""

    source: str
    source_id: str
    kind: str
    title: str
    ip_kinds: tuple[str, ...]
    ipc: tuple[str, ...]
    region: str | None
    price: Decimal
    status: str
    channel: str
    updated_on: dt.date
    verified: bool  # the HMAC checked out under the source's key (False: a digest only)
    doc: dict[str, Any]


def _bad(line: int, reason: str) -> Exception:
    return errors.FEED_LINE(line=line, reason=reason)


def parse_line(text: str, line: int, keys: dict[str, bytes] | None = None) -> Listing:
    """One feed line checked field by field and by its signature (``disposal.feed_line`` names the line and why).
    A source whose key the importer holds must carry a valid HMAC; otherwise the digest must match."""
    if len(text) > MAX_LINE or "\\u0000" in text:
        raise _bad(line, f"longer than {MAX_LINE} characters or holding a NUL")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise _bad(line, "not JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FEED_FORMAT:
        raise _bad(line, f"format must be {FEED_FORMAT}")
    try:
        canonical(doc)
    except (UnicodeEncodeError, ValueError, RecursionError):  # a lone surrogate, nesting too deep
        raise _bad(line, "not valid UTF-8 text") from None
    source, sid = doc.get("source"), doc.get("id")
    if not isinstance(source, str) or not _SOURCE.match(source):
        raise _bad(line, "source must be a platform id (a-z, 0-9, . _ -)")
    if not isinstance(sid, str) or not 0 < len(sid) <= 80:
        raise _bad(line, "id must be a string of 1-80 characters")
    if doc.get("kind") not in KINDS:
        raise _bad(line, f"kind must be one of {', '.join(KINDS)}")
    if doc.get("status") not in STATUSES:
        raise _bad(line, f"status must be one of {', '.join(STATUSES)}")
    title = doc.get("title")
    if not isinstance(title, str) or not 0 < len(title) <= 500:
        raise _bad(line, "title must be a string of 1-500 characters")
    kinds, ipc = doc.get("ip_kinds"), doc.get("ipc")
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) and 0 < len(k) <= 20 for k in kinds):
        raise _bad(line, "ip_kinds must be a non-empty list of IP kinds")
    if not isinstance(ipc, list) or not all(isinstance(c, str) and _IPC.match(c) for c in ipc):
        raise _bad(line, "ipc must be a list of IPC subclasses such as G06F")
    region = doc.get("region")
    if region is not None and not (isinstance(region, str) and _REGION.match(region)):
        raise _bad(line, "region must be a GB/T 2260 division code (2, 4 or 6 digits)")
    try:
        price = Decimal(str(doc.get("price")))
        updated = dt.date.fromisoformat(str(doc.get("updated_on")))
    except (InvalidOperation, ValueError):
        raise _bad(line, "price or updated_on does not parse") from None
    if not price.is_finite() or price < 0 or price != price.quantize(FEN) or price >= Decimal("1e14"):
        raise _bad(line, "price must be an amount in yuan to the fen")
    channel = doc.get("channel", "")
    if not isinstance(channel, str) or len(channel) > 20:
        raise _bad(line, "channel must be a short string")
    sig = doc.get("signature")
    if not isinstance(sig, dict) or not isinstance(sig.get("value"), str):
        raise _bad(line, "signature missing")
    key = (keys or {}).get(source)
    if key is not None:
        want = hmac.new(key, canonical(doc), hashlib.sha256).hexdigest()
        if sig.get("alg") != "hmac-sha256" or not hmac.compare_digest(want, sig["value"]):
            raise _bad(line, f"signature does not verify under {source}'s key")
    elif sig.get("alg") == "sha256":
        if not hmac.compare_digest(hashlib.sha256(canonical(doc)).hexdigest(), sig["value"]):
            raise _bad(line, "digest does not match the line")
    elif sig.get("alg") != "hmac-sha256":
        raise _bad(line, "signature alg must be hmac-sha256 or sha256")
    return Listing(
        source=source,
        source_id=sid,
        kind=doc["kind"],
        title=title,
        ip_kinds=tuple(sorted(set(kinds))),
        ipc=tuple(sorted(set(ipc))),
        region=region,
        price=price,
        status=doc["status"],
        channel=channel,
        updated_on=updated,
        verified=key is not None,
        doc=doc,
    )


@dataclass(frozen=True)
class Search:
    """What a listings search filters on (each optional): IP kind, IPC prefix, region prefix, price range, status,
    source, and the kind of listing (a lot in disposal, or an offer)."""

    ip_kind: str | None = None
    ipc: str | None = None
    region: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    status: str | None = None
    source: str | None = None
    kind: str | None = None  # lot | offer

    def matches(self, x: Listing) -> bool:
        ipc = (self.ipc or "").strip().upper()
        return (
            (self.ip_kind is None or self.ip_kind in x.ip_kinds)
            and (not ipc or any(c.startswith(ipc[:4]) for c in x.ipc))
            and (self.region is None or (x.region or "").startswith(self.region))
            and (self.price_min is None or x.price >= self.price_min)
            and (self.price_max is None or x.price <= self.price_max)
            and (self.status is None or x.status == self.status)
            and (self.source is None or x.source == self.source)
            and (self.kind is None or x.kind == self.kind)
        )
