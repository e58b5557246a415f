"""Valuation tasks: accept, decline and reassign, reports, corrections, validity, internal valuation threshold."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ippledge.valuation.tables import ValuationReport
from tests.intake.factories import Desk


def _app(d: Desk, amount: str = "2000000"):  # type: ignore[no-untyped-def]
    ip1, ip2 = d.patent(), d.patent()
    consents = [d.bank.id, d.valuer.party.id, d.valuer2.party.id]
    return d.apply([ip1, ip2], consents=consents, amount=amount), ip1, ip2


def test_valuer_declines_bank_reassigns_second_valuer_reports(world, app) -> None:
    d = Desk(world, app)
    a, ip1, ip2 = _app(d)
    t1 = d.post(d.bank.officer, f"/applications/{a['id']}/valuation", {"valuer_id": d.valuer.party.id}, 201).json()
    assert t1["kind"] == "valuation" and t1["limit_days"] == 7
    again = d.post(d.bank.officer, f"/applications/{a['id']}/valuation", {"valuer_id": d.valuer2.party.id})
    assert again.status_code == 409 and again.json()["code"] == "intake.valuation_active"
    assert d.post(d.valuer2, f"/tasks/{t1['id']}/decline", {"reason": "x"}).status_code == 404  # not its task
    assert d.post(d.bank.officer, f"/tasks/{t1['id']}/decline", {"reason": "x"}).status_code == 403
    d.post(d.valuer, f"/tasks/{t1['id']}/decline", {"reason": "利益冲突"}, 200)
    rid = d.valuation(a["id"], [ip1, ip2], ["6000000", "2000000"], valuer=d.valuer2)
    rep = d.get(d.firm, f"/valuation-reports/{rid}").json()
    assert rep["total"] == "8000000.00" and rep["valid_until"] == "2026-06-03" and not rep["internal"]
    assert rep["assumptions"]["royalty_rate"] == 0.05 and rep["valuer_id"] == d.valuer2.party.id
    kinds = {(x["kind"], x["status"]) for x in d.timeline(d.firm, a["id"])["tasks"]}
    assert ("valuation", "declined") in kinds and ("valuation", "done") in kinds
    # the bank that commissioned it reads it; another bank does not
    d.get(d.bank.officer, f"/valuation-reports/{rid}")
    d.get(d.bank2.officer, f"/valuation-reports/{rid}", expect=404)


def test_report_needs_an_accepted_task_and_valid_content(world, app) -> None:
    d = Desk(world, app)
    a, ip1, _ = _app(d)
    t = d.post(d.bank.officer, f"/applications/{a['id']}/valuation", {"valuer_id": d.valuer.party.id}, 201).json()
    body = {"items": [{"ip_asset_id": ip1.id, "value": "1000000"}], "method": "cost", "valuation_date": "2025-06-03"}
    assert d.post(d.valuer, f"/tasks/{t['id']}/valuation-report", body).json()["code"] == "valuation.task_not_accepted"
    d.post(d.valuer, f"/tasks/{t['id']}/accept", None, 200)
    for change, code in [
        ({"method": "magic"}, "valuation.method"),
        ({"valid_until": "2025-06-03"}, "valuation.validity"),
        ({"assumptions": ["not", "an", "object"]}, "valuation.assumptions_object"),
        ({"assumptions": {"discount_rate": 3}}, "valuation.assumption_range"),
        ({"items": [{"ip_asset_id": 999999, "value": "1"}]}, "valuation.ip_not_in_application"),
    ]:
        r = d.post(d.valuer, f"/tasks/{t['id']}/valuation-report", {**body, **change})
        assert r.status_code == 422 and r.json()["code"] == code, r.text
    with world.factory() as s:
        assert s.scalar(select(func.count()).select_from(ValuationReport)) == 0


def test_correction_supersedes_and_latest_valid_follows_dates(world, app) -> None:
    d = Desk(world, app)
    a, ip1, ip2 = _app(d)
    rid = d.valuation(a["id"], [ip1, ip2], ["5000000", "1000000"], valuer=d.valuer, valid_until="2025-12-31")
    latest = f"/applications/{a['id']}/valuations/latest?ip_asset_id={ip1.id}"
    assert d.get(d.bank.officer, latest).json()["value"] == "5000000.00"
    d.clock.today = dt.date(2025, 6, 10)
    fix = {
        "items": [{"ip_asset_id": ip1.id, "value": "4500000"}, {"ip_asset_id": ip2.id, "value": "1000000"}],
        "method": "income",
        "assumptions": {"royalty_rate": "0.04"},
        "valuation_date": "2025-06-03",
        "valid_until": "2025-12-31",
    }
    new = d.post(d.valuer, f"/valuation-reports/{rid}/corrections", fix, 201).json()
    assert new["supersedes_id"] == rid
    assert d.post(d.valuer, f"/valuation-reports/{rid}/corrections", fix).json()["code"] == "valuation.superseded"
    assert d.get(d.bank.officer, latest).json()["report_id"] == new["id"]
    assert d.get(d.bank.officer, latest + "&as_of=2025-06-05").json()["report_id"] == rid  # before the correction
    d.get(d.bank.officer, latest + "&as_of=2026-01-01", expect=404)  # expired
    assert d.get(d.firm, f"/valuation-reports/{rid}").json()["total"] == "6000000.00"  # the old one never changes


def test_internal_valuation_only_under_the_threshold(world, app) -> None:
    d = Desk(world, app)
    small, ip1, _ = _app(d, amount="9999999.99")
    big, _, _ = _app(d, amount="10000000")
    r = d.post(d.bank.officer, f"/applications/{big['id']}/valuation", {})
    assert r.status_code == 422 and r.json()["code"] == "intake.internal_valuation_threshold"
    rid = d.valuation(small["id"], [ip1], ["3000000"])  # the bank values internally
    rep = d.get(d.bank.officer, f"/valuation-reports/{rid}").json()
    assert rep["internal"] and rep["valuer_id"] == d.bank.id
    t = next(x for x in d.timeline(d.firm, small["id"])["tasks"] if x["kind"] == "internal_valuation")
    assert t["limit_days"] == 3 and t["status"] == "done"
    # the operator raises the threshold from tomorrow: the big one may then be valued internally
    d.post(d.operator, "/internal-valuation-thresholds", {"amount": "20000000", "effective_from": "2025-06-04"}, 201)
    d.clock.today = dt.date(2025, 6, 4)
    d.post(d.bank.officer, f"/applications/{big['id']}/valuation", {}, 201)
