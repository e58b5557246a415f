"""The disposal routes: the plan, a lot, a round, bidders with deposits, bids at server time (409 with the reason and
nothing written when out of order), one close, payment and settlement into the clawback; ``ledger check`` after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ippledge.access.model import PartyKind
from ippledge.disposal.api import server_time
from tests.disposal.factories import bidder, claimed_loan
from tests.ledger.factories import assert_ledger_ok
from tests.risk_sharing.factories import RiskDesk


def test_disposal_through_the_api(app: Any, session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    plan = d.get(d.bank.officer, "/disposal/plan?appraisal=1000000").json()
    assert [r["start_price"] for r in plan["rounds"]] == ["700000.00", "560000.00"]
    bad = d.client.get("/disposal/plan?appraisal=-1", headers=d.bank.officer.headers)
    assert bad.status_code == 422 and bad.json()["code"] == "disposal.appraisal"

    c = claimed_loan(d)
    agent = c.agent
    assert d.post(d.bank2.officer, "/disposal/lots", {"loan_id": c.loan_id}).status_code == 404
    lot = d.post(agent, "/disposal/lots", {"loan_id": c.loan_id}, 201).json()
    assert lot["appraisal"] == "8000000.00" and lot["rules"] == "spc-online-2016/1"
    r = d.post(agent, f"/disposal/lots/{lot['id']}/rounds", {"deposit": "1"})
    assert r.status_code == 409 and r.json()["code"] == "disposal.deposit_range"
    rnd = d.post(agent, f"/disposal/lots/{lot['id']}/rounds", {}, 201).json()
    opens, ends = dt.datetime.fromisoformat(rnd["opens_at"]), dt.datetime.fromisoformat(rnd["ends_at"])
    now = {"t": opens - dt.timedelta(days=1)}
    app.dependency_overrides[server_time] = lambda: now["t"]
    try:
        a, b = bidder(d), bidder(d)
        unchecked = d.world.party(PartyKind.ENTERPRISE)
        url = f"/disposal/rounds/{rnd['id']}"
        refused = d.post_key(agent, f"{url}/bidders", {"party_id": unchecked.id})
        assert refused.status_code == 409 and refused.json()["code"] == "disposal.bidder_kyc"
        for x in (a, b):
            got = d.post_key(agent, f"{url}/bidders", {"party_id": x.party.id}, 201).json()
            assert got["deposit"] == "280000.00" and got["status"] == "held"

        early = d.post(a, f"{url}/bids", {"amount": "5600000"})
        assert early.status_code == 409 and early.json()["code"] == "disposal.bid_in_notice"
        now["t"] = opens + dt.timedelta(hours=1)
        first = d.post(a, f"{url}/bids", {"amount": "5600000"}, 201).json()
        assert first["seq"] == 1
        low = d.post(b, f"{url}/bids", {"amount": "5600000"})
        assert low.status_code == 409 and low.json()["code"] == "disposal.bid_low"
        assert low.json()["details"]["minimum"] == "5656000.00"
        assert d.get(b, f"/disposal/lots/{lot['id']}").json()["rounds"][0]["bid_count"] == 1  # nothing written
        d.post(b, f"{url}/bids", {"amount": "5656000"}, 201)
        now["t"] = ends
        closed = d.post(agent, f"{url}/close", None, 200).json()
        assert closed["status"] == "won" and closed["price"] == "5656000.00"
        assert d.post(agent, f"{url}/close", None, 200).json() == closed
        sold = d.post_key(agent, f"{url}/payment", {}, 200).json()
        assert sold["status"] == "sold" and sold["buyer_id"] == b.party.id
        done = d.post_key(d.bank.officer, f"/disposal/lots/{lot['id']}/settlement", {"costs": "50000"}, 200).json()
    finally:
        app.dependency_overrides.pop(server_time, None)
    assert Decimal(done["proceeds"]) == Decimal("5656000.00") and done["costs"] == "50000.00"
    assert Decimal(done["surplus"]) == Decimal("5606000.00") - Decimal(done["debt"])
    assert sum(Decimal(v) for v in done["clawed_back"].values()) == c.shares["fund"] + c.shares["insurer"]
    assert done["release_filings"] and len(done["transfer_filings"]) == 1
    (transfer,) = done["transfer_filings"]
    assert d.post(agent, f"/disposal/filings/{transfer}/record", None).status_code == 403
    recorded = d.post(d.registry, f"/disposal/filings/{transfer}/record", None, 200).json()
    assert recorded["kind"] == "transfer" and recorded["recorded_on"] == str(d.clock.today)
    assert_ledger_ok(session_factory, loans=1)


def test_sealed_round_and_satisfaction_through_the_api(app: Any, session_factory, risk_desk: RiskDesk) -> None:
    d = risk_desk
    c = claimed_loan(d)
    agent = c.agent
    lot = d.post(agent, "/disposal/lots", {"loan_id": c.loan_id}, 201).json()
    bad = d.post(agent, f"/disposal/lots/{lot['id']}/rounds", {"format": "dutch"})
    assert bad.status_code == 422 and bad.json()["code"] == "disposal.format"
    rnd = d.post(agent, f"/disposal/lots/{lot['id']}/rounds", {"format": "sealed_second"}, 201).json()
    assert rnd["format"] == "sealed_second" and rnd["price"] is None
    app.dependency_overrides[server_time] = lambda: dt.datetime.fromisoformat(rnd["ends_at"])
    try:
        assert d.post(agent, f"/disposal/rounds/{rnd['id']}/close", None, 200).json()["status"] == "failed"
    finally:
        app.dependency_overrides.pop(server_time, None)
    url = f"/disposal/lots/{lot['id']}/satisfaction"
    assert d.post_key(agent, url, {}).json()["code"] == "disposal.not_agent"
    taken = d.post_key(d.bank.officer, url, {}, 200).json()
    assert taken["satisfied"] and taken["status"] == "sold" and taken["price"] == "5600000.00"
    assert taken["buyer_id"] == d.bank.id
    assert_ledger_ok(session_factory, loans=1)
