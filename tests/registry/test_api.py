"""Register through the API on both backends: enterprises, assets, events, annuities, licences, transfers, scoping."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from ippledge.access.model import PartyKind, Role
from ippledge.access.tables import AuditRecord
from ippledge.outbox.events import OutboxEvent
from ippledge.registry.tables import IpAsset, LegalStatusEvent, Licence
from tests.registry.factories import Register, new_uscc, patent_number, pledge_in_force


def _count(factory: Any, model: Any) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def test_enterprise_profile_and_who_sees_it(reg: Register, world: Any) -> None:
    body = {
        "name": "北京测试科技有限公司",
        "uscc": new_uscc(),
        "region_code": "110108",
        "industry": "I65",
        "size": "small",
        "annual_revenue": "12500000.50",
    }
    r = reg.client.post("/enterprises", json=body, headers=reg.officer.headers)
    assert r.status_code == 201, r.text
    assert r.json()["annual_revenue"] == "12500000.50" and r.json()["size"] == "small"
    pid = r.json()["party_id"]
    other = reg.enterprise()
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    assert reg.client.get(f"/enterprises/{pid}", headers=bank.headers).status_code == 200
    assert reg.client.get(f"/enterprises/{pid}", headers=other.headers).status_code == 404
    assert reg.client.get(f"/enterprises/{other.party.id}", headers=other.headers).status_code == 200


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"uscc": "91110000600037341X"}, "id.uscc.checksum"),
        ({"region_code": "1101"}, "registry.region_code"),
        ({"size": "huge"}, "registry.enterprise_size"),
        ({"annual_revenue": "12万"}, "money.format"),
        ({"annual_revenue": "-5"}, "money.negative"),  # refused by the request schema (decision 0015)
        ({"annual_revenue": "1,000"}, "money.format"),
        ({"annual_revenue": "１０００"}, "money.format"),
        ({"annual_revenue": True}, "money.type"),
        ({"annual_revenue": "99999999999999"}, "money.limit"),
        ({"founded_on": "2023-02-29"}, "date.invalid"),
    ],
)
def test_bad_enterprise_input_is_422_and_writes_nothing(reg: Register, world: Any, change: Any, code: str) -> None:
    body = {"name": "坏数据公司", "uscc": new_uscc(), "region_code": "110108", **change}
    before = _count(world.factory, AuditRecord)
    r = reg.client.post("/enterprises", json=body, headers=reg.officer.headers)
    assert r.status_code == 422 and r.json()["code"] == code, r.text
    assert r.json()["message_zh"] and r.json()["message_en"]
    assert _count(world.factory, AuditRecord) == before


def test_record_asset_with_annuities_and_conflicts(reg: Register, world: Any) -> None:
    owner = reg.enterprise()
    number = patent_number()
    asset = reg.patent(owner, number=number)
    assert asset["status"] == "in_force" and asset["expiry_date"] == "2039-02-28"
    assert asset["ipc"] == ["A61K31/495"] and asset["owners"][0]["party_id"] == owner.party.id
    years = [a["year_no"] for a in asset["annuities"]]
    assert years[0] == 3 and all(a["state"] in ("paid", "not_due") for a in asset["annuities"])
    # same number again, typed with the display dot: 409
    dotted = f"{number[:-1]}.{number[-1]}"
    r = reg.client.post("/ip-assets", json={**_asset_body(owner), "number": dotted}, headers=reg.officer.headers)
    assert r.status_code == 409 and r.json()["code"] == "registry.asset_exists"
    # readable by number in any printed form
    r = reg.client.get(f"/ip-assets/by-number/patent/ZL{dotted}", headers=owner.headers)
    assert r.status_code == 200 and r.json()["id"] == asset["id"]


def _asset_body(owner: Any, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "patent",
        "subtype": "invention",
        "number": patent_number(),
        "title": "一种装置",
        "filing_date": "2019-03-01",
        "grant_date": "2021-05-10",
        "owners": [{"party_id": owner.party.id, "share_bp": 10_000}],
        **extra,
    }


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"number": "201310699744.3"}, 422, "id.patent_application.checksum"),
        ({"number": "ZL2019X0000001"}, 422, "id.patent_number.format"),
        ({"subtype": "utility_model"}, 422, "registry.number_subtype_mismatch"),
        ({"subtype": "mark"}, 422, "registry.subtype_mismatch"),
        ({"filing_date": "2020-03-01", "grant_date": "2021-05-10"}, 422, "registry.filing_year_mismatch"),
        ({"grant_date": "2018-01-01"}, 422, "registry.grant_before_filing"),
        ({"owners": []}, 422, "registry.owners_required"),
        ({"ipc": ["Z99Q 1/00"]}, 422, None),
        ({"nice_classes": [9]}, 422, "registry.nice_classes_not_allowed"),
    ],
)
def test_malformed_asset_is_rejected_and_nothing_written(
    reg: Register, world: Any, change: dict[str, Any], status: int, code: str | None
) -> None:
    owner = reg.enterprise()
    before = _count(world.factory, IpAsset)
    r = reg.client.post("/ip-assets", json=_asset_body(owner, **change), headers=reg.officer.headers)
    assert r.status_code == status, r.text
    if code:
        assert r.json()["code"] == code
    assert r.json()["message_zh"] and r.json()["message_en"]
    assert _count(world.factory, IpAsset) == before


def test_co_owner_shares_and_trademark(reg: Register) -> None:
    a, b = reg.enterprise(), reg.enterprise()
    bad = _asset_body(
        a, owners=[{"party_id": a.party.id, "share_bp": 6000}, {"party_id": b.party.id, "share_bp": 3000}]
    )
    r = reg.client.post("/ip-assets", json=bad, headers=reg.officer.headers)
    assert r.status_code == 422 and r.json()["code"] == "registry.owner_shares"
    tm = {
        "kind": "trademark",
        "subtype": "mark",
        "number": "第12345678号",
        "title": "测试商标",
        "filing_date": "2015-01-05",
        "grant_date": "2018-03-07",
        "nice_classes": [9, 42],
        "owners": [{"party_id": a.party.id, "share_bp": 5000}, {"party_id": b.party.id, "share_bp": 5000}],
    }
    r = reg.client.post("/ip-assets", json=tm, headers=reg.officer.headers)
    assert r.status_code == 201, r.text
    assert r.json()["number"] == "12345678" and r.json()["nice_classes"] == [9, 42]
    assert r.json()["expiry_date"] == "2028-03-06" and r.json()["annuities"] == []
    assert reg.client.get(f"/ip-assets/{r.json()['id']}", headers=b.headers).status_code == 200
    r = reg.client.post(
        "/ip-assets", json={**tm, "number": "7654321", "nice_classes": [46]}, headers=reg.officer.headers
    )
    assert r.status_code == 422 and r.json()["code"] == "id.trademark.nice_class"


def test_only_the_registry_writes(reg: Register, world: Any) -> None:
    owner = reg.enterprise()
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    for who in (owner, bank):
        r = reg.client.post("/ip-assets", json=_asset_body(owner), headers=who.headers)
        assert r.status_code == 403
    asset = reg.patent(owner)
    r = reg.client.post(
        f"/ip-assets/{asset['id']}/events", json={"code": "CF01", "effective_date": "2024-06-01"}, headers=owner.headers
    )
    assert r.status_code == 403


def test_registry_system_key_may_write(reg: Register, world: Any) -> None:
    admin = world.user(reg.officer.party, Role.ADMIN, Role.REGISTRY_OFFICER)  # a key carries only its maker's roles
    r = reg.client.post("/api-keys", headers=admin.headers, json={"name": "feed", "roles": ["registry_officer"]})
    assert r.status_code == 201, r.text
    owner = reg.enterprise()
    r = reg.client.post("/ip-assets", json=_asset_body(owner), headers={"X-API-Key": r.json()["key"]})
    assert r.status_code == 201, r.text


def test_enterprise_sees_only_its_own_assets(reg: Register, world: Any) -> None:
    a, b = reg.enterprise(), reg.enterprise()
    asset = reg.patent(a)
    assert reg.client.get(f"/ip-assets/{asset['id']}", headers=a.headers).status_code == 200
    for path in (f"/ip-assets/{asset['id']}", f"/ip-assets/{asset['id']}/history"):
        r = reg.client.get(path, headers=b.headers)
        assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = reg.client.get(f"/ip-assets/by-number/patent/{asset['number']}", headers=b.headers)
    assert r.status_code == 404
    for kind in (PartyKind.BANK, PartyKind.GUARANTOR, PartyKind.REGULATOR):
        reader = world.actor(kind, Role.ADMIN)
        assert reg.client.get(f"/ip-assets/{asset['id']}", headers=reader.headers).status_code == 200
    valuer = world.actor(PartyKind.VALUER, Role.VALUER)
    assert reg.client.get(f"/ip-assets/{asset['id']}", headers=valuer.headers).status_code == 404


def test_events_one_at_a_time_and_out_of_order(reg: Register, world: Any) -> None:
    owner = reg.enterprise()
    aid = reg.patent(owner)["id"]
    assert reg.event(aid, "EE01", "2022-01-10").status_code == 201
    assert reg.event(aid, "PP01", "2022-02-01").status_code == 201
    asset = reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).json()
    assert asset["preserved"] and asset["status_date"] == "2022-02-01"
    before = (_count(world.factory, LegalStatusEvent), _count(world.factory, AuditRecord))
    outbox = _count(world.factory, OutboxEvent)
    for code, date, status, err in [
        ("AV01", "2022-03-01", 409, "registry.asset_preserved"),
        ("PP01", "2022-03-01", 409, "registry.event_out_of_order"),
        ("RR01", "2022-03-01", 409, "registry.event_out_of_order"),
        ("PP01", "2022-02-01", 409, "registry.event_duplicate"),
        ("XX01", "2022-03-01", 422, "registry.event_code"),
        ("PD01", "2099-01-01", 422, "registry.event_in_future"),
    ]:
        r = reg.event(aid, code, date)
        assert (r.status_code, r.json()["code"]) == (status, err), (code, r.text)
    assert (_count(world.factory, LegalStatusEvent), _count(world.factory, AuditRecord)) == before
    assert _count(world.factory, OutboxEvent) == outbox
    assert reg.event(aid, "PD01", "2022-04-01").status_code == 201
    assert reg.event(aid, "CF01", "2023-09-02").status_code == 201
    r = reg.event(aid, "PD01", "2023-02-01")  # backdated state change
    assert r.status_code == 409
    r = reg.event(aid, "EE01", "2023-10-01")
    assert r.status_code == 409 and r.json()["code"] == "registry.event_out_of_order"
    r = reg.event(aid, "CF01", "2023-01-01")
    assert r.status_code == 409 and r.json()["code"] == "registry.event_backdated"
    assert reg.event(aid, "RR01", "2023-11-15").status_code == 201
    history = reg.client.get(f"/ip-assets/{aid}/history", headers=owner.headers).json()
    assert [e["code"] for e in history] == ["EE01", "PP01", "PD01", "CF01", "RR01"]
    assert history[3]["title_zh"] == "未缴年费专利权终止"
    asset = reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).json()
    assert asset["status"] == "in_force" and asset["status_date"] == "2023-11-15"
    with world.factory() as s:
        topics = s.scalars(select(OutboxEvent.topic)).all()
    assert topics.count("ip.status_changed") == 5


def test_annuity_payment_with_surcharge(reg: Register) -> None:
    owner = reg.enterprise()
    asset = reg.patent(owner, annuities_paid_through=4)
    aid = asset["id"]
    unpaid = [a for a in asset["annuities"] if a["paid_on"] is None]
    assert unpaid[0]["year_no"] == 5 and unpaid[0]["due_date"] == "2023-03-01" and unpaid[0]["amount"] == "1200.00"
    r = reg.client.post(
        f"/ip-assets/{aid}/annuities/5/payment", json={"paid_on": "2023-05-15"}, headers=reg.officer.headers
    )
    assert r.status_code == 200, r.text
    year5 = next(a for a in r.json()["annuities"] if a["year_no"] == 5)
    assert year5["paid"] == "1320.00"  # paid in month 3 after the due date: 10% surcharge
    r = reg.client.post(
        f"/ip-assets/{aid}/annuities/5/payment", json={"paid_on": "2023-05-16"}, headers=reg.officer.headers
    )
    assert r.status_code == 409 and r.json()["code"] == "registry.annuity_already_paid"
    r = reg.client.post(
        f"/ip-assets/{aid}/annuities/6/payment", json={"paid_on": "2024-09-02"}, headers=reg.officer.headers
    )
    assert r.status_code == 409 and r.json()["code"] == "registry.annuity_lapsed"
    r = reg.client.post(
        f"/ip-assets/{aid}/annuities/40/payment", json={"paid_on": "2024-03-02"}, headers=reg.officer.headers
    )
    assert r.status_code == 404


def test_licence_of_a_pledged_ip_needs_the_pledgees_consent(reg: Register, world: Any) -> None:
    owner = reg.enterprise()
    aid = reg.patent(owner)["id"]
    bank = world.party(PartyKind.BANK)
    other_bank = world.party(PartyKind.BANK)
    pledge_in_force(world.factory, aid, owner.party.id, bank.id, reg.officer.party.id)
    lic = {"licensee_name": "被许可公司", "exclusivity": "ordinary", "recorded_on": "2024-02-01"}
    before = _count(world.factory, LegalStatusEvent)
    for extra in ({}, {"pledgee_consent": True, "pledgee_consent_id": other_bank.id}, {"pledgee_consent_id": bank.id}):
        r = reg.client.post(f"/ip-assets/{aid}/licences", json={**lic, **extra}, headers=reg.officer.headers)
        assert r.status_code == 409 and r.json()["code"] == "registry.pledgee_consent_required", r.text
    assert _count(world.factory, LegalStatusEvent) == before and _count(world.factory, Licence) == 0
    ok = {**lic, "pledgee_consent": True, "pledgee_consent_id": bank.id}
    r = reg.client.post(f"/ip-assets/{aid}/licences", json=ok, headers=reg.officer.headers)
    assert r.status_code == 201 and r.json()["pledgee_consent_id"] == bank.id
    lid = r.json()["id"]
    r = reg.client.post(
        f"/licences/{lid}/change",
        json={"changed_on": "2024-03-01", "ends_on": "2026-01-01"},
        headers=reg.officer.headers,
    )
    assert r.status_code == 409 and r.json()["code"] == "registry.pledgee_consent_required"
    r = reg.client.post(f"/licences/{lid}/cancel", json={"cancelled_on": "2024-04-01"}, headers=reg.officer.headers)
    assert r.status_code == 200 and r.json()["cancelled_on"] == "2024-04-01"
    r = reg.client.post(f"/licences/{lid}/cancel", json={"cancelled_on": "2024-04-02"}, headers=reg.officer.headers)
    assert r.status_code == 409 and r.json()["code"] == "registry.licence_cancelled"
    # transfer of the pledged IP: same rule
    buyer = reg.enterprise()
    body = {"owners": [{"party_id": buyer.party.id}], "effective_date": "2024-05-01"}
    r = reg.client.post(f"/ip-assets/{aid}/transfer", json=body, headers=reg.officer.headers)
    assert r.status_code == 409 and r.json()["code"] == "registry.pledgee_consent_required"
    body.update(pledgee_consent=True, pledgee_consent_id=bank.id)
    r = reg.client.post(f"/ip-assets/{aid}/transfer", json=body, headers=reg.officer.headers)
    assert r.status_code == 200 and [o["party_id"] for o in r.json()["owners"]] == [buyer.party.id]
    assert reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).status_code == 404
    history = reg.client.get(f"/ip-assets/{aid}/history", headers=buyer.headers).json()
    assert [e["code"] for e in history] == ["EE01", "EC01", "TR01"]


def test_transfer_refused_while_preserved(reg: Register, world: Any) -> None:
    owner, buyer = reg.enterprise(), reg.enterprise()
    aid = reg.patent(owner)["id"]
    assert reg.event(aid, "PP01", "2024-01-10").status_code == 201
    body = {"owners": [{"party_id": buyer.party.id}], "effective_date": "2024-02-01"}
    r = reg.client.post(f"/ip-assets/{aid}/transfer", json=body, headers=reg.officer.headers)
    assert r.status_code == 409 and r.json()["code"] == "registry.asset_preserved"
    assert reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).status_code == 200
    assert reg.event(aid, "PD01", "2024-03-01").status_code == 201
    r = reg.client.post(
        f"/ip-assets/{aid}/transfer", json={**body, "effective_date": "2024-03-05"}, headers=reg.officer.headers
    )
    assert r.status_code == 200, r.text


def test_invalidation_request_flag(reg: Register, world: Any) -> None:
    owner = reg.enterprise()
    aid = reg.patent(owner)["id"]
    url = f"/ip-assets/{aid}/invalidation-request"
    r = reg.client.post(url, json={"pending": True, "on": "2024-01-02"}, headers=reg.officer.headers)
    assert r.status_code == 200 and r.json()["invalidation_pending"] is True
    r = reg.client.post(url, json={"pending": True, "on": "2024-01-03"}, headers=reg.officer.headers)
    assert r.status_code == 409 and r.json()["code"] == "registry.invalidation_unchanged"
    assert reg.client.post(url, json={"pending": True, "on": "2024-01-03"}, headers=owner.headers).status_code == 403
    assert reg.event(aid, "IP01", "2024-06-01").status_code == 201  # partial invalidation decides the request
    asset = reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).json()
    assert asset["invalidation_pending"] is False and asset["status"] == "in_force"
    with world.factory() as s:
        actions = s.scalars(select(AuditRecord.action).where(AuditRecord.subject_id == str(aid))).all()
    assert "ip_asset.invalidation_pending" in actions
