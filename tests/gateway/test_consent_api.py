"""Consent and access through the API, on both backends: a bank reads only what the firm consented to (404 for the
rest), a revoked consent stops the next read at once, and the firm sees every read in its access log."""

from __future__ import annotations

from decimal import Decimal

from ippledge.gateway.fakes import FAKE
from ippledge.gateway.model import CreditBureauRecord, Source, TaxRecord
from tests.gateway.factories import GatewayDesk


def test_bank_reads_only_consented_fields_and_the_firm_sees_each_read(desk: GatewayDesk) -> None:
    d = desk
    FAKE.pin(Source.TAX, d.uscc, TaxRecord("A", Decimal("31000000.00"), Decimal("0.00")))
    c = d.grant("tax", ["credit_grade", "revenue"])
    assert c["state"] == "active" and c["fields"] == ["credit_grade", "revenue"]
    r = d.read(d.bank, "tax")
    assert r.status_code == 200, r.text
    assert r.json()["values"] == {"credit_grade": "A", "revenue": "31000000.00"}  # never ``arrears``
    assert d.read(d.bank, "tax", fields=["credit_grade"]).json()["values"] == {"credit_grade": "A"}
    # beyond the consent: another field, another source, another purpose, another bank -- all 404, nothing logged
    for who, source, purpose, fields in (
        (d.bank, "tax", "credit_assessment", ["arrears"]),
        (d.bank, "tax", "credit_assessment", ["credit_grade", "arrears"]),
        (d.bank, "credit_bureau", "credit_assessment", None),
        (d.bank, "tax", "post_loan", None),
        (d.bank2, "tax", "credit_assessment", None),
        (d.regulator, "tax", "credit_assessment", None),
    ):
        r = d.read(who, source, purpose, fields)
        assert r.status_code == 404 and r.json()["code"] == "gateway.no_consent", (source, purpose, fields)
    assert d.read(d.bank, "salary").status_code == 422  # not a source
    log = d.client.get("/access-log", headers=d.firm.headers).json()
    assert [(a["reader_id"], a["field"], a["purpose"]) for a in log] == [
        (d.bank.party.id, "credit_grade", "credit_assessment"),
        (d.bank.party.id, "revenue", "credit_assessment"),
        (d.bank.party.id, "credit_grade", "credit_assessment"),
    ]
    assert {a["consent_id"] for a in log} == {c["id"]} and all(a["actor"].startswith("user:") for a in log)
    # the bank sees its own reads; another bank sees none; the regulator sees all
    assert len(d.client.get("/access-log", headers=d.bank.headers).json()) == 3
    assert d.client.get("/access-log", headers=d.bank2.headers).json() == []
    assert len(d.client.get("/access-log", headers=d.regulator.headers).json()) == 3


def test_revoked_consent_stops_the_next_read_at_once(desk: GatewayDesk) -> None:
    d = desk
    c = d.grant("credit_bureau", ["bank_debt", "overdue", "npl_elsewhere"])
    assert d.read(d.bank, "credit_bureau").status_code == 200
    r = d.client.post(f"/consents/{c['id']}/revoke", headers=d.bank.headers)
    assert r.status_code == 403 and r.json()["code"] == "gateway.not_the_firm"  # the grantee cannot revoke
    r = d.client.post(f"/consents/{c['id']}/revoke", headers=d.bank2.headers)
    assert r.status_code == 404  # another bank does not learn the consent exists
    r = d.client.post(f"/consents/{c['id']}/revoke", headers=d.firm.headers)
    assert r.status_code == 200 and r.json()["state"] == "revoked"
    r = d.read(d.bank, "credit_bureau")
    assert r.status_code == 404 and r.json()["code"] == "gateway.no_consent"
    again = d.client.post(f"/consents/{c['id']}/revoke", headers=d.firm.headers)
    assert again.status_code == 409 and again.json()["code"] == "gateway.consent_revoked"
    log = d.client.get("/access-log", headers=d.firm.headers).json()
    assert len(log) == 3  # the three fields of the one read before the revocation


def test_expiry_and_the_firms_own_read(desk: GatewayDesk) -> None:
    d = desk
    FAKE.pin(Source.CREDIT_BUREAU, d.uscc, CreditBureauRecord(Decimal("100"), Decimal("0"), Decimal("0")))
    d.grant("credit_bureau", ["bank_debt"], expires_on="2025-06-10")
    assert d.read(d.bank, "credit_bureau").status_code == 200
    d.clock.today = d.clock.today.replace(day=11)
    assert d.read(d.bank, "credit_bureau").status_code == 404  # expired
    listed = d.client.get("/consents", headers=d.firm.headers).json()
    assert [c["state"] for c in listed] == ["expired"]
    assert d.client.get("/consents?active=true", headers=d.bank.headers).json() == []
    own = d.read(d.firm, "credit_bureau", "policy_matching")  # the data subject reads its own data, logged
    assert own.status_code == 200 and set(own.json()["values"]) == {"bank_debt", "overdue", "npl_elsewhere"}
    log = d.client.get("/access-log", headers=d.firm.headers).json()
    assert log[0]["reader_id"] == d.firm.party.id and log[0]["consent_id"] is None


def test_bad_consents_are_refused_whole(desk: GatewayDesk) -> None:
    d = desk
    r = d.grant("tax", ["revenue", "salary"], purpose="gossip", expect=422)
    assert r["code"] == "gateway.consent_invalid"
    assert [p["path"] for p in r["details"]["problems"]] == ["fields", "purpose"]
    r = d.grant("tax", ["revenue"], grantee_id=d.firm.party.id, expect=422)
    assert r["code"] == "gateway.grantee_not_bank"
    r = d.grant("tax", ["revenue"], who=d.bank, expect=403)
    assert r["code"] == "gateway.not_the_firm"
    assert d.client.get("/consents", headers=d.firm.headers).json() == []
