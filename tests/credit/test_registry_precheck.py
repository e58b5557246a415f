"""Checks earlier in the flow (登记预审): intake and credit run the registry's pre-check on the offered IP, so a
patent whose annuity lapsed or that is already pledged is caught at application and at the credit decision, not
only at registration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from ippledge.access.model import Role
from ippledge.credit.tables import CreditDecision
from ippledge.registry.tables import Annuity
from tests.intake.factories import Desk
from tests.registry.factories import add_patent


def _lapse_annuity(factory, asset_id: int) -> None:  # type: ignore[no-untyped-def]
    # due 2024-03-01, unpaid; grace ended 2024-09-01: the right lapsed, though the register was not yet aged
    with factory.begin() as s:
        s.add(Annuity(ip_asset_id=asset_id, year_no=7, due_date=dt.date(2024, 3, 1), amount=Decimal("2000")))


def test_intake_says_at_once_what_the_registry_would_refuse(world, app, session_factory) -> None:
    d = Desk(world, app)
    good, lapsed = d.patent(), d.patent()
    _lapse_annuity(session_factory, lapsed.id)
    a = d.apply([good, lapsed])
    (check,) = a["precheck"]
    assert (check["code"], check["asset_id"], check["blocking"]) == ("pledge.annuity_unpaid", lapsed.id, True)
    assert check["details"]["state"] == "lapsed" and check["message_zh"] and check["message_en"]
    again = d.get(d.firm, f"/applications/{a['id']}/precheck").json()
    assert [c["code"] for c in again] == ["pledge.annuity_unpaid"]
    clean = d.apply([good])
    assert clean["precheck"] == []


def test_co_owned_ip_is_reported_but_not_blocking(world, app) -> None:
    d = Desk(world, app)
    shared = d.patent()
    co = add_patent(d.world.factory, [d.firm.party.id, d.bank2.id])  # a second party stands in as co-owner
    a = d.apply([shared, co])
    codes = {(c["code"], c["blocking"]) for c in a["precheck"]}
    assert codes == {("pledge.coowner_consent_missing", False)}


def test_credit_refuses_a_decision_on_ip_the_registry_would_refuse(world, app, session_factory) -> None:
    d = Desk(world, app)
    version = d.product()
    lapsed = d.patent()
    _lapse_annuity(session_factory, lapsed.id)
    a = d.apply([lapsed], consents=[d.bank.id, d.valuer.party.id])
    d.valuation(a["id"], [lapsed], ["6000000"], valuer=d.valuer)
    r = d.propose(a["id"], version, amount="1000000")
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "credit.collateral_not_registrable"
    assert [x["code"] for x in body["details"]["refusals"]] == ["pledge.annuity_unpaid"]
    assert "年费" in body["message_zh"]
    with session_factory() as s:  # nothing was recorded
        assert s.scalar(select(func.count()).select_from(CreditDecision)) == 0


def test_drafting_the_filing_at_the_wrong_registry_is_refused_before_anything_is_written(world, app) -> None:
    d = Desk(world, app)
    version = d.product()
    inv = d.patent()
    a = d.apply([inv], consents=[d.bank.id, d.valuer.party.id])
    d.valuation(a["id"], [inv], ["6000000"], valuer=d.valuer)
    dec = d.propose(a["id"], version, amount="1000000")
    assert dec.status_code == 201, dec.text
    d.post(d.bank.approver, f"/credit-decisions/{dec.json()['id']}/approve", {"reason": "同意"}, 200)
    task = next(x for x in d.timeline(d.firm, a["id"])["tasks"] if x["kind"] == "pledge_registration")
    admin = world.user(d.registry.party, Role.ADMIN)
    r = d.client.put("/registry/settings", headers=admin.headers, json={"ip_kinds": ["trademark"]})
    assert r.status_code == 200, r.text
    r = d.post(d.bank.officer, f"/tasks/{task['id']}/pledge-filing", {"registry_id": d.registry.party.id})
    assert r.status_code == 409 and r.json()["code"] == "credit.collateral_not_registrable"
    (why,) = r.json()["details"]["refusals"]
    assert why["code"] == "pledge.other" and why["details"]["reason"] == "wrong_registry"
    # nothing written: the task is still the bank's to do, at the right registry
    again = next(x for x in d.timeline(d.firm, a["id"])["tasks"] if x["kind"] == "pledge_registration")
    assert again["status"] != "done"
