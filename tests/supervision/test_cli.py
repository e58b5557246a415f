"""``ippledge supervise stats|rank`` on a real book: the platform's table and JSON, exit 2 on bad input."""

from __future__ import annotations

import json
from decimal import Decimal

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
    assert "成效" in r.output and "推送对接" in r.output and "代偿时效" in r.output  # the outcomes are printed too
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


def test_report_by_name_with_files_and_bad_input(world, app, database_url, tmp_path) -> None:
    """``ippledge report NAME --period``: the API's body, the workbook and the CSV agree; every refusal is catalogued
    with exit code 2 and both languages."""
    import csv
    import io

    from openpyxl import load_workbook

    from ippledge.supervision.workbook import BANK_HEADERS, as_decimal

    d = LoanDesk(world, app)
    d.active_loan(amount="1200000")
    db = ["--database-url", database_url]
    xlsx, table = tmp_path / "s.xlsx", tmp_path / "s.csv"
    files = ["--xlsx", str(xlsx), "--csv", str(table)]
    r = runner.invoke(cli_app, ["report", "statistics", "--period", "2025", *files, *db])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert (doc["start"], doc["end"]) == ("2025-01-01", "2025-12-31")
    assert doc["banks"][0]["loans"]["disbursed"] == "1200000.00"
    wb = load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert as_decimal(wb["银行 banks"].cell(row=2, column=3).value) == Decimal("1200000.00")
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    assert rows[0] == BANK_HEADERS and Decimal(rows[1][2]) == Decimal("1200000.00")
    r = runner.invoke(cli_app, ["report", "rankings", "--period", "2025-H1", "--rule", "disbursed", *db])
    assert r.exit_code == 0 and json.loads(r.output)["end"] == "2025-06-30", r.output
    kpi = tmp_path / "k.xlsx"
    r = runner.invoke(cli_app, ["report", "kpi", "--period", "2025-Q2", "--xlsx", str(kpi), *db])
    assert r.exit_code == 0 and load_workbook(kpi).sheetnames == ["kpi"], r.output
    r = runner.invoke(cli_app, ["report", "market", "--period", "2025-06", "--bank", str(d.bank.id), *db])
    body = json.loads(r.output)
    assert r.exit_code == 0 and body["bank"]["bank_id"] == d.bank.id and body["suppressed"] is True
    for args, code in [
        (["report", "galaxy", "--period", "2025"], "supervision.unknown_report"),
        (["report", "statistics", "--period", "2025-Q5"], "supervision.bad_period"),
        (["report", "statistics", "--period", "2025-03-01..2025-01-01"], "supervision.period_reversed"),
        (["report", "statistics", "--period", "2025", "--as-of", "2999-01-01"], "supervision.as_of_future"),
        (["report", "market", "--period", "2025"], "supervision.bank_required"),
    ]:
        r = runner.invoke(cli_app, [*args, *db])
        assert r.exit_code == 2 and code in r.output and "错误 error" in r.output, (args, r.output)
