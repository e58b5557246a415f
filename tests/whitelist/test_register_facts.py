"""Designations and 非正常申请 flags through the registry's routes: recorded by a registry officer or the platform,
refused to others, bad input catalogued, a cleared flag no longer counts in the reverse push."""

from __future__ import annotations

from tests.whitelist.factories import WhitelistDesk


def test_designations_and_flags_through_the_api(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    f = d.make_firm(inventions=1)
    url = f"/enterprises/{f.id}/designations"
    body = {"kind": "specialised", "valid_from": "2025-01-01", "source": "市经信局专精特新名单"}
    made = d.post(d.operator, url, body, 201).json()
    assert (made["party_id"], made["kind"], made["valid_to"]) == (f.id, "specialised", None)
    d.post(d.bank.officer, url, body, 403)
    assert d.post(d.registry, url, {**body, "kind": "famous"}, 422).json()["code"] == "registry.designation_kind"
    park = {**body, "kind": "park"}
    assert d.post(d.registry, url, park, 422).json()["code"] == "registry.designation_park"
    d.post(d.registry, url, {**park, "detail": "中关村软件园"}, 201)
    assert d.post(d.registry, f"/enterprises/{d.bank.id}/designations", body, 404).json()["code"] == (
        "registry.not_an_enterprise"
    )

    flag = f"/ip-assets/{f.patents[0]}/abnormal-flags"
    d.post(d.registry, flag, {"flagged_on": "2025-03-01", "notice": "非正常专利申请通知"}, 201)
    again = d.post(d.registry, flag, {"flagged_on": "2025-04-01", "notice": "再次"}, 409).json()
    assert again["code"] == "registry.abnormal_duplicate"
    ask = {"usccs": [f.uscc]}
    assert d.post(d.bank.officer, "/reverse-push", ask, 200).json()["answers"][0]["ip_abuse_flag"] is True
    d.post(d.registry, f"{flag}/clear", {"cleared_on": "2025-05-01"}, 200)
    assert d.post(d.bank.officer, "/reverse-push", ask, 200).json()["answers"][0]["ip_abuse_flag"] is False
    d.post(d.registry, f"{flag}/clear", {"cleared_on": "2025-05-02"}, 404)
