"""Offers of non-distressed IP (高校知识产权转化, firms' own offers), on both backends: the owner the register names
offers, withdraws; a stranger, a co-owner offering the whole right, a lapsed patent, a bad price, deal or region are
refused with the reason and write nothing; offers are searched beside the lots and round-trip through the feed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.db import make_engine, make_session_factory
from ippledge.disposal import listings
from ippledge.disposal.feed_format import Search, parse_line
from ippledge.disposal.tables import DisposalOffer
from ippledge.registry.model import LegalState
from tests.registry.factories import Register, add_patent

OPERATOR = Principal(0, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="test importer")


def _offers(f: sessionmaker[Session]) -> int:
    with f() as s:
        return int(s.scalar(select(func.count()).select_from(DisposalOffer)) or 0)


def test_owners_offer_and_withdraw_and_others_are_refused(world: Any, session_factory: sessionmaker[Session]) -> None:
    f = session_factory
    reg = Register(world)
    uni, firm, stranger = reg.enterprise("某大学技术转移中心"), reg.enterprise(), reg.enterprise()
    own = reg.patent(uni)
    shared = reg.patent(uni, firm)
    lapsed = add_patent(f, [uni.party.id], status=LegalState.TERMINATED)
    c = world.client

    def post(who: Any, body: dict[str, Any], status: int) -> Any:
        r = c.post("/disposal/offers", json=body, headers=who.headers)
        assert r.status_code == status, r.text
        return r.json()

    offer = {"asset_ids": [own["id"]], "deal": "transfer", "price": "1200000"}
    refusals = [
        (stranger, offer, 409, "disposal.offer_not_owner"),
        (uni, offer | {"price": "-1"}, 422, "disposal.offer_price"),
        (uni, offer | {"price": "0"}, 422, "disposal.offer_price"),
        (uni, offer | {"price": "1.001"}, 422, "disposal.offer_price"),
        (uni, offer | {"deal": "lease"}, 422, "disposal.offer_deal"),
        (uni, offer | {"region": "12345x"}, 422, "disposal.offer_input"),
        (uni, offer | {"asset_ids": [own["id"], 10_000_000]}, 404, "not_found"),
        (uni, {"asset_ids": [shared["id"]], "deal": "exclusive_licence", "price": "1"}, 409, "disposal.offer_co_owned"),
        (uni, {"asset_ids": [lapsed.id], "deal": "transfer", "price": "1"}, 409, "disposal.offer_not_in_force"),
    ]
    for who, body, status, code in refusals:
        assert post(who, body, status)["code"] == code, (body, code)
    assert c.post("/disposal/offers", json=offer | {"asset_ids": []}, headers=uni.headers).status_code == 422
    assert _offers(f) == 0  # nothing written for any refusal

    made = post(uni, offer | {"title": "一种抗肿瘤化合物专利转让"}, 201)
    assert made["status"] == "open" and made["price"] == "1200000.00" and made["owner_id"] == uni.party.id
    assert made["region"] == "110108" and made["facts"][str(own["id"])]["ipc"] == "A61K31/495"
    licence = post(firm, {"asset_ids": [shared["id"]], "deal": "ordinary_licence", "price": "50000"}, 201)
    assert c.get(f"/disposal/offers/{made['id']}", headers=stranger.headers).json() == made  # a public listing

    # searched beside the lots: by kind of listing, IPC, region and price
    def search(query: str) -> list[str]:
        r = c.get(f"/disposal/listings?{query}", headers=stranger.headers)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()]

    ids = [f"offer:{made['id']}", f"offer:{licence['id']}"]
    assert search("kind=offer") == ids and search("kind=lot") == []
    assert search("kind=offer&ipc=A61K&region=11&price_max=100000") == [ids[1]]
    got = c.get("/disposal/listings?kind=offer&price_min=1000000", headers=stranger.headers).json()
    assert got[0]["channel"] == "transfer" and got[0]["line"]["deal"] == "transfer" and got[0]["ipc"] == ["A61K"]

    # withdrawn by its owner only, once
    assert c.post(f"/disposal/offers/{made['id']}/withdraw", headers=stranger.headers).status_code == 404
    gone = c.post(f"/disposal/offers/{made['id']}/withdraw", headers=uni.headers)
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"
    again = c.post(f"/disposal/offers/{made['id']}/withdraw", headers=uni.headers)
    assert again.status_code == 409 and again.json()["code"] == "disposal.offer_state"
    assert search("kind=offer&status=open") == [ids[1]]
    feed = c.get("/disposal/feed", headers=stranger.headers).text.splitlines()
    lines = [parse_line(x, n) for n, x in enumerate(feed, start=1)]
    assert [(x.source_id, x.kind, x.status) for x in lines] == [
        (ids[0], "offer", "withdrawn"),
        (ids[1], "offer", "open"),
    ]


@pytest.fixture
def second_db(sqlite_template: Path, tmp_path: Path) -> Any:
    path = tmp_path / "platform-b.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield make_session_factory(engine)
    engine.dispose()


def test_offers_round_trip_through_the_feed(
    world: Any, session_factory: sessionmaker[Session], second_db: sessionmaker[Session], monkeypatch: Any
) -> None:
    reg = Register(world)
    uni = reg.enterprise("某研究所")
    p = reg.patent(uni)
    r = world.client.post(
        "/disposal/offers", json={"asset_ids": [p["id"]], "deal": "open_licence", "price": "20000"}, headers=uni.headers
    )
    assert r.status_code == 201, r.text
    monkeypatch.setenv("IPPLEDGE_PLATFORM_SOURCE", "platform-a")
    with session_factory() as s:
        lines = list(listings.export_feed(s, key=b"test-shared-key-not-a-secret"))
    monkeypatch.setenv("IPPLEDGE_PLATFORM_SOURCE", "platform-b")
    with second_db.begin() as s:
        done = listings.import_feed(s, OPERATOR, lines, keys={"platform-a": b"test-shared-key-not-a-secret"})
    assert (done.created, done.sources) == (1, ("platform-a",))
    with second_db() as s:
        (found,) = listings.search(s, Search(kind="offer", ipc="A61"))
        assert (found.source, found.source_id, found.verified) == ("platform-a", f"offer:{r.json()['id']}", True)
        assert found.doc == json.loads(lines[0]) and found.channel == "open_licence"
        assert listings.search(s, Search(kind="lot")) == []
