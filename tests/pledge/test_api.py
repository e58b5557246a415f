"""Pledge registration through the API, on SQLite and PostgreSQL: joint filing, decisions, change, release, access."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from ippledge.access import audit
from ippledge.access.model import PartyKind, Role
from ippledge.outbox.events import OutboxEvent
from ippledge.pledge.tables import Pledge, PledgeFiling, PledgeItem
from ippledge.registry.tables import LegalStatusEvent
from tests.access.factories import Actor
from tests.pledge.factories import Clock, filing_body, install_clock
from tests.registry.factories import Asset, add_patent


@dataclass
class Scene:
    client: object
    clock: Clock
    registry: Actor
    registry_admin: Actor
    firm: Actor
    bank: Actor
    other_bank: Actor
    patent: Asset


@pytest.fixture
def scene(world, app, session_factory) -> Scene:
    registry = world.actor(PartyKind.REGISTRY, Role.REGISTRY_OFFICER, name="国家知识产权局")
    admin = world.user(registry.party, Role.ADMIN)
    firm = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    other = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    patent = add_patent(session_factory, [firm.party.id])
    clock = install_clock(app, dt.date(2024, 9, 30))
    return Scene(world.client, clock, registry, admin, firm, bank, other, patent)


def post(sc: Scene, path: str, who: Actor, json: dict | None = None):  # type: ignore[no-untyped-def]
    return sc.client.post(path, headers=who.headers, json=json or {})  # type: ignore[attr-defined]


def get(sc: Scene, path: str, who: Actor):  # type: ignore[no-untyped-def]
    return sc.client.get(path, headers=who.headers)  # type: ignore[attr-defined]


def new_filing(sc: Scene, by: Actor | None = None, bank: Actor | None = None, **kw) -> dict:  # type: ignore[no-untyped-def]
    bank = bank or sc.bank
    body = filing_body(sc.registry.party.id, sc.firm.party.id, bank.party.id, [sc.patent.display], **kw)
    r = post(sc, "/pledge-filings", by or bank, body)
    assert r.status_code == 201, r.text
    return r.json()


def confirm_submit(sc: Scene, fid: int, bank: Actor | None = None, pledgor: bool = True) -> dict:
    assert post(sc, f"/pledge-filings/{fid}/confirm", bank or sc.bank).status_code == 200
    if pledgor:
        assert post(sc, f"/pledge-filings/{fid}/confirm", sc.firm).status_code == 200
    r = post(sc, f"/pledge-filings/{fid}/submit", bank or sc.bank)
    assert r.status_code == 200, r.text
    return r.json()


def on(sc: Scene, day: str, who: Actor | None = None) -> list[dict]:
    r = get(sc, f"/ip-assets/{sc.patent.id}/pledges?on={day}", who or sc.bank)
    assert r.status_code == 200, r.text
    return r.json()


def test_joint_filing_register_change_release_and_in_force_by_date(scene: Scene, session_factory) -> None:
    sc = scene
    f = new_filing(sc)
    assert f["status"] == "draft" and f["precheck"] == [] and f["items"][0]["number"] == sc.patent.number
    fid = f["id"]
    assert post(sc, f"/pledge-filings/{fid}/confirm", sc.bank).json()["status"] == "awaiting_confirmations"
    r = post(sc, f"/pledge-filings/{fid}/submit", sc.bank)
    assert r.status_code == 409 and r.json()["code"] == "pledge.not_confirmed"
    assert post(sc, f"/pledge-filings/{fid}/confirm", sc.firm).json()["status"] == "confirmed"
    sub = post(sc, f"/pledge-filings/{fid}/submit", sc.firm).json()
    assert sub["status"] == "submitted" and sub["due_on"] == "2024-10-10"  # 3 working days over National Day

    sc.clock.today = dt.date(2024, 10, 11)
    queue = get(sc, "/registry/pledge-filings?overdue=true", sc.registry).json()
    assert [q["id"] for q in queue] == [fid]
    sc.clock.today = dt.date(2024, 10, 8)
    assert get(sc, "/registry/pledge-filings?overdue=true", sc.registry).json() == []
    reg = post(sc, f"/pledge-filings/{fid}/register", sc.registry)
    assert reg.status_code == 200, reg.text
    reg_no = reg.json()["registration_no"]
    assert re.fullmatch(r"Y202498\d{7}", reg_no) and reg_no == "Y2024980000001"
    pid = reg.json()["pledge_id"]

    assert on(sc, "2024-10-07") == []
    [row] = on(sc, "2024-10-08")
    assert row["registration_no"] == reg_no and row["debt_amount"] == "5000000.00" and row["in_force_on_date"]
    assert get(sc, f"/pledges?ip_number={sc.patent.display}&on=2024-10-08", sc.firm).json()[0]["pledge_id"] == pid

    # change of amount and term (变更), confirmed by both again
    sc.clock.today = dt.date(2024, 11, 1)
    ch = post(sc, f"/pledges/{pid}/changes", sc.firm, {"debt_amount": "6000000", "debt_end": "2027-12-31"})
    assert ch.status_code == 201, ch.text
    confirm_submit(sc, ch.json()["id"])
    sc.clock.today = dt.date(2024, 11, 4)
    assert post(sc, f"/pledge-filings/{ch.json()['id']}/register", sc.registry).status_code == 200
    pledge = get(sc, f"/pledges/{pid}", sc.bank).json()
    assert pledge["version"] == 2 and pledge["debt_amount"] == "6000000.00" and pledge["debt_end"] == "2027-12-31"
    assert on(sc, "2024-10-15")[0]["debt_amount"] == "5000000.00"  # the terms of that day
    assert on(sc, "2024-11-05")[0]["debt_amount"] == "6000000.00"

    # release (注销) on the pledgee's application alone
    sc.clock.today = dt.date(2025, 1, 6)
    rel = post(sc, f"/pledges/{pid}/release", sc.bank, {"reason": "贷款已结清", "proof": "结清证明 JQ-2025-001"})
    assert rel.status_code == 201
    confirm_submit(sc, rel.json()["id"], pledgor=False)
    assert post(sc, f"/pledge-filings/{rel.json()['id']}/register", sc.registry).status_code == 200
    assert get(sc, f"/pledges/{pid}", sc.firm).json()["released_on"] == "2025-01-06"
    assert len(on(sc, "2025-01-05")) == 1 and on(sc, "2025-01-06") == []
    assert [p["registration_no"] for p in get(sc, f"/ip-assets/{sc.patent.id}/pledges", sc.bank).json()] == [reg_no]

    # the IP is free again: a new pledge to another bank registers
    again = new_filing(sc, bank=sc.other_bank, debt_start="2025-01-06")
    confirm_submit(sc, again["id"], bank=sc.other_bank)
    r = post(sc, f"/pledge-filings/{again['id']}/register", sc.registry)
    assert r.status_code == 200 and r.json()["registration_no"] == "Y2025980000001"

    with session_factory() as s:
        codes = s.scalars(
            select(LegalStatusEvent.code)
            .where(LegalStatusEvent.ip_asset_id == sc.patent.id)
            .order_by(LegalStatusEvent.effective_date, LegalStatusEvent.id)
        ).all()
        assert codes == ["PE01", "PM01", "PC01", "PE01"]
        topics = set(s.scalars(select(OutboxEvent.topic)))
        assert {"pledge.registered", "pledge.changed", "pledge.released"} <= topics
        assert audit.verify(s)[1] == []


def test_double_pledge_is_refused_with_reason(scene: Scene) -> None:
    sc = scene
    first = new_filing(sc)
    confirm_submit(sc, first["id"])
    second = new_filing(sc, bank=sc.other_bank)
    confirm_submit(sc, second["id"], bank=sc.other_bank)
    assert post(sc, f"/pledge-filings/{first['id']}/register", sc.registry).status_code == 200
    preview = get(sc, f"/pledge-filings/{second['id']}", sc.other_bank).json()["precheck"]
    assert [p["code"] for p in preview] == ["pledge.already_pledged"]
    r = post(sc, f"/pledge-filings/{second['id']}/register", sc.registry)
    assert r.status_code == 409 and r.json()["code"] == "pledge.already_pledged"
    assert r.json()["details"]["reasons"][0]["number"] == sc.patent.number
    # the officer refuses on the ground the pre-check found
    r = post(sc, f"/pledge-filings/{second['id']}/refuse", sc.registry, {"codes": ["pledge.already_pledged"]})
    assert r.status_code == 200 and r.json()["status"] == "refused"
    assert r.json()["refusal_codes"] == ["pledge.already_pledged"]


def test_refusal_needs_a_found_ground_or_a_written_other(scene: Scene) -> None:
    sc = scene
    f = new_filing(sc, security_scope=None)
    confirm_submit(sc, f["id"])
    r = post(sc, f"/pledge-filings/{f['id']}/register", sc.registry)
    assert r.status_code == 409 and r.json()["code"] == "pledge.contract_incomplete"
    r = post(sc, f"/pledge-filings/{f['id']}/refuse", sc.registry, {"codes": ["pledge.preserved"]})
    assert r.status_code == 422 and r.json()["code"] == "pledge.ground_not_found"
    r = post(sc, f"/pledge-filings/{f['id']}/refuse", sc.registry, {"codes": ["pledge.other"]})
    assert r.status_code == 422 and r.json()["code"] == "pledge.note_required"
    r = post(sc, f"/pledge-filings/{f['id']}/refuse", sc.registry, {"codes": ["pledge.contract_incomplete"]})
    assert r.status_code == 200 and r.json()["status"] == "refused"
    r = post(sc, f"/pledge-filings/{f['id']}/register", sc.registry)
    assert r.status_code == 409 and r.json()["code"] == "pledge.bad_status"


def test_withdraw_and_registry_settings(scene: Scene) -> None:
    sc = scene
    f = new_filing(sc)
    assert post(sc, f"/pledge-filings/{f['id']}/withdraw", sc.firm).json()["status"] == "withdrawn"
    r = sc.client.put("/registry/settings", headers=sc.registry.headers, json={"time_limit_working_days": 10})  # type: ignore[attr-defined]
    assert r.status_code == 403
    r = sc.client.put(  # type: ignore[attr-defined]
        "/registry/settings",
        headers=sc.registry_admin.headers,
        json={"time_limit_working_days": 10, "registration_prefix": "11"},
    )
    assert r.status_code == 200 and r.json()["version"] == 1
    f = new_filing(sc)
    assert confirm_submit(sc, f["id"])["due_on"] == "2024-10-18"
    sc.clock.today = dt.date(2024, 10, 8)
    assert post(sc, f"/pledge-filings/{f['id']}/register", sc.registry).json()["registration_no"] == "Y2024110000001"


def test_access_scoping(scene: Scene, world) -> None:
    sc = scene
    f = new_filing(sc)
    fid = f["id"]
    # bank B: 404 for bank A's filing, for reading and acting
    assert get(sc, f"/pledge-filings/{fid}", sc.other_bank).status_code == 404
    assert post(sc, f"/pledge-filings/{fid}/confirm", sc.other_bank).status_code == 404
    # an enterprise sees only its own records
    other_firm = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
    assert get(sc, f"/pledge-filings/{fid}", other_firm).status_code == 404
    assert get(sc, "/pledge-filings", other_firm).json() == []
    assert [x["id"] for x in get(sc, "/pledge-filings", sc.firm).json()] == [fid]
    # a registry officer cannot act as pledgee: not draft, not confirm
    body = filing_body(sc.registry.party.id, sc.firm.party.id, sc.registry.party.id, [sc.patent.display])
    r = post(sc, "/pledge-filings", sc.registry, body)
    assert r.status_code == 403 and r.json()["code"] == "pledge.not_a_party"
    body["pledgee_id"] = sc.bank.party.id
    assert post(sc, "/pledge-filings", sc.registry, body).json()["code"] == "pledge.not_a_party"
    r = post(sc, f"/pledge-filings/{fid}/confirm", sc.registry)
    assert r.status_code == 403 and r.json()["code"] == "pledge.not_a_party"
    # a bank is never the registry
    confirm_submit(sc, fid)
    r = post(sc, f"/pledge-filings/{fid}/register", sc.bank)
    assert r.status_code == 403
    # an officer of another registry gets 404
    cpcc = world.actor(PartyKind.REGISTRY, Role.REGISTRY_OFFICER)
    assert get(sc, f"/pledge-filings/{fid}", cpcc).status_code == 404
    assert post(sc, f"/pledge-filings/{fid}/register", cpcc).status_code == 404
    assert get(sc, "/registry/pledge-filings", cpcc).json() == []
    pid = post(sc, f"/pledge-filings/{fid}/register", sc.registry).json()["pledge_id"]
    assert get(sc, f"/pledges/{pid}", sc.other_bank).status_code == 404
    assert get(sc, f"/pledges/{pid}", other_firm).status_code == 404
    assert get(sc, f"/pledges/{pid}", cpcc).status_code == 404
    # the gazette extract: other banks learn the IP is pledged, not the amount; other firms learn nothing
    [extract] = on(sc, "2024-09-30", sc.other_bank)
    assert extract["redacted"] and extract["debt_amount"] is None
    # … as for an IP that does not exist (an empty list would tell them it does; decision 0016)
    assert get(sc, f"/ip-assets/{sc.patent.id}/pledges?on=2024-09-30", other_firm).status_code == 404
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    assert get(sc, f"/pledges/{pid}", regulator).status_code == 200


def _count_filings(session_factory) -> int:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return int(s.scalar(select(func.count()).select_from(PledgeFiling)) or 0)


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"ip_numbers": ["ZL201810100001.9"]}, 422, None),  # wrong check digit
        ({"ip_numbers": ["hello"]}, 422, "id.unknown"),
        ({"ip_numbers": []}, 422, "pledge.no_ip"),
        ({"debt_amount": "-100"}, 422, "money.not_positive"),
        ({"debt_amount": "abc"}, 422, "money.format"),
        ({"registry_id": None}, 422, "invalid_input"),
        ({"debt_end": "2020-01-01"}, 422, "pledge.debt_dates"),
        ({"registry_id": -5}, 422, "pledge.party_unknown"),
    ],
)
def test_bad_input_writes_nothing(scene: Scene, session_factory, change: dict, status: int, code: str | None) -> None:
    sc = scene
    body = filing_body(sc.registry.party.id, sc.firm.party.id, sc.bank.party.id, [sc.patent.display])
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    r = post(sc, "/pledge-filings", sc.bank, body)
    assert r.status_code == status, r.text
    assert r.json()["message_zh"] and r.json()["message_en"]
    if code:
        assert r.json()["code"] == code
    else:
        assert r.json()["code"].startswith("id.")
    assert _count_filings(session_factory) == 0


def test_pledgee_must_be_a_lender(scene: Scene, session_factory) -> None:
    sc = scene
    body = filing_body(sc.registry.party.id, sc.firm.party.id, sc.firm.party.id, [sc.patent.display])
    r = post(sc, "/pledge-filings", sc.firm, body)
    assert r.status_code == 422 and r.json()["code"] == "pledge.pledgee_kind"
    assert _count_filings(session_factory) == 0


def test_release_for_repayment_files_and_submits(scene: Scene, session_factory) -> None:
    from ippledge.db import unit_of_work
    from ippledge.pledge import service

    sc = scene
    f = new_filing(sc)
    confirm_submit(sc, f["id"])
    pid = post(sc, f"/pledge-filings/{f['id']}/register", sc.registry).json()["pledge_id"]
    with unit_of_work(session_factory) as s:
        filing = service.release_for_repayment(s, sc.bank.principal, pid, dt.date(2025, 3, 3), "LN-1")
        fid = filing.id
        assert filing.status == "submitted" and filing.kind == "release"
    sc.clock.today = dt.date(2025, 3, 4)
    assert post(sc, f"/pledge-filings/{fid}/register", sc.registry).status_code == 200
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(PledgeItem).where(PledgeItem.in_force)) == 0
        assert s.get(Pledge, pid).status == "released"  # type: ignore[union-attr]


def test_database_index_catches_a_double_pledge_the_precheck_missed(scene: Scene, session_factory, monkeypatch) -> None:
    """As when a rival registration commits after this one ran its pre-check: same code, nothing half-written."""
    from ippledge.db import unit_of_work
    from ippledge.kernel.errors import ConflictError
    from ippledge.pledge import decision

    sc = scene
    first, second = new_filing(sc), new_filing(sc, bank=sc.other_bank)
    confirm_submit(sc, first["id"])
    confirm_submit(sc, second["id"], bank=sc.other_bank)
    assert post(sc, f"/pledge-filings/{first['id']}/register", sc.registry).status_code == 200
    monkeypatch.setattr(decision, "preview", lambda *a, **k: [])
    with pytest.raises(ConflictError) as exc, unit_of_work(session_factory) as s:
        decision.register(s, sc.registry.principal, second["id"], dt.date(2024, 9, 30))
    assert exc.value.code == "pledge.already_pledged" and exc.value.message_zh and exc.value.message_en
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Pledge)) == 1
        assert s.scalar(select(func.count()).select_from(PledgeItem)) == 1
        assert s.get(PledgeFiling, second["id"]).status == "submitted"  # type: ignore[union-attr]
        assert s.scalar(select(func.count()).select_from(LegalStatusEvent)) == 1
        assert audit.verify(s)[1] == []
