"""What a bank sees of a pushed firm (推送企业的授权数据): the whitelist reasons always; the gateway fields the firm
granted that bank for the purpose ``whitelist``, read through the gateway when the bank reads the push, logged as any
gateway read; a revoked consent stops the next read at once (record 0032)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ippledge.gateway.fakes import FAKE
from ippledge.gateway.model import Source, TaxRecord
from tests.whitelist.factories import RULES, WhitelistDesk
from tests.whitelist.test_tax_grade import _firm_user


def test_push_shows_consented_fields_until_revoked(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    try:
        top = d.make_firm(kinds=("ip_demonstration",), inventions=3, score=80)
        second = d.make_firm(kinds=("specialised",), score=70)
        FAKE.pin(Source.TAX, top.uscc, TaxRecord("A", Decimal("5000000.00"), Decimal("0.00")))
        lst = d.published(RULES)
        body = {"bank_ids": [d.bank.id, d.bank2.id], "top_n": 10}
        pushes = d.post(d.operator, f"/whitelists/{lst['id']}/pushes", body, 201).json()
        mine = pushes[0]
        top_u = _firm_user(d, top.id)
        grant: dict[str, Any] = {
            "grantee_id": d.bank.id,
            "source": "tax",
            "fields": ["credit_grade", "arrears"],
            "purpose": "whitelist",
            "expires_on": "2026-06-02",
        }
        consent = d.post(top_u, "/consents", grant, 201).json()
        # a consent to the same bank for another purpose does not show in the push
        elsewhere = {**grant, "source": "sci_tech", "fields": ["high_tech"], "purpose": "post_loan"}
        d.post(top_u, "/consents", elsewhere, 201)

        seen = d.get(d.bank.officer, f"/whitelist-pushes/{mine['id']}").json()
        by_firm = {i["enterprise_id"]: i for i in seen["items"]}
        assert by_firm[top.id]["consented"] == {"tax": {"arrears": "0.00", "credit_grade": "A"}}
        assert by_firm[second.id]["consented"] == {}  # no consent: the reasons only
        assert {r["fact"] for r in by_firm[second.id]["reasons"]} >= {"ip_score", "specialised"}
        assert by_firm[top.id]["reasons"][0]["outcome"] == "pass"
        # the other bank, the platform and the regulator see no consented field
        other = d.get(d.bank2.officer, f"/whitelist-pushes/{pushes[1]['id']}").json()
        assert all(i["consented"] == {} for i in other["items"])
        assert all(i["consented"] == {} for i in d.get(d.operator, f"/whitelist-pushes/{mine['id']}").json()["items"])
        # the read is in the firm's log: the bank, the tax source, the purpose whitelist, one row per field
        log = d.get(top_u, "/access-log").json()
        assert sorted((r["reader_id"], r["field"], r["purpose"]) for r in log) == [
            (d.bank.id, "arrears", "whitelist"),
            (d.bank.id, "credit_grade", "whitelist"),
        ]
        item = by_firm[top.id]["id"]
        assert d.get(d.bank.officer, f"/whitelist-push-items/{item}").json()["consented"]["tax"]["credit_grade"] == "A"

        # revoked: the next read of the push omits the fields, and nothing more is logged
        d.post(top_u, f"/consents/{consent['id']}/revoke", None, 200)
        after = d.get(d.bank.officer, f"/whitelist-push-items/{item}").json()
        assert after["consented"] == {} and after["reasons"]
        assert len(d.get(top_u, "/access-log").json()) == 4
    finally:
        FAKE.clear()
