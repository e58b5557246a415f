"""``ippledge monitor run``: a date not yet closed and a malformed date are refused with exit 2, nothing written."""

from __future__ import annotations

from typer.testing import CliRunner

from ippledge.cli import app


def test_monitor_run_refuses_an_unclosed_or_malformed_date(database_url: str) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["monitor", "run", "--date", "2025-06-03", "--database-url", database_url])
    assert r.exit_code == 2 and "monitoring.run_future" in r.output
    r = runner.invoke(app, ["monitor", "run", "--date", "2025-13-01", "--database-url", database_url])
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output
    r = runner.invoke(app, ["monitor", "watch", "--json", "--database-url", database_url])
    assert r.exit_code == 0 and r.output.strip() == "[]"
    r = runner.invoke(app, ["monitor", "actions", "--json", "--database-url", database_url])
    assert r.exit_code == 0 and r.output.strip() == "[]"
    r = runner.invoke(app, ["loan", "servicing", "--loan-id", "99", "--database-url", database_url])
    assert r.exit_code == 2 and "not_found" in r.output
