"""A term_short watch entry the pass cures itself (issue 16, decision 0042), on both backends: the pass opens it for
a patent expiring before the loan matures; an extension (展期) moving the maturity later is announced afresh and
leaves the entry open; a term adjustment (TG01) moving the expiry past the new maturity makes the next pass cure the
entry, with the reason in its history; an officer's entry is never touched."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update

from ippledge.lending import queries as lending_queries
from ippledge.lending import service as lending
from ippledge.lending.queries import pledges_of_loan
from ippledge.pledge.queries import pledge_asset_ids
from ippledge.registry.tables import IpAsset
from tests.monitoring.test_alerts import _alerts, _close
from tests.risk_sharing.factories import RiskDesk


def _entries(d: RiskDesk, lid: int) -> dict[str, dict[str, Any]]:
    return {e["rule"]: e for e in d.get(d.bank.officer, f"/watch-list?loan_id={lid}").json()}


def test_term_short_cured_by_the_pass_once_the_ip_outlives_the_loan(world, app, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    lid = d.active_loan(months=6)
    day = d.clock.today
    with session_factory.begin() as s:
        pledged = pledge_asset_ids(s, pledges_of_loan(s, lid)[0])[0]
        loan = lending_queries.loan_summary(s, lid)
        assert loan is not None and loan.maturity_date is not None
        maturity = loan.maturity_date
        s.execute(update(IpAsset).where(IpAsset.id == pledged).values(expiry_date=maturity - dt.timedelta(days=20)))
    d.post(d.bank.officer, "/watch-list", {"loan_id": lid, "reason": "客户经理关注"}, 201)
    _close(d, day)
    entry = _entries(d, lid)["term_short"]
    assert entry["state"] == "open" and entry["opened_by"] == "system:monitoring"

    # 展期 by three months: still short, announced again with the new maturity; the one entry stays open
    day += dt.timedelta(days=1)
    d.clock.today = day
    with session_factory.begin() as s:
        proposed = lending.propose_extension(s, d.bank.officer.principal, lid, 3, "客户回款周期延长", day)
        ext = lending.decide_extension(s, d.bank.approver.principal, lid, proposed.id, True, None, day)
        new_maturity = ext.to_maturity
    _close(d, day)
    shorts = [a for a in _alerts(d, session_factory, d.bank.officer) if a["finding"] == "term_short"]
    assert [a["details"]["maturity_date"] for a in shorts] == [str(maturity), str(new_maturity)]
    assert _entries(d, lid)["term_short"]["state"] == "open"

    # TG01: the patent's term now runs past the new maturity; the next pass cures the entry
    day += dt.timedelta(days=1)
    d.clock.today = day
    body = {
        "code": "TG01",
        "effective_date": str(day),
        "details": {"expiry_after": str(new_maturity + dt.timedelta(days=90))},
    }
    d.post(d.registry, f"/ip-assets/{pledged}/events", body, 201)
    _close(d, day)
    entries = _entries(d, lid)
    cured = entries["term_short"]
    assert cured["state"] == "cured" and cured["updated_on"] == str(day)
    last = cured["history"][-1]
    assert last["from_state"] == "open" and last["to_state"] == "cured" and last["actor"] == "system:monitoring"
    assert "监测自动化解" in last["note"] and "cured by the pass" in last["note"]
    assert entries["officer"]["state"] == "open"  # the officer's own entry is the officer's to move
    _close(d, day + dt.timedelta(days=1))  # a later pass changes nothing
    assert len(_entries(d, lid)["term_short"]["history"]) == len(cured["history"])
