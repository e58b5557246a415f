"""Ledger reads are scoped: a party sees its own accounts and the entries touching them."""

from __future__ import annotations

from ippledge.access.model import PartyKind, Role
from ippledge.ledger import service
from tests.ledger.factories import DAY, accrual, disbursement


def test_balance_and_entries_are_scoped(world, session_factory) -> None:  # type: ignore[no-untyped-def]
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    firm = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
    rival = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    b, f = bank.party.id, firm.party.id
    with session_factory.begin() as s:
        service.post(s, "u", disbursement(b, f, 5, "2000.00"))
        service.post(s, "u", accrual(b, 5, "0.27", DAY))
    client = world.client
    principal = f"P{b}:loan:5:principal"
    r = client.get(f"/ledger/accounts/{principal}/balance", headers=bank.headers)
    assert r.status_code == 200, r.text
    assert r.json()["balance"] == "2000.00" and r.json()["type"] == "asset" and r.json()["owner_party_id"] == b
    assert client.get(f"/ledger/accounts/{principal}/balance", headers=regulator.headers).status_code == 200
    for outsider in (rival, firm):
        r = client.get(f"/ledger/accounts/{principal}/balance", headers=outsider.headers)
        assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert client.get(f"/ledger/accounts/P{f}:settlement/balance", headers=firm.headers).json()["balance"] == "2000.00"
    assert client.get(f"/ledger/accounts/P{b}:loan:6:principal/balance", headers=bank.headers).status_code == 404

    def kinds(actor) -> list[str]:  # type: ignore[no-untyped-def]
        r = client.get("/ledger/entries", params={"ref_type": "loan", "ref_id": "5"}, headers=actor.headers)
        assert r.status_code == 200, r.text
        return [e["kind"] for e in r.json()]

    assert kinds(bank) == ["loan.disbursement", "loan.accrual"]
    assert kinds(regulator) == ["loan.disbursement", "loan.accrual"]
    assert kinds(firm) == ["loan.disbursement"]  # the bank's accrual touches no account of the firm
    assert kinds(rival) == []
    entry = client.get("/ledger/entries", params={"ref_type": "loan", "ref_id": "5"}, headers=firm.headers).json()[0]
    assert {p["account"]: p["amount"] for p in entry["postings"]} == {
        principal: "2000.00",
        f"P{f}:settlement": "-2000.00",
    }
    assert client.get("/ledger/entries", params={"ref_type": "loan"}, headers=bank.headers).status_code == 422
