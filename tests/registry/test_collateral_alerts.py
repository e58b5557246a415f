"""A pledged IP's legal-status change alerts its pledgee and owners (``pledge.collateral_status_changed``), whether
the registry records one event or loads a bulk feed; an unpledged asset's change alerts no bank."""

from __future__ import annotations

from typing import Any

from ippledge.delivery.service import run_pass
from tests.delivery.factories import T0, Receiver
from tests.lending.factories import LoanDesk

ALERT = "pledge.collateral_status_changed"


def _feed(d: LoanDesk, session_factory: Any, who: Any) -> list[dict[str, Any]]:
    run_pass(session_factory, T0, Receiver().client())
    return list(d.get(who, "/events?limit=1000").json()["events"])


def _alerts(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["payload"] for e in events if e["topic"] == ALERT]


def test_a_recorded_event_on_pledged_ip_alerts_pledgee_and_owner(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    deal = d.approved()
    pledge = d.register(deal.filing_id)
    pledged, loose = deal.assets[0], d.patent()
    day = str(d.clock.today)
    d.post(d.registry, f"/ip-assets/{loose.id}/events", {"code": "CF01", "effective_date": day}, 201)
    d.post(d.registry, f"/ip-assets/{pledged.id}/events", {"code": "CF01", "effective_date": day}, 201)
    for who in (d.bank.officer, d.firm):
        alerts = _alerts(_feed(d, session_factory, who))
        assert [(a["asset_id"], a["pledge_id"], a["code"]) for a in alerts] == [(pledged.id, pledge["id"], "CF01")]
        assert alerts[0]["status_before"] == "in_force" and alerts[0]["status_after"] != "in_force"
    owner_topics = [e["topic"] for e in _feed(d, session_factory, d.firm)]
    assert owner_topics.count("ip.status_changed") == 2  # the owner hears of both of its assets
    assert _alerts(_feed(d, session_factory, d.bank2.officer)) == []


def test_a_bulk_feed_alerts_only_for_pledged_ip_that_changed(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    deal = d.approved()
    d.register(deal.filing_id)
    pledged, loose = deal.assets[0], d.patent()
    day = str(d.clock.today)
    body = f"number,code,effective_date\n{pledged.number},CF01,{day}\n{loose.number},CF01,{day}\n"
    url = "/legal-status/feeds?format=csv&source_name=cnipa-daily"
    r = d.client.post(url, content=body.encode(), headers=d.registry.headers)
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["loaded"] == 2 and report["status_changes"] == 2
    alerts = _alerts(_feed(d, session_factory, d.bank.officer))
    assert [(a["asset_id"], a["feed_batch_id"], a["code"]) for a in alerts] == [
        (pledged.id, report["batch_id"], "CF01")
    ]
    assert _alerts(_feed(d, session_factory, d.firm)) == alerts
