"""``ippledge risk split | simulate | schemes``: tables for people, JSON for machines, exit 2 on bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ippledge.cli import app

runner = CliRunner()
SIM = ["risk", "simulate", "--loans", "1000", "--pd", "0.02", "--rho", "0.15", "--lgd", "0.6", "--scenarios", "2000"]


def test_split_json_and_table() -> None:
    r = runner.invoke(app, ["risk", "split", "--scheme", "zhongshan", "--loss", "1,000,000", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["shares"] == {"fund": "540000.00", "bank": "260000.00", "insurer": "160000.00", "valuer": "40000.00"}
    r = runner.invoke(app, ["risk", "split", "--scheme", "chongqing", "--loss", "8000000"])
    assert r.exit_code == 0, r.output
    assert "1,500,000.00" in r.output and "per_loan" in r.output and "8,000,000.00" in r.output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--scheme", "atlantis", "--loss", "1"], "risk.scheme.unknown"),
        (["--scheme", "zhongshan", "--loss", "abc"], "money.format"),
        (["--scheme", "zhongshan", "--loss", "-5"], "risk.amount"),
        (["--scheme", "wuhan", "--loss", "5"], "risk.ip_share"),
    ],
)
def test_split_bad_input_exits_2(args: list[str], code: str) -> None:
    r = runner.invoke(app, ["risk", "split", *args])
    assert r.exit_code == 2 and code in r.output


def test_simulate_json_reproduces_from_the_seed() -> None:
    first = runner.invoke(app, [*SIM, "--seed", "5", "--scheme", "haikou", "--years", "3", "--json"])
    assert first.exit_code == 0, first.output
    doc = json.loads(first.output)
    assert set(doc["parties"]) >= {"fund", "bank"} and doc["inputs"]["fund_initial"] == pytest.approx(1e8)
    assert doc["parties"]["fund"]["q0.999"] >= doc["parties"]["fund"]["q0.99"] >= 0
    assert len(doc["fund"]["p_dry_by_year"]) == 3 and doc["fund"]["required_fund"] >= 0
    again = runner.invoke(app, [*SIM, "--seed", "5", "--scheme", "haikou", "--years", "3", "--json"])
    assert again.output == first.output


def test_simulate_table() -> None:
    r = runner.invoke(app, [*SIM, "--seed", "1"])
    assert r.exit_code == 0, r.output
    assert "insurer" in r.output and "99.9%" in r.output and "P(fund dry)" in r.output


@pytest.mark.parametrize(("flag", "value"), [("--pd", "1.5"), ("--rho", "1"), ("--lgd", "-0.1"), ("--loans", "0")])
def test_simulate_bad_input_exits_2(flag: str, value: str) -> None:
    args = list(SIM)
    args[args.index(flag) + 1] = value
    r = runner.invoke(app, [*args, "--seed", "1"])
    assert r.exit_code == 2 and "risk.cli." in r.output


def test_schemes_lists_every_preset() -> None:
    r = runner.invoke(app, ["risk", "schemes", "--json"])
    assert r.exit_code == 0
    codes = {d["code"] for d in json.loads(r.output)}
    assert {"zhongshan", "beijing-haidian-zhirongbao", "jiangsu-suzhidai", "haikou"} <= codes


def test_simulate_device_is_checked_and_reported() -> None:
    r = runner.invoke(app, [*SIM, "--seed", "1", "--device", "tpu", "--json"])
    assert r.exit_code == 2 and "risk.cli.device" in r.output and "unknown device" in r.output
    r = runner.invoke(app, [*SIM, "--seed", "1", "--device", "cuda", "--dask", "local:1"])
    assert r.exit_code == 2 and "risk.cli.device" in r.output
    r = runner.invoke(app, [*SIM, "--seed", "1", "--device", "cpu", "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["backend"] == "numpy"


def test_simulate_sensitivity_moves_the_share_and_keeps_the_total() -> None:
    r = runner.invoke(app, [*SIM, "--seed", "3", "--scheme", "haikou", "--sensitivity", "fund:bank", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    rows = doc["sensitivity"]
    assert doc["sensitivity_parties"] == ["fund", "bank"] and [x["shift"] for x in rows] == [-0.1, -0.05, 0, 0.05, 0.1]
    fund = [x["expected_loss"]["fund"] for x in rows]
    bank = [x["expected_loss"]["bank"] for x in rows]
    assert fund == sorted(fund, reverse=True) and bank == sorted(bank)  # more to the bank, less to the fund
    totals = [f + b for f, b in zip(fund, bank, strict=True)]  # common random numbers: the same losses every row
    assert max(totals) - min(totals) < 1e-6 * totals[0]
    assert rows[2]["expected_loss"]["fund"] == pytest.approx(doc["parties"]["fund"]["expected_loss"])
    table = runner.invoke(app, [*SIM, "--seed", "3", "--sensitivity", "fund:insurer"])
    assert table.exit_code == 0 and "sensitivity" in table.output and "+10%" in table.output


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (["--sensitivity", "fund"], "risk.cli.sensitivity"),
        (["--sensitivity", "fund:nobody"], "risk.sensitivity.party"),
        (["--sensitivity", "bank:bank"], "risk.sensitivity.party"),
        (["--portfolio", "--as-of", "2025-13-01"], "risk.cli.as_of"),
    ],
)
def test_simulate_bad_options_exit_2(extra: list[str], code: str) -> None:
    r = runner.invoke(app, [*SIM, "--seed", "1", *extra])
    assert r.exit_code == 2 and code in r.output, r.output
