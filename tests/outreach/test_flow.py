"""Events through the API (对接活动): announce, sign up (409 when full or after the day, 404 for an unknown firm), a
sign-up file with per-line errors, attendance, the invited banks' follow-up tasks worked and escalated as whitelist
pushes, demands collected at the event, the funnel cut by event, and who sees what (record 0032)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from tests.whitelist.factories import WhitelistDesk
from tests.whitelist.test_flow import dispatch

HELD = dt.date(2025, 6, 10)


def _event(d: WhitelistDesk, who: Any, capacity: int, expect: int = 201, **kw: Any) -> Any:
    body = {
        "kind": "park_campaign",
        "title": "中关村软件园入园惠企活动",
        "held_on": str(HELD),
        "capacity": capacity,
        "bank_ids": [d.bank.id, d.bank2.id],
        "park": "中关村软件园",
        "region_code": "110108",
        **kw,
    }
    return d.post(who, "/outreach-events", body, expect).json()


def _code(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    return str(r.json()["code"])


def test_event_sign_up_attend_follow_up(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    a, b, c = (d.make_firm() for _ in range(3))
    # the organisers announce; a bank or a firm cannot
    assert _event(d, d.bank.officer, 2, 403)["code"] == "outreach.organiser_only"
    bad = _event(d, d.operator, 0, 422)  # schema: capacity >= 1
    assert bad["code"]
    past = _event(d, d.operator, 5, 422, held_on="2025-06-01", bank_ids=[d.firm.party.id])
    assert past["code"] == "outreach.event_invalid"
    ev = _event(d, d.operator, 2)
    assert (ev["signed_up"], ev["places_left"], ev["kind_zh"]) == (0, 2, "入园惠企")
    big = _event(d, d.regulator, 10, kind="roadshow", title="知识产权质押融资路演")
    # every party reads the announcements
    assert {e["id"] for e in d.get(d.firm, "/outreach-events").json()} == {ev["id"], big["id"]}

    url = f"/outreach-events/{ev['id']}/signups"
    d.post(d.firm, url, {}, 201)  # the firm itself
    d.post(d.operator, url, {"enterprise_id": a.id}, 201)  # the operator for a firm
    assert _code(d.post(d.operator, url, {"enterprise_id": b.id}), 409) == "outreach.event_full"
    assert _code(d.post(d.firm, url, {}), 409) == "outreach.already_signed_up"
    assert _code(d.post(d.operator, url, {"enterprise_id": d.bank.id}), 404) == "outreach.unknown_firm"
    assert _code(d.post(d.firm, "/outreach-events/999999/signups", {}), 404) == "outreach.event_not_found"
    assert _code(d.post(d.bank.officer, url, {"enterprise_id": b.id}), 403) == "outreach.who_signs_up"

    # a sign-up file: good lines signed up, each bad one listed with its line number
    csv_text = f"uscc,name\n{b.uscc},乙\n12345,坏\n{c.uscc},丙\n{b.uscc},乙\n91110108MA00000000,无\n"
    body = {"content_base64": base64.b64encode(csv_text.encode()).decode()}
    res = d.post(d.operator, f"/outreach-events/{big['id']}/signup-files", body, 201).json()
    assert (res["total"], res["loaded"], res["rejected"]) == (5, 2, 3)
    assert [(e["line"], e["code"].split(".")[0]) for e in res["errors"]] == [(3, "id"), (5, "outreach"), (6, "id")]
    assert res["errors"][1]["code"] == "outreach.already_signed_up"

    # a firm sees its own sign-ups; a bank none; the platform all
    assert [s["event_id"] for s in d.get(d.firm, "/outreach-signups").json()] == [ev["id"]]
    assert d.get(d.bank.officer, "/outreach-signups").json() == []
    assert len(d.get(d.operator, "/outreach-signups").json()) == 4

    # attendance only from the event's day; sign-ups close after it
    att = f"/outreach-events/{ev['id']}/attendance"
    assert _code(d.post(d.operator, att, {"enterprise_ids": [a.id]}), 409) == "outreach.not_held"
    d.clock.today = HELD
    assert _code(d.post(d.operator, att, {"enterprise_ids": [a.id, c.id]}), 409) == "outreach.not_signed_up"
    after = d.post(d.operator, att, {"enterprise_ids": [a.id, d.firm.party.id]}, 200).json()
    assert after["attended"] == 2
    d.post(d.operator, att, {"enterprise_ids": [d.firm.party.id], "attended": False}, 200)
    d.clock.today = HELD + dt.timedelta(days=1)
    closed = d.post(d.operator, f"/outreach-events/{big['id']}/signups", {"enterprise_id": a.id})
    assert _code(closed, 409) == "outreach.signup_closed"

    # demands collected at the event
    dem = {"amount": "2000000", "term_months": 12, "use": "working_capital", "event_id": ev["id"]}
    assert d.post(d.firm, "/demands", dem, 201).json()["source"] == "event"
    assert _code(d.post(d.firm, "/demands", {**dem, "event_id": 999999}), 404) == "outreach.event_not_found"
    assert [x["event_id"] for x in d.get(d.operator, f"/demands?event_id={ev['id']}").json()] == [ev["id"]]

    # follow-ups: each invited bank gets a task per attending firm, once; the platform operator opens them
    fu = f"/outreach-events/{ev['id']}/follow-ups"
    assert _code(d.post(d.regulator, fu, {"first_contact_days": 2}), 403) == "whitelist.operator_only"
    opened = d.post(d.operator, fu, {"first_contact_days": 2}, 201).json()
    assert sorted((o["bank_id"], o["firms"]) for o in opened) == sorted([(d.bank.id, 1), (d.bank2.id, 1)])
    assert _code(d.post(d.operator, fu, {}), 409) == "outreach.follow_ups_done"
    dispatch(session_factory)
    feed = d.get(d.bank.officer, "/events?topic=outreach.follow_ups").json()
    rows = feed["events"] if isinstance(feed, dict) else feed
    assert [f["enterprise_id"] for f in rows[0]["payload"]["firms"]] == [a.id]

    # the bank works its task as a whitelist push; the other bank cannot see it
    mine = d.get(d.bank.officer, f"/whitelist-pushes?event_id={ev['id']}").json()
    assert [(p["event_id"], p["whitelist_id"]) for p in mine] == [(ev["id"], None)]
    push = d.get(d.bank.officer, f"/whitelist-pushes/{mine[0]['id']}").json()
    item = push["items"][0]
    assert (item["enterprise_id"], item["state"], item["due_on"], item["reasons"]) == (a.id, "pushed", "2025-06-13", [])
    assert d.get(d.bank2.officer, f"/whitelist-pushes/{mine[0]['id']}", None).status_code == 404
    d.post(d.bank.officer, f"/whitelist-push-items/{item['id']}/feedback", {"state": "contacted"}, 200)
    # the other bank's task runs past its limit: escalated to the regulator like a list's
    d.clock.today = dt.date(2025, 6, 20)
    assert d.post(d.operator, "/whitelist-escalations", {}, 200).json()["escalated"] == 1

    # the funnel cut by event: both banks' tasks, one contacted
    f = d.get(d.operator, "/funnel?start=2025-06-01&end=2025-06-30&by=event").json()
    row = next(r for r in f if r["key"] == str(ev["id"]))
    assert (row["counts"]["pushed"], row["counts"]["contacted"]) == (2, 1)
    assert d.get(d.bank.officer, "/funnel?start=2025-06-01&end=2025-06-30&by=event").json()[0]["counts"]["pushed"] == 1
