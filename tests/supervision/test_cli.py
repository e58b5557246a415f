"""``ippledge supervise stats|rank`` on a real book: the platform's table and JSON, exit 2 on bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ippledge.cli import app as cli_app
from tests.lending.factories import LoanDesk

runner = CliRunner()


def test_stats_and_rank(world, app, database_url) -> None:
    d = LoanDesk(world, app)
    d.active_loan(amount="1200000")
    base = ["--start", "2025-01-01", "--end", "2025-06-30", "--database-url", database_url]
    r = runner.invoke(cli_app, ["supervise", "stats", *base, "--json", "--by", "month"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["loan_total"]["disbursed"] == "1200000.00"
    assert doc["loans"][0]["key"] == {"month": "2025-06"} and doc["loans"][0]["balance"] is None
    r = runner.invoke(cli_app, ["supervise", "stats", *base])
    assert r.exit_code == 0, r.output
    assert "监管统计" in r.output and "120.00" in r.output  # 1.2m CNY in 万元
    r = runner.invoke(cli_app, ["supervise", "rank", *base, "--rule", "disbursed", "--json"])
    assert r.exit_code == 0, r.output
    assert [x["rank"] for x in json.loads(r.output)["rows"]] == [1]


def test_bad_input_exits_2() -> None:
    r = runner.invoke(cli_app, ["supervise", "stats", "--start", "2025-02-01", "--end", "2025-01-01"])
    assert r.exit_code == 2 and "supervision.period_reversed" in r.output
    r = runner.invoke(cli_app, ["supervise", "rank", "--start", "2025-01-01", "--end", "2025-02-01", "--rule", "x"])
    assert r.exit_code == 2 and "supervision.unknown_rule" in r.output


def test_kpi_command(world, app, database_url) -> None:
    from ippledge.access.model import Role

    d = LoanDesk(world, app)
    admin = world.user(d.bank.party, Role.ADMIN)
    url = f"/banks/{d.bank.id}/branches"
    head = d.post(
        admin, url, {"name": "总行", "level": "head_office", "region_code": "110102", "opened_on": "2020-01-01"}
    )
    body = {
        "name": "科技支行",
        "level": "branch",
        "branch_type": "tech",
        "region_code": "110108",
        "opened_on": "2021-01-01",
    }
    tech = d.post(admin, url, {**body, "parent_id": head.json()["id"]}, 201).json()
    d.post(admin, f"/banks/{d.bank.id}/postings", {"user_id": d.bank.officer.user.id, "branch_id": tech["id"]}, 201)
    d.active_loan(amount="1200000")
    base = ["--start", "2025-01-01", "--end", "2025-12-31", "--database-url", database_url]
    r = runner.invoke(cli_app, ["supervise", "kpi", *base, "--json"])
    assert r.exit_code == 0, r.output
    scores = {x["branch_id"]: x for x in json.loads(r.output)["scores"]}
    assert scores[tech["id"]]["items"][0]["points"] == "1.20"  # 1.2m of a 40m yearly target: 3% of 40 points
    r = runner.invoke(cli_app, ["supervise", "kpi", *base])
    assert r.exit_code == 0 and "网点考核" in r.output and "科技" in r.output and "7.87/" in r.output, r.output
    r = runner.invoke(cli_app, ["supervise", "kpi", *base, "--code", "nope"])
    assert r.exit_code == 2 and "supervision.unknown_kpi" in r.output
