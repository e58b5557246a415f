"""The daily close through the API and the CLI: operator only, no future dates, overdue tasks flagged, idempotent."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from ippledge.cli import app as cli_app
from ippledge.intake.tables import Task
from tests.intake.factories import Desk
from tests.lending.close.factories import active_loan, parties

runner = CliRunner()


def test_operator_closes_the_day_and_overdue_tasks_are_flagged(world, app, session_factory) -> None:
    d = Desk(world, app, today=dt.date(2025, 9, 30))
    a = d.apply([d.patent()])
    task = d.timeline(d.firm, a["id"])["tasks"][0]
    assert task["due_on"] == "2025-10-14"
    assert d.get(d.bank.officer, "/business-day").json() == {
        "last_closed": None,
        "closed_at": None,
        "last_report": None,
    }

    denied = d.post(d.bank.officer, "/close", {"date": "2025-10-15"}, 403)
    assert denied.json()["code"] == "access.party_kind"
    future = d.post(d.operator, "/close", {"date": "2025-10-01"}, 422)
    assert future.json()["code"] == "lending.close_future"
    assert d.post(d.operator, "/close", {"date": "not a date"}, 422).json()["code"] == "date.invalid"

    d.clock.today = dt.date(2025, 10, 15)
    d.post(d.operator, "/close", {"date": "2025-10-14"}, 200)
    r = d.post(d.operator, "/close", {"date": "2025-10-15"}, 200).json()
    assert r["tasks_flagged"] == 1 and r["loans"] == 0 and not r["already_closed"] and r["caught_up"] == []
    again = d.post(d.operator, "/close", {"date": "2025-10-15"}, 200).json()
    assert again["already_closed"] and again["tasks_flagged"] == 1
    with session_factory() as s:
        flagged = s.scalar(select(Task.overdue_flagged_on).where(Task.id == task["id"]))
        assert flagged == dt.date(2025, 10, 15)

    seen = d.get(d.operator, "/business-day").json()
    assert seen["last_closed"] == "2025-10-15" and seen["last_report"]["tasks_flagged"] == 1
    bank_view = d.get(d.bank.officer, "/business-day").json()
    assert bank_view["last_closed"] == "2025-10-15" and bank_view["last_report"] is None


def test_cli_closes_with_catch_up_and_reruns_as_no_op(engine: Engine, session_factory) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        active_loan(s, bank, firm, start=dt.date(2025, 1, 15))
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":  # the test schema is chosen by search_path; pass it through the URL
        with session_factory() as s:
            schema = s.connection().exec_driver_sql("select current_schema()").scalar()
        url = f"{url}?options=-csearch_path%3D{schema}"
    first = runner.invoke(cli_app, ["close", "--date", "2025-02-10", "--database-url", url])
    assert first.exit_code == 0, first.output
    r = runner.invoke(cli_app, ["close", "--date", "2025-02-20", "--database-url", url])
    assert r.exit_code == 0, r.output
    assert "daily close 2025-02-20" in r.output and "days caught up" in r.output and "关注" in r.output
    again = runner.invoke(cli_app, ["close", "--date", "2025-02-20", "--database-url", url])
    assert again.exit_code == 0 and "already closed" in again.output
    bad = runner.invoke(cli_app, ["close", "--date", "20-02-2025", "--database-url", url])
    assert bad.exit_code == 2 and "lending.close_date" in bad.output
