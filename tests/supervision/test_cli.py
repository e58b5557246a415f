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
