"""``ippledge loan schedule``: a table for people, JSON with decimal strings for machines, exit 2 on bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ippledge.cli import app

runner = CliRunner()
BASE = ["loan", "schedule", "--principal", "1,000,000", "--months", "240", "--start", "2025-01-31"]


def test_json_schedule() -> None:
    r = runner.invoke(app, [*BASE, "--annual-rate", "4.9%", "--method", "equal-installment", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["payment"] == "6544.44" and doc["annual_rate"] == "0.049"
    first = doc["instalments"][0]
    assert first == {
        "period": 1,
        "due_date": "2025-02-28",
        "payment": "6544.44",
        "principal": "2461.11",
        "interest": "4083.33",
        "remaining": "997538.89",
    }
    assert len(doc["instalments"]) == 240 and doc["totals"]["principal"] == "1000000.00"


def test_table_schedule() -> None:
    r = runner.invoke(app, [*BASE, "--annual-rate", "0.049", "--method", "equal-principal"])
    assert r.exit_code == 0, r.output
    assert "8,250.00" in r.output and "等额本金" in r.output and "1,000,000.00" in r.output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--principal", "-5", "--annual-rate", "4.9%", "--months", "12", "--method", "bullet"], "lending.principal"),
        (["--principal", "100", "--annual-rate", "4.9", "--months", "12", "--method", "bullet"], "lending.rate"),
        (["--principal", "100", "--annual-rate", "4.9%", "--months", "0", "--method", "bullet"], "lending.months"),
        (["--principal", "100", "--annual-rate", "4.9%", "--months", "12", "--method", "balloon"], "lending.method"),
        (["--principal", "abc", "--annual-rate", "4.9%", "--months", "12", "--method", "bullet"], "money.format"),
    ],
)
def test_bad_input_exits_2(args: list[str], code: str) -> None:
    r = runner.invoke(app, ["loan", "schedule", *args, "--start", "2025-01-31"])
    assert r.exit_code == 2
    assert f"[{code}]" in r.output


def test_bad_date_exits_2() -> None:
    r = runner.invoke(
        app,
        [
            "loan",
            "schedule",
            "--principal",
            "1",
            "--annual-rate",
            "1%",
            "--months",
            "1",
            "--method",
            "bullet",
            "--start",
            "2025-02-30",
        ],
    )
    assert r.exit_code == 2 and "[lending.date]" in r.output
