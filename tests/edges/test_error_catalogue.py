"""The error catalogue (错误目录): found in every errors module, printed by ``ippledge errors``, and docs/errors.md
kept equal to it."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from ippledge.cli import app
from ippledge.cmd.error_catalogue import all_codes, error_modules, markdown
from ippledge.simulation import errors as simulation_errors

DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"
REGENERATE = "PYTHONPATH=src python -m ippledge.cli errors --markdown > docs/errors.md"


def test_every_errors_module_is_found_and_every_code_is_listed_once() -> None:
    modules = {m.__name__ for m in error_modules()}
    assert "ippledge.simulation.errors" in modules
    assert all(re.fullmatch(r"ippledge(\.\w+){1,2}\.errors", name) for name in modules), modules
    codes = all_codes()  # raises if one code is defined twice with different messages
    assert [c.code for c in codes] == sorted({c.code for c in codes})
    assert simulation_errors.SEED_TAKEN in codes
    for c in codes:
        assert re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", c.code), c.code
        assert 400 <= c.status < 600 and c.zh and c.en, c


def test_cli_prints_the_catalogue() -> None:
    table = CliRunner().invoke(app, ["errors"], terminal_width=200)
    assert table.exit_code == 0, table.output
    assert "simulate.seed_taken" in table.output and "409" in table.output
    page = CliRunner().invoke(app, ["errors", "--markdown"])
    assert page.exit_code == 0 and page.output == markdown(all_codes())


def test_docs_errors_md_is_up_to_date() -> None:
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert current == markdown(all_codes()), f"docs/errors.md is out of date; regenerate it:  {REGENERATE}"


def test_kernel_identifier_and_analytics_codes_are_listed() -> None:
    modules = {m.__name__ for m in error_modules()}
    assert {"ippledge.kernel.errors", "ippledge.kernel.identifiers.errors", "ippledge.analytics.errors"} <= modules
    codes = {c.code for c in all_codes()}
    assert {"money.format", "calendar.not_covered", "id.uscc.checksum", "id.unknown", "valuation.unknown_use"} <= codes
    assert {"id.patent_application.format", "id.patent_number.format", "id.ipc.group"} <= codes
