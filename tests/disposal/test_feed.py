"""The federated listings feed round-trips (both backends as the exporter): our lots exported as signed JSON lines
with their source, imported into a second database, found there by IP kind, IPC class, region, price and status with
their source; a damaged line, a wrong key, our own source or a non-platform importer is refused and nothing written."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.access.tables import Party
from ippledge.db import make_engine, make_session_factory
from ippledge.disposal import listings, service
from ippledge.disposal.feed_format import Search
from ippledge.disposal.tables import DisposalListing
from ippledge.kernel.errors import IppledgeError
from ippledge.registry.tables import IpAsset
from tests.risk_sharing.factories import RiskDesk

KEY = b"test-shared-key-not-a-secret"
OPERATOR = Principal(0, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="test importer")


def _two_lots(d: RiskDesk, f: sessionmaker[Session]) -> list[int]:
    out = []
    bank = d.bank.officer.principal
    for appraisal in ("1000000", "3000000"):
        lid = d.active_loan(amount="600000", months=6)
        d.write_off(lid)
        with f.begin() as s:
            lot = service.open_lot(s, bank, lid, d.clock.today, appraisal=appraisal)
            out.append(lot.id)
    with f.begin() as s:  # the first lot is in its first round: its asking price is that round's start price
        service.schedule_round(s, bank, out[0], d.clock.today)
        # what the register and the party record hold for a Beijing (110108) pharmaceutical patent
        s.execute(update(IpAsset).values(ipc_main="A61K 31/495"))
        s.execute(update(Party).where(Party.id == d.firm.party.id).values(region_code="110108"))
    return out


@pytest.fixture
def second_db(sqlite_template: Path, tmp_path: Path) -> Any:
    path = tmp_path / "platform-b.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield make_session_factory(engine)
    engine.dispose()


def test_export_import_search_round_trip(
    session_factory: sessionmaker[Session], risk_desk: RiskDesk, second_db: sessionmaker[Session], monkeypatch: Any
) -> None:
    d, f = risk_desk, session_factory
    lots = _two_lots(d, f)
    monkeypatch.setenv("IPPLEDGE_PLATFORM_SOURCE", "platform-a")
    with f() as s:
        lines = list(listings.export_feed(s, key=KEY))
        ours = listings.search(s, Search(ip_kind="patent"))
    assert len(lines) == 2 and [x.source_id for x in ours] == [f"lot:{n}" for n in lots]
    docs = [json.loads(x) for x in lines]
    assert {x["source"] for x in docs} == {"platform-a"} and all(x["signature"]["alg"] == "hmac-sha256" for x in docs)
    first = docs[0]
    assert first["price"] == "700000.00" and first["status"] == "open" and first["ip_kinds"] == ["patent"]
    assert first["ipc"] == ["A61K"] and first["region"] == "110108" and first["assets"][0]["number"]

    # the second platform imports them read-only, checking the HMAC under platform-a's key
    monkeypatch.setenv("IPPLEDGE_PLATFORM_SOURCE", "platform-b")
    with second_db.begin() as s:
        done = listings.import_feed(s, OPERATOR, lines, keys={"platform-a": KEY})
    assert (done.created, done.updated, done.sources) == (2, 0, ("platform-a",))
    with second_db.begin() as s:  # importing again updates, never duplicates
        assert listings.import_feed(s, OPERATOR, lines, keys={"platform-a": KEY}).updated == 2
    with second_db() as s:
        every = listings.search(s, Search())
        assert [(x.source, x.source_id, x.verified) for x in every] == [("platform-a", f"lot:{n}", True) for n in lots]
        assert [x.doc for x in every] == docs  # the same lots, as exported
        found = listings.search(
            s, Search(ip_kind="patent", ipc="A61", region="11", price_min=Decimal("500000"), status="open")
        )
        assert [x.source_id for x in found] == [f"lot:{lots[0]}", f"lot:{lots[1]}"]
        cheap = listings.search(s, Search(price_max=Decimal("1000000")))
        assert [x.source_id for x in cheap] == [f"lot:{lots[0]}"]  # 700,000 in round 1; the other asks 2,100,000
        assert listings.search(s, Search(ipc="G06F")) == []
        assert listings.search(s, Search(region="32")) == []
        assert listings.search(s, Search(ip_kind="trademark")) == []
        assert listings.search(s, Search(status="sold")) == []
        assert [x.source for x in listings.search(s, Search(source="platform-a"))] == ["platform-a"] * 2


def _refused(factory: sessionmaker[Session], code: str, lines: list[str], **kw: Any) -> None:
    with factory() as s:
        with pytest.raises(IppledgeError) as e:
            listings.import_feed(s, kw.pop("principal", OPERATOR), lines, **kw)
        assert e.value.code == code, e.value
        s.rollback()
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(DisposalListing)) == 0


def test_bad_feeds_are_refused_whole(
    session_factory: sessionmaker[Session], risk_desk: RiskDesk, second_db: sessionmaker[Session], monkeypatch: Any
) -> None:
    _two_lots(risk_desk, session_factory)
    monkeypatch.setenv("IPPLEDGE_PLATFORM_SOURCE", "platform-a")
    with session_factory() as s:
        signed = list(listings.export_feed(s, key=KEY))
        digest = list(listings.export_feed(s, key=b""))
    monkeypatch.setenv("IPPLEDGE_PLATFORM_SOURCE", "platform-b")
    tampered = json.loads(signed[1])
    tampered["price"] = "1.00"
    _refused(second_db, "disposal.feed_line", [signed[0], json.dumps(tampered)], keys={"platform-a": KEY})
    _refused(second_db, "disposal.feed_line", signed, keys={"platform-a": b"another key"})
    damaged = json.loads(digest[0])
    damaged["title"] = "x"
    _refused(second_db, "disposal.feed_line", [digest[1], json.dumps(damaged)], keys={})
    _refused(second_db, "disposal.feed_line", ["{not json"], keys={})
    bad_ipc = {k: v for k, v in json.loads(digest[0]).items() if k != "signature"}
    bad_ipc["ipc"] = ["nope"]
    _refused(second_db, "disposal.feed_line", [json.dumps(bad_ipc | {"signature": {"alg": "sha256", "value": ""}})])
    _refused(second_db, "disposal.feed_importer", digest, principal=risk_desk.bank.officer.principal)
    monkeypatch.setenv("IPPLEDGE_PLATFORM_SOURCE", "platform-a")  # our own lots are never imported
    _refused(second_db, "disposal.feed_own_source", digest, keys={})
    with second_db.begin() as s:  # a digest-only feed imports, marked unverified
        monkeypatch.setenv("IPPLEDGE_PLATFORM_SOURCE", "platform-b")
        assert listings.import_feed(s, OPERATOR, digest, keys={}).created == 2
    with second_db() as s:
        assert {x.verified for x in listings.search(s, Search())} == {False}


def test_listings_and_feed_over_http(risk_desk: RiskDesk, session_factory: sessionmaker[Session]) -> None:
    d = risk_desk
    lots = _two_lots(d, session_factory)
    get = d.client.get
    rows = get("/disposal/listings", params={"ipc": "A61K", "price_max": "800000"}, headers=d.firm.headers).json()
    assert [(r["source"], r["id"], r["price"]) for r in rows] == [("ippledge", f"lot:{lots[0]}", "700000.00")]
    feed = get("/disposal/feed", headers=d.firm.headers)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/x-ndjson")
    assert len(feed.text.splitlines()) == 2
    r = d.post(d.bank.officer, "/disposal/feed", {"lines": feed.text.splitlines()})
    assert r.status_code == 403 and r.json()["code"] == "disposal.feed_importer"
    bad = get("/disposal/listings", params={"region": "x1"}, headers=d.firm.headers)
    assert bad.status_code in (400, 422)


def test_hostile_lines_are_catalogued_refusals() -> None:
    from ippledge.disposal.feed_format import parse_line

    deep = '{"a":' * 100_000 + "1" + "}" * 100_000
    doc = {"format": "ippledge.listings-feed/1", "source": "p-a", "id": "x", "kind": "lot", "status": "open"}
    surrogate = json.dumps({**doc, "title": "\ud800"})
    nul = json.dumps({**doc, "title": "a\u0000b"})
    for text in (deep[:99_000], "[" * 50_000, surrogate, nul, "x" * 100_001):
        with pytest.raises(IppledgeError) as e:
            parse_line(text, 3)
        assert e.value.code == "disposal.feed_line" and e.value.details["line"] == 3


def test_price_bounds_below_the_fen(risk_desk: RiskDesk) -> None:
    d = risk_desk
    params = {"price_max": "4.647096705003631e-291", "price_min": "0.001"}
    r = d.client.get("/disposal/listings", params=params, headers=d.firm.headers)
    assert r.status_code == 200 and r.json() == []  # found by the fuzzer: was a 500
