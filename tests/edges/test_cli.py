"""The command line: identifier checks, schema upgrade and audit verification as an operator runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from ippledge.access import service
from ippledge.access.model import PartyKind
from ippledge.cli import app
from ippledge.db import make_engine, make_session_factory

runner = CliRunner()


@pytest.mark.parametrize(
    ("number", "code", "shown"),
    [
        ("ZL201310699744.2", 0, "ZL2013106997442"),
        ("zl 2013 1069 9744 2", 0, "ZL2013106997442"),
        ("201710601862", 0, "201710601862.3"),
        ("95115608", 0, "95115608.X"),
        ("91350100M000100Y43", 0, "91350100M000100Y43"),
        ("ZL2013106997443", 1, "expected '2'"),
        ("91110000600037341X", 1, "id.uscc.checksum"),
        ("CN203606972A", 1, "id.publication_number"),
    ],
)
def test_ids_check(number: str, code: int, shown: str) -> None:
    result = runner.invoke(app, ["ids", "check", number])
    assert result.exit_code == code, result.output
    assert shown in result.output


def test_db_upgrade_and_audit_verify_detects_tampering(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    engine = make_engine(url)
    with make_session_factory(engine).begin() as s:
        for i in range(3):
            service.create_party(s, "test", PartyKind.BANK, f"银行{i}")
    ok = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert ok.exit_code == 0 and "3 records" in ok.output

    with engine.begin() as conn:  # someone edits a record straight in the database
        conn.execute(text("UPDATE audit_record SET actor = 'user:999' WHERE seq = 2"))
    bad = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert bad.exit_code == 1
    assert "#2 [audit.altered]" in bad.output


def test_audit_verify_detects_reordering(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner.invoke(app, ["db", "upgrade", "--database-url", url])
    engine = make_engine(url)
    with make_session_factory(engine).begin() as s:
        for i in range(3):
            service.create_party(s, "test", PartyKind.BANK, f"银行{i}")
    with engine.begin() as conn:  # swap the sequence numbers of records 1 and 2
        conn.execute(text("UPDATE audit_record SET seq = -1 WHERE seq = 1"))
        conn.execute(text("UPDATE audit_record SET seq = 1 WHERE seq = 2"))
        conn.execute(text("UPDATE audit_record SET seq = 2 WHERE seq = -1"))
    bad = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert bad.exit_code == 1
    assert "audit.broken_link" in bad.output or "audit.altered" in bad.output


def test_the_database_option_keeps_the_other_settings_from_the_environment(monkeypatch) -> None:
    """``IPPLEDGE_TOKEN_TTL_MINUTES`` was ignored whenever a database URL was given (flag or environment)."""
    from ippledge.cmd.options import settings_for

    monkeypatch.setenv("IPPLEDGE_TOKEN_TTL_MINUTES", "15")
    settings = settings_for("sqlite:///elsewhere.db")
    assert settings.database_url == "sqlite:///elsewhere.db" and settings.token_ttl_minutes == 15
