"""The register's new events in the monitoring pass (issue 16 item 6, decision 0031): a term extension moves the date
the remaining-term check reads; an open licence declared on a pledged patent alerts the pledgee like other legal
events; a holder name change is an informational notice; an informational legacy code alerts no one; another bank
hears nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update

from ippledge.lending import queries as lending_queries
from ippledge.lending.queries import pledges_of_loan
from ippledge.pledge.queries import pledge_asset_ids
from ippledge.registry.tables import IpAsset
from tests.monitoring.test_alerts import _alerts, _close
from tests.risk_sharing.factories import RiskDesk


def _event(d: RiskDesk, asset_id: int, code: str, day: dt.date, details: dict[str, Any] | None, expect: int) -> Any:
    body = {"code": code, "effective_date": str(day), "details": details}
    return d.post(d.registry, f"/ip-assets/{asset_id}/events", body, expect)


def test_new_register_events_reach_the_pledgee_through_the_pass(world, app, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    lid = d.active_loan(months=6)
    day = d.clock.today
    with session_factory.begin() as s:
        pledged = pledge_asset_ids(s, pledges_of_loan(s, lid)[0])[0]
        loan = lending_queries.loan_summary(s, lid)
        assert loan is not None and loan.maturity_date is not None
        maturity = loan.maturity_date
        # an old patent: its term ends before the loan matures (set straight on the register for the test)
        s.execute(update(IpAsset).where(IpAsset.id == pledged).values(expiry_date=maturity - dt.timedelta(days=20)))
    later = maturity + dt.timedelta(days=400)
    r = _event(d, pledged, "TG01", day, {"expiry_after": str(later)}, 201).json()
    assert r["details"]["expiry_after"] == str(later)
    _event(d, pledged, "CP01", day, {"name": "北京更名科技有限公司"}, 201)
    _event(d, pledged, "OL01", day, None, 409)  # pledged: the pledgee's consent first
    _event(d, pledged, "OL01", day, {"pledgee_consent_id": d.bank.id}, 201)
    _event(d, pledged, "C06", day - dt.timedelta(days=3), None, 201)  # informational: a publication
    _close(d, day)
    alerts = [a for a in _alerts(d, session_factory, d.bank.officer) if a["loan_id"] == lid]
    got = sorted((a["finding"], a["details"].get("code")) for a in alerts if a["finding"] != "annuity_due")
    # the term check read the extended date: no term_short; the informational C06 alerts no one
    assert got == [("legal_event", "OL01"), ("register_notice", "CP01"), ("register_notice", "TG01")], got
    notice = next(a for a in alerts if a["details"].get("code") == "CP01")
    assert notice["watch_entry_id"] is None and notice["act_within_working_days"] == 10
    assert "登记事项" in notice["why"]["zh"]
    # the borrower (pledgor) hears the same; another bank nothing
    assert {a["finding"] for a in _alerts(d, session_factory, d.firm) if a["loan_id"] == lid} >= {"register_notice"}
    assert _alerts(d, session_factory, d.bank2.officer) == []


def test_a_term_short_of_the_loan_is_still_found_without_an_extension(world, app, session_factory) -> None:
    """The control: the same patent without the TG01 raises term_short in the same pass."""
    d = RiskDesk(world, app, session_factory)
    lid = d.active_loan(months=6)
    day = d.clock.today
    with session_factory.begin() as s:
        pledged = pledge_asset_ids(s, pledges_of_loan(s, lid)[0])[0]
        loan = lending_queries.loan_summary(s, lid)
        assert loan is not None and loan.maturity_date is not None
        short = loan.maturity_date - dt.timedelta(days=20)
        s.execute(update(IpAsset).where(IpAsset.id == pledged).values(expiry_date=short))
    _close(d, day)
    alerts = [a for a in _alerts(d, session_factory, d.bank.officer) if a["loan_id"] == lid]
    assert [a["details"]["expiry_date"] for a in alerts if a["finding"] == "term_short"] == [str(short)]


def test_a_legacy_lapse_in_a_feed_alerts_like_cf01(world, app, session_factory) -> None:
    """A historical provider's C19 (lapse for the fee, pre-2015 code) on a pledged patent is recorded as CF01 and
    alerts the bank as one; a publication line (C06) beside it alerts no one."""
    d = RiskDesk(world, app, session_factory)
    lid = d.active_loan(months=6)
    day = d.clock.today
    with session_factory() as s:
        pledged = pledge_asset_ids(s, pledges_of_loan(s, lid)[0])[0]
    number = d.get(d.bank.officer, f"/ip-assets/{pledged}").json()["number"]
    body = f"number,code,effective_date\n{number},C06,{day}\n{number},C19,{day}\n"
    r = d.client.post("/legal-status/feeds?format=csv", content=body.encode(), headers=d.registry.headers)
    assert r.status_code == 201 and r.json()["rejected"] == 0, r.text
    _close(d, day)
    alerts = [a for a in _alerts(d, session_factory, d.bank.officer) if a["finding"] == "legal_event"]
    assert [(a["loan_id"], a["details"]["code"]) for a in alerts] == [(lid, "CF01")]
    entries = d.get(d.bank.officer, f"/watch-list?loan_id={lid}").json()
    assert [(e["rule"], e["state"]) for e in entries] == [("collateral_lost", "open")]
