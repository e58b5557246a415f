"""The 2021 registration rules through the API: a forfeiture clause registers with a warning, the co-owners'
recorded agreement, release by either party with proof, calendar-day time limits, a trademark ground, renewal and
grace as register events, and the register's ageing run."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ippledge.access.model import PartyKind, Role
from ippledge.registry.tables import IpAsset, LegalStatusEvent
from tests.pledge.test_api import Scene, confirm_submit, get, new_filing, post
from tests.registry.factories import add_patent


def _registered(sc: Scene, **kw) -> dict:  # type: ignore[no-untyped-def]
    f = new_filing(sc, **kw)
    confirm_submit(sc, f["id"])
    r = post(sc, f"/pledge-filings/{f['id']}/register", sc.registry)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_forfeiture_clause_registers_with_a_recorded_warning(scene: Scene) -> None:
    sc = scene
    f = new_filing(sc, forfeiture_clause=True)
    assert f["precheck"] == [] and [w["code"] for w in f["warnings"]] == ["pledge.forfeiture_clause"]
    reg = _registered_after(sc, f)
    assert reg["status"] == "registered" and reg["forfeiture_clause"] is True
    assert "428" in reg["warnings"][0]["message_en"]


def _registered_after(sc: Scene, f: dict) -> dict:  # type: ignore[type-arg]
    confirm_submit(sc, f["id"])
    r = post(sc, f"/pledge-filings/{f['id']}/register", sc.registry)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_coowners_agreement_recorded_on_the_filing(scene: Scene, world, session_factory) -> None:
    sc = scene
    other = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
    shared = add_patent(session_factory, [sc.firm.party.id, other.party.id])
    body = {"ip_numbers": [shared.display]}
    f = new_filing(sc, **body)
    assert [c["code"] for c in f["precheck"]] == ["pledge.coowner_consent_missing"]
    f = new_filing(sc, **body, coowner_agreement="共有协议第5条：任一共有人可单独出质")
    assert f["precheck"] == [] and f["coowner_agreement"].startswith("共有协议")


def test_release_by_the_pledgor_alone_with_proof_or_jointly(scene: Scene) -> None:
    sc = scene
    pid = _registered(sc)["pledge_id"]
    # the pledgor alone, no proof: the pledgee must confirm too
    rel = post(sc, f"/pledges/{pid}/release", sc.firm, {"reason": "已还清"}).json()
    assert post(sc, f"/pledge-filings/{rel['id']}/confirm", sc.firm).json()["status"] == "awaiting_confirmations"
    r = post(sc, f"/pledge-filings/{rel['id']}/submit", sc.firm)
    assert r.status_code == 409 and r.json()["code"] == "pledge.release_proof_required"
    assert post(sc, f"/pledge-filings/{rel['id']}/withdraw", sc.firm).status_code == 200
    # the pledgor alone with proof the debt is extinguished
    rel = post(sc, f"/pledges/{pid}/release", sc.firm, {"reason": "已还清", "proof": "结清证明 JQ-1"}).json()
    assert rel["change"]["proof"] == "结清证明 JQ-1"
    assert post(sc, f"/pledge-filings/{rel['id']}/confirm", sc.firm).json()["status"] == "confirmed"
    assert post(sc, f"/pledge-filings/{rel['id']}/submit", sc.firm).status_code == 200
    done = post(sc, f"/pledge-filings/{rel['id']}/register", sc.registry)
    assert done.status_code == 200 and done.json()["status"] == "registered"
    assert get(sc, f"/pledges/{pid}", sc.firm).json()["status"] == "released"


def test_calendar_day_time_limit(scene: Scene) -> None:
    sc = scene
    r = sc.client.put(  # type: ignore[attr-defined]
        "/registry/settings",
        headers=sc.registry_admin.headers,
        json={"time_limit_working_days": 10, "day_basis": "calendar"},
    )
    assert r.status_code == 200 and r.json()["day_basis"] == "calendar"
    f = new_filing(sc)
    # submitted 2024-09-30: ten calendar days run through the National Day holidays
    assert confirm_submit(sc, f["id"])["due_on"] == "2024-10-10"
    bad = sc.client.put(  # type: ignore[attr-defined]
        "/registry/settings", headers=sc.registry_admin.headers, json={"day_basis": "lunar"}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "pledge.day_basis"


def _mark(session_factory, owner_id: int, expiry: dt.date, **kw) -> int:  # type: ignore[no-untyped-def]
    from ippledge.registry.tables import IpOwner

    with session_factory.begin() as s:
        a = IpAsset(
            kind="trademark",
            subtype="mark",
            number=str(30_000_000 + expiry.toordinal() % 1_000_000 + len(kw)),
            title="华信",
            filing_date=dt.date(2013, 1, 5),
            grant_date=expiry.replace(year=expiry.year - 10) + dt.timedelta(days=1),
            expiry_date=expiry,
            status="in_force",
            nice_classes="9",
            **kw,
        )
        s.add(a)
        s.flush()
        s.add(IpOwner(ip_asset_id=a.id, party_id=owner_id, share_bp=10_000))
        return int(a.id)


def test_trademark_in_renewal_grace_is_refused_then_renewed_and_registered(scene: Scene, session_factory) -> None:
    sc = scene  # today 2024-09-30
    mid = _mark(session_factory, sc.firm.party.id, dt.date(2024, 8, 31))
    with session_factory() as s:
        number = s.get(IpAsset, mid).number  # type: ignore[union-attr]
    f = new_filing(sc, ip_numbers=[], ip_asset_ids=[mid], debt_end="2025-09-29")
    (check,) = [c for c in f["precheck"] if c["code"] != "pledge.debt_past_expiry"]
    assert check["code"] == "pledge.mark_expired" and check["details"]["renewable_until"] == "2025-02-28"
    # renewal (续展) in the grace period is a register event: TM01, ten more years
    r = post(sc, f"/ip-assets/{mid}/events", sc.registry, {"code": "TM01", "effective_date": "2024-09-30"})
    assert r.status_code == 201, r.text
    assert r.json()["details"]["expiry_after"] == "2034-08-31"
    assert get(sc, f"/pledge-filings/{f['id']}", sc.bank).json()["precheck"] == []
    assert _registered_after(sc, f)["status"] == "registered"
    # renewing again now is too early; a patent cannot be renewed at all
    r = post(sc, f"/ip-assets/{mid}/events", sc.registry, {"code": "TM01", "effective_date": "2024-09-30"})
    assert r.status_code == 409 and r.json()["code"] in {"registry.renewal_too_early", "registry.event_duplicate"}
    r = post(sc, f"/ip-assets/{sc.patent.id}/events", sc.registry, {"code": "TM01", "effective_date": "2024-09-30"})
    assert r.status_code == 422 and r.json()["code"] == "registry.not_a_mark"
    assert number


def test_ageing_run_records_lapses_and_expiries_once(scene: Scene, session_factory) -> None:
    from decimal import Decimal

    from ippledge.registry.tables import Annuity

    sc = scene  # today 2024-09-30
    lapsed = add_patent(session_factory, [sc.firm.party.id])
    with session_factory.begin() as s:
        s.add(Annuity(ip_asset_id=lapsed.id, year_no=7, due_date=dt.date(2024, 3, 1), amount=Decimal("2000")))
    old_mark = _mark(session_factory, sc.firm.party.id, dt.date(2024, 1, 31))  # grace ended 2024-07-31
    in_grace = _mark(session_factory, sc.firm.party.id, dt.date(2024, 8, 31), same_day_twin=None)
    assert post(sc, "/registry/ageing", sc.bank).status_code == 403
    r = post(sc, "/registry/ageing", sc.registry)
    assert r.status_code == 200, r.text
    aged = r.json()["aged"]
    assert aged == {"annuity_lapsed": [lapsed.id], "mark_unrenewed": [old_mark]}
    with session_factory() as s:
        assert s.get(IpAsset, lapsed.id).status == "terminated"  # type: ignore[union-attr]
        assert s.get(IpAsset, old_mark).status == "expired"  # type: ignore[union-attr]
        assert s.get(IpAsset, in_grace).status == "in_force"  # type: ignore[union-attr]
        ev = s.scalars(select(LegalStatusEvent).where(LegalStatusEvent.ip_asset_id == lapsed.id)).one()
        assert (ev.code, ev.effective_date) == ("CF01", dt.date(2024, 3, 1))
    assert post(sc, "/registry/ageing", sc.registry).json()["total"] == 0  # idempotent
    # the register now says why: ground 2, the right is no longer alive
    f = new_filing(sc, ip_numbers=[lapsed.display])
    assert "pledge.right_not_alive" in [c["code"] for c in f["precheck"]]
