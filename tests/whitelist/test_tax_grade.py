"""The tax credit grade (纳税信用等级) in whitelist criteria, read through the data gateway only where the firm
consented to the platform operator reading it for the purpose ``whitelist`` (record 0032): with consent the grade
decides; without it (none, revoked, another purpose) the criterion is *unknown* and the firm is held back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ippledge.access.model import Role
from ippledge.gateway.fakes import FAKE
from ippledge.gateway.model import Source, TaxRecord
from tests.whitelist.factories import WhitelistDesk

TAX_RULES: dict[str, Any] = {
    "require": [
        {"fact": "ip_demonstration", "op": "is", "value": True},
        {"fact": "tax_grade", "op": ">=", "value": "B"},
    ],
    "weights": {"valid_inventions": 1},
}


def _firm_user(d: WhitelistDesk, firm_id: int) -> Any:
    with d.factory() as s:
        from ippledge.access.tables import Party

        party = s.get(Party, firm_id)
        assert party is not None
        s.expunge(party)
    return d.world.user(party, Role.ENTERPRISE_USER)


def _consent(d: WhitelistDesk, who: Any, grantee: int, purpose: str = "whitelist", expect: int = 201) -> Any:
    body = {
        "grantee_id": grantee,
        "source": "tax",
        "fields": ["credit_grade"],
        "purpose": purpose,
        "expires_on": "2026-06-02",
    }
    return d.post(who, "/consents", body, expect).json()


def test_tax_grade_needs_the_firms_consent_to_the_platform(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    try:
        good = d.make_firm(kinds=("ip_demonstration",), inventions=3)
        poor = d.make_firm(kinds=("ip_demonstration",), inventions=2)
        silent = d.make_firm(kinds=("ip_demonstration",), inventions=4)  # grants nothing
        other = d.make_firm(kinds=("ip_demonstration",), inventions=5)  # grants a bank only
        for f, grade in ((good, "A"), (poor, "C"), (silent, "A"), (other, "A")):
            FAKE.pin(Source.TAX, f.uscc, TaxRecord(grade, Decimal("1000000.00"), Decimal("0.00")))
        platform = d.operator.party.id
        good_u, poor_u, other_u = (_firm_user(d, f.id) for f in (good, poor, other))
        c_good = _consent(d, good_u, platform)
        _consent(d, poor_u, platform)
        _consent(d, other_u, d.bank.id, "credit_assessment")
        # the platform may hold a consent only for the purpose whitelist; a valuer none at all
        bad = _consent(d, other_u, platform, "credit_assessment", 422)
        assert bad["code"] == "gateway.grantee_not_bank"
        _consent(d, other_u, d.valuer.party.id, "whitelist", 422)

        crit = d.criteria(TAX_RULES)
        body = {
            "criteria_id": crit["id"],
            "name": "银税互动白名单",
            "as_of": str(d.clock.today),
            "valid_from": str(d.clock.today),
            "valid_to": "2025-12-31",
        }
        lst = d.post(d.operator, "/whitelists", body, 201).json()
        assert [m["enterprise_id"] for m in lst["members"]] == [good.id]
        reasons = {r["fact"]: r for r in lst["members"][0]["reasons"]}
        assert reasons["tax_grade"] == {**reasons["tax_grade"], "found": "A", "outcome": "pass", "expected": "B"}
        # poor fails on its grade; silent and other are held back as unknown, not passed
        assert lst["unknown"] == 2
        # the read is in the firm's access log, as the platform's, for the purpose whitelist
        log = d.get(good_u, "/access-log").json()
        assert [(r["reader_id"], r["source"], r["field"], r["purpose"]) for r in log] == [
            (platform, "tax", "credit_grade", "whitelist")
        ]
        assert d.get(_firm_user(d, silent.id), "/access-log").json() == []

        # revoked: the next build holds the firm back as unknown
        d.post(good_u, f"/consents/{c_good['id']}/revoke", None, 200)
        again = d.post(d.operator, "/whitelists", {**body, "name": "撤回后"}).json()
        assert (again["code"], again["details"]["unknown"]) == ("whitelist.list_empty", 3)
    finally:
        FAKE.clear()
