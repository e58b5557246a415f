"""Whitelist two-way push through the API (白名单双向推送): criteria versions, a list built on facts with reasons and
an unknown count, maker-checker publication, the push to two banks through the outbox, feedback under working-day
limits, escalation of overdue follow-ups to the regulator, and who sees what."""

from __future__ import annotations

import datetime as dt

from tests.whitelist.factories import RULES, WhitelistDesk


def test_build_review_push_feedback_and_escalation(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    top = d.make_firm(kinds=("ip_demonstration",), inventions=3, score=80)
    second = d.make_firm(kinds=("specialised",), score=70)
    d.make_firm(kinds=("ip_advantage",), score=40)  # fails the score
    d.make_firm(kinds=("ip_demonstration",), score=90, abnormal=True)  # fails the abuse flag
    d.make_firm(kinds=("ip_demonstration",))  # no score yet: unknown
    d.make_firm(score=95)  # no designation

    # criteria are versioned; a bad rule is a catalogued 400 naming every problem
    bad = d.post(d.operator, "/whitelist-criteria", {**_crit({"require": [{"fact": "x"}]})}, 422).json()
    assert bad["code"] == "whitelist.criteria_invalid"
    c1 = d.criteria(RULES)
    c2 = d.criteria(RULES)
    assert (c1["version_no"], c2["version_no"]) == (1, 2)
    d.post(d.bank.officer, "/whitelist-criteria", _crit(RULES), 403)

    body = {
        "criteria_id": c2["id"],
        "name": "示范企业白名单",
        "as_of": "2025-06-03",
        "valid_from": "2025-06-03",
        "valid_to": "2025-12-31",
    }
    lst = d.post(d.operator, "/whitelists", body, 201).json()
    assert lst["status"] == "draft" and lst["unknown"] == 1
    assert [m["enterprise_id"] for m in lst["members"]] == [top.id, second.id]
    reasons = {r["fact"]: r for r in lst["members"][0]["reasons"]}
    assert reasons["ip_score"]["found"] == 80 and reasons["ip_demonstration"]["outcome"] == "pass"
    assert lst["members"][0]["score"] == 80 + 10 + 3
    # maker-checker: the builder cannot publish; nothing can be pushed before publication
    assert d.post(d.operator, f"/whitelists/{lst['id']}/review", {"decision": "approve"}, 403).json()["code"] == (
        "access.self_approval"
    )
    push_body = {"bank_ids": [d.bank.id, d.bank2.id], "top_n": 10, "first_contact_days": 3, "next_step_days": 5}
    assert (
        d.post(d.operator, f"/whitelists/{lst['id']}/pushes", push_body, 409).json()["code"] == "whitelist.list_state"
    )
    pub = d.post(
        d.operator2, f"/whitelists/{lst['id']}/review", {"decision": "approve", "note": "核对无误"}, 200
    ).json()
    assert pub["status"] == "published" and pub["published_on"] == "2025-06-03"
    d.get(d.bank.officer, f"/whitelists/{lst['id']}", 403)
    assert d.get(d.regulator, f"/whitelists/{lst['id']}").json()["status"] == "published"

    # the push: one per bank, each firm with its reasons, an event in each bank's feed
    not_bank = {**push_body, "bank_ids": [d.firm.party.id]}
    assert d.post(d.operator, f"/whitelists/{lst['id']}/pushes", not_bank, 422).json()["code"] == "whitelist.push_banks"
    pushes = d.post(d.operator, f"/whitelists/{lst['id']}/pushes", push_body, 201).json()
    assert [p["bank_id"] for p in pushes] == [d.bank.id, d.bank2.id]
    again = d.post(d.operator, f"/whitelists/{lst['id']}/pushes", push_body, 409).json()
    assert again["code"] == "whitelist.push_again"
    mine = pushes[0]
    assert [i["state"] for i in mine["items"]] == ["pushed", "pushed"]
    assert mine["items"][0]["due_on"] == "2025-06-06"  # 3 working days after Tuesday 3 June
    dispatch(session_factory)
    feed = d.get(d.bank.officer, "/events?topic=whitelist.pushed").json()
    rows = feed["events"] if isinstance(feed, dict) else feed
    assert len(rows) == 1 and [f["enterprise_id"] for f in rows[0]["payload"]["firms"]] == [top.id, second.id]
    assert d.get(d.bank2.officer, f"/whitelist-pushes/{mine['id']}", None).status_code == 404
    assert [p["id"] for p in d.get(d.bank.officer, "/whitelist-pushes").json()] == [mine["id"]]

    # feedback: forward only, a decline needs a reason code; the other bank cannot touch it
    item, other = mine["items"][0]["id"], mine["items"][1]["id"]
    url = f"/whitelist-push-items/{item}/feedback"
    d.post(d.bank2.officer, url, {"state": "contacted"}, 404)
    d.post(d.bank.officer, url, {"state": "contacted", "branch": "中关村支行"}, 200)
    back = d.post(d.bank.officer, url, {"state": "pushed"}, 409).json()
    assert back["code"] == "whitelist.feedback_move"
    d.post(d.bank.officer, url, {"state": "applied"}, 200)
    done = d.post(d.bank.officer, url, {"state": "approved", "note": "授信500万元"}, 200).json()
    assert [(h["from_state"], h["to_state"]) for h in done["history"]] == [
        ("pushed", "contacted"),
        ("contacted", "applied"),
        ("applied", "approved"),
    ]
    assert done["due_on"] is None and done["branch"] == "中关村支行"
    no_reason = d.post(
        d.bank2.officer, f"/whitelist-push-items/{pushes[1]['items'][0]['id']}/feedback", {"state": "declined"}, 422
    )
    assert no_reason.json()["code"] == "whitelist.decline_reason"
    d.post(
        d.bank2.officer,
        f"/whitelist-push-items/{pushes[1]['items'][0]['id']}/feedback",
        {"state": "declined", "reason_code": "no_need"},
        200,
    )

    # time passes: the untouched firms are overdue; the operator escalates them to the regulator, once
    d.clock.today = dt.date(2025, 6, 9)
    assert d.post(d.operator, "/whitelist-escalations", None, 200).json()["escalated"] == 2
    assert d.post(d.operator, "/whitelist-escalations", None, 200).json()["escalated"] == 0
    d.post(d.bank.officer, "/whitelist-escalations", None, 403)
    overdue = d.get(d.bank.officer, f"/whitelist-push-items/{other}").json()
    assert overdue["overdue"] and overdue["escalated_on"] == "2025-06-09"
    dispatch(session_factory)
    reg_feed = d.get(d.regulator, "/events?topic=whitelist.follow_up_overdue").json()
    reg_rows = reg_feed["events"] if isinstance(reg_feed, dict) else reg_feed
    assert sorted(r["payload"]["item_id"] for r in reg_rows) == sorted([other, pushes[1]["items"][1]["id"]])


def dispatch(factory) -> None:  # type: ignore[no-untyped-def]
    """The relay's dispatch step: events enter the pull feed."""
    from ippledge.delivery import service

    with factory.begin() as s:
        service.dispatch(s, dt.datetime.now(dt.UTC))


def _crit(rules: dict) -> dict:
    return {"code": "demo", "name": "标准", "effective_from": "2025-01-01", "rules": rules}


def test_an_empty_list_is_refused(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    d.make_firm(kinds=("ip_demonstration",))  # unknown score
    c = d.criteria(RULES)
    body = {
        "criteria_id": c["id"],
        "name": "空",
        "as_of": "2025-06-03",
        "valid_from": "2025-06-03",
        "valid_to": "2025-12-31",
    }
    r = d.post(d.operator, "/whitelists", body, 409).json()
    assert r["code"] == "whitelist.list_empty" and r["details"]["unknown"] == 1
