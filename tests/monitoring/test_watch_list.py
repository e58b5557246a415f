"""The watch list (关注名单): an officer lists a loan; entries move open → acting → cured → closed with a history;
out of order is a 409 and nothing changes; another bank's entry or loan is a 404; a borrower signal from the port
opens an entry by rule; a missed date is caught up by ``monitor run``; a date is monitored once."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from ippledge.monitoring import ports
from ippledge.monitoring.ports import BorrowerSignal
from tests.risk_sharing.factories import RiskDesk


def test_officer_entry_moves_with_history_and_refusals(world, app, session_factory) -> None:
    d = RiskDesk(world, app, session_factory)
    lid = d.active_loan(amount="1000000", months=6)
    d.post(d.bank2.officer, "/watch-list", {"loan_id": lid, "reason": "x"}, 404)  # not its loan
    d.post(d.firm, "/watch-list", {"loan_id": lid, "reason": "x"}, 403)
    e = d.post(d.bank.officer, "/watch-list", {"loan_id": lid, "reason": "销售回款下降", "owner": "张三"}, 201).json()
    assert (e["rule"], e["state"], e["owner"]) == ("officer", "open", "张三")
    again = d.post(d.bank.officer, "/watch-list", {"loan_id": lid, "reason": "again"}, 409).json()
    assert again["code"] == "monitoring.watch_open"
    url = f"/watch-list/{e['id']}/moves"
    bad = d.post(d.bank.officer, url, {"to": "closed", "note": "直接移出"}, 409).json()
    assert bad["code"] == "monitoring.watch_move"
    assert d.get(d.bank.officer, f"/watch-list/{e['id']}").json()["state"] == "open"  # nothing half-written
    d.post(d.bank2.officer, url, {"to": "acting", "note": "x"}, 404)
    d.post(d.bank.officer, url, {"to": "acting", "note": "已实地走访"}, 200)
    d.post(d.bank.officer, url, {"to": "cured", "note": "回款恢复"}, 200)
    done = d.post(d.bank.officer, url, {"to": "closed", "note": "移出名单"}, 200).json()
    assert [(h["from_state"], h["to_state"]) for h in done["history"]] == [
        (None, "open"),
        ("open", "acting"),
        ("acting", "cured"),
        ("cured", "closed"),
    ]
    assert done["history"][1]["note"] == "已实地走访"
    assert d.get(d.bank2.officer, "/watch-list").json() == []


def test_borrower_signal_opens_an_entry_and_missed_days_are_caught_up(
    world, app, session_factory, database_url
) -> None:
    from ippledge.cli import app as cli_app

    d = RiskDesk(world, app, session_factory)
    lid = d.active_loan(amount="1000000", months=6)
    day = d.clock.today
    d.post(d.operator, "/close", {"date": str(day)}, 200)
    later = day + dt.timedelta(days=3)
    signal = BorrowerSignal(d.firm.party.id, later - dt.timedelta(days=1), "tax_arrears", "tax-001", "欠税12万元")
    ports.FAKE.add(signal)
    try:
        # monitoring cannot run ahead of the close
        r = d.post(d.operator, "/monitoring/runs", {"date": str(later)}, 409).json()
        assert r["code"] == "monitoring.run_future"
        d.clock.today = later
        d.post(d.operator, "/close", {"date": str(later)}, 200)
    finally:
        ports.FAKE.clear()
    alerts = d.get(d.bank.officer, f"/monitoring/alerts?loan_id={lid}").json()
    signals = [a for a in alerts if a["finding"] == "borrower_signal"]
    assert [(a["business_date"], a["payload"]["details"]["kind"]) for a in signals] == [(str(signal.on), "tax_arrears")]
    entries = d.get(d.bank.officer, "/watch-list?state=open").json()
    assert [(e["loan_id"], e["rule"]) for e in entries] == [(lid, "borrower_signal")]
    # a date already monitored changes nothing; the CLI says so
    url = database_url
    out = CliRunner().invoke(cli_app, ["monitor", "run", "--date", str(later), "--database-url", url, "--json"])
    assert out.exit_code == 0, out.output
    assert '"already_run": true' in out.output
    listed = CliRunner().invoke(cli_app, ["monitor", "watch", "--database-url", url])
    assert listed.exit_code == 0 and "borrower_signal" in listed.output
