"""Post-loan monitoring after the daily close (贷后监测): a CF01 in a bulk feed on a pledged patent alerts the bank,
the borrower, the scheme's fund and the loan's insurer in the close that follows; an unpledged patent alerts no one;
another bank hears nothing; an annuity entering its grace period is announced before any CF01."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ippledge.delivery.service import run_pass
from ippledge.registry.model import Subtype, annuity_fee
from ippledge.registry.tables import Annuity
from tests.delivery.factories import T0, Receiver
from tests.risk_sharing.factories import RiskDesk

ALERT = "monitoring.alert"


def _alerts(d: RiskDesk, factory: Any, who: Any) -> list[dict[str, Any]]:
    run_pass(factory, T0, Receiver().client())
    events = d.get(who, "/events?limit=1000").json()["events"]
    return [e["payload"] for e in events if e["topic"] == ALERT]


def _enrolled_insured_loan(d: RiskDesk) -> int:
    d.scheme_with_pool("5000000")
    lid = d.active_loan(amount="1000000", months=6)
    d.post(d.bank.officer, "/risk-enrolments", {"loan_id": lid, "scheme_code": "test-city"}, 201)
    d.post(d.insurer, "/risk-covers", d.loan_insurance(lid), 201)
    return lid


def _close(d: RiskDesk, day: dt.date) -> dict[str, Any]:
    d.clock.today = day
    return dict(d.post(d.operator, "/close", {"date": str(day)}, 200).json())


def test_cf01_in_a_feed_alerts_every_risk_sharer_in_the_close(world, app, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    lid = _enrolled_insured_loan(d)
    with session_factory() as s:
        from ippledge.lending.queries import pledges_of_loan
        from ippledge.pledge.queries import pledge_asset_ids

        pledged = pledge_asset_ids(s, pledges_of_loan(s, lid)[0])[0]
    number = d.get(d.bank.officer, f"/ip-assets/{pledged}").json()["number"]
    loose = d.patent()
    day = d.clock.today
    body = f"number,code,effective_date\n{number},CF01,{day}\n{loose.number},CF01,{day}\n"
    r = d.client.post(
        "/legal-status/feeds?format=csv&source_name=cnipa", content=body.encode(), headers=d.registry.headers
    )
    assert r.status_code == 201, r.text
    assert _alerts(d, session_factory, d.fund_approver) == []  # nothing before the close
    _close(d, day)
    heard = {}
    for name, who in {
        "bank": d.bank.officer,
        "borrower": d.firm,
        "fund": d.fund_approver,
        "insurer": d.insurer,
    }.items():
        heard[name] = [a for a in _alerts(d, session_factory, who) if a["finding"] == "legal_event"]
    for name, alerts in heard.items():
        assert [(a["loan_id"], a["asset_id"], a["details"]["code"]) for a in alerts] == [(lid, pledged, "CF01")], name
    alert = heard["fund"][0]
    assert alert["what"]["zh"] and alert["why"]["en"] and alert["action"]["zh"]
    assert alert["act_by"] > str(day) and alert["act_within_working_days"] == 3
    assert alert["scheme_code"] == "test-city" and alert["watch_entry_id"] is not None
    assert _alerts(d, session_factory, d.bank2.officer) == []  # another bank hears nothing
    assert all(a["asset_id"] != loose.id for a in heard["bank"])  # the unpledged patent alerts no one
    # the watch list has the loan, opened by the rule, with its history
    entries = d.get(d.bank.officer, f"/watch-list?loan_id={lid}").json()
    assert [(e["rule"], e["state"]) for e in entries] == [("collateral_lost", "open")]
    d.get(d.bank2.officer, f"/watch-list/{entries[0]['id']}", expect=404)
    # the same date again: nothing new
    _close(d, day)
    assert len([a for a in _alerts(d, session_factory, d.firm) if a["finding"] == "legal_event"]) == 1


def test_an_annuity_entering_grace_is_announced_before_any_cf01(world, app, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    base = d.patent
    d.patent = lambda *a, **k: base(*a, **{"filing_date": dt.date(2018, 7, 20), **k})  # type: ignore[method-assign]
    lid = _enrolled_insured_loan(d)
    with session_factory.begin() as s:
        from ippledge.lending.queries import pledges_of_loan
        from ippledge.pledge.queries import pledge_asset_ids

        aid = pledge_asset_ids(s, pledges_of_loan(s, lid)[0])[0]
        fee = annuity_fee(Subtype.INVENTION, 8)
        s.add(Annuity(ip_asset_id=aid, year_no=8, due_date=dt.date(2025, 7, 20), amount=fee))
    start = d.clock.today
    _close(d, start)  # 47 days before the due date: within the 60-day watch
    seen = [a for a in _alerts(d, session_factory, d.fund_approver) if a["finding"].startswith("annuity")]
    assert [(a["finding"], a["details"]["due_date"]) for a in seen] == [("annuity_due", "2025-07-20")]
    _close(d, dt.date(2025, 7, 22))  # catch-up: every missing day is monitored, grace entered on 21 July
    alerts = _alerts(d, session_factory, d.insurer)
    findings = [(a["finding"], a["on"]) for a in alerts]
    assert ("annuity_grace", "2025-07-21") in findings
    assert not any(a["finding"] == "legal_event" for a in alerts)  # no CF01 yet: the warning comes first
    grace = next(a for a in alerts if a["finding"] == "annuity_grace")
    assert grace["details"]["surcharge_rate"] == "0" and grace["details"]["grace_ends"] == "2026-01-20"
    assert grace["details"]["amount_due_fen"] == int(fee * 100)
    entries = d.get(d.bank.officer, f"/watch-list?loan_id={lid}").json()
    # (the month-end revaluation may also list the loan: this world lends at the cap on an appraisal above the model)
    annuity = [(e["rule"], e["state"]) for e in entries if e["rule"].startswith("annuity")]
    assert annuity == [("annuity_in_grace", "open")]
