"""The ledger check proves balance from stored rows; the CLI exits 1 on a tampered entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from ippledge.cli import app
from ippledge.kernel.errors import ValidationError
from ippledge.ledger import check, service
from ippledge.ledger.tables import JournalPosting
from tests.ledger.factories import DAY, accrual, disbursement, parties


def _seed(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    bank, firm = parties(factory)
    with factory.begin() as s:
        entry = service.post(s, "u", disbursement(bank, firm, 1, "1000.00"))
        service.post(s, "u", accrual(bank, 1, "0.14", DAY))
        return bank, firm, entry.id


def test_sound_ledger_passes_with_expectations(session_factory: sessionmaker[Session]) -> None:
    bank, _firm, _ = _seed(session_factory)
    principal = f"P{bank}:loan:1:principal"
    with session_factory() as s:
        report = check.check_ledger(s, {principal: Decimal("1000.00")}, providers={})
        assert report.ok and report.entries == 2 and report.postings == 4 and report.expectations_checked == 1
        wrong = check.check_ledger(s, providers={"lending": lambda _s: {principal: Decimal("999.00")}})
        assert not wrong.ok
        assert [(m.account, m.expected, m.actual, m.source) for m in wrong.mismatches] == [
            (principal, Decimal("999.00"), Decimal("1000.00"), "lending")
        ]

        def broken(_s: Session) -> dict[str, Decimal]:
            raise ValidationError("坏", "broken", code="x.broken")

        failed = check.check_ledger(s, providers={"broken": broken, "ok": lambda _s: {principal: Decimal("1000.00")}})
        assert [f.source for f in failed.provider_failures] == ["broken"] and failed.expectations_checked == 1


def test_registered_providers_run_by_default(session_factory: sessionmaker[Session]) -> None:
    bank, _, _ = _seed(session_factory)
    check.register_expectations("test-loans", lambda _s: {f"P{bank}:loan:1:interest": Decimal("0.15")})
    try:
        with session_factory() as s:
            report = check.check_ledger(s)
        assert [m.source for m in report.mismatches] == ["test-loans"]
    finally:
        check.unregister_expectations("test-loans")


def test_cli_finds_tampered_entry(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    _, _, entry_id = _seed(session_factory)
    url = engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    if engine.dialect.name == "postgresql":
        # the test schema is chosen by search_path; the CLI gets it through the URL's options
        schema = session_factory().connection().exec_driver_sql("select current_schema()").scalar()
        url = f"{url}?options=-csearch_path%3D{schema}"
    ok = runner.invoke(app, ["ledger", "check", "--database-url", url])
    assert ok.exit_code == 0, ok.output
    assert "ledger check passed" in ok.output
    with session_factory.begin() as s:
        first = s.scalars(select(JournalPosting.id).where(JournalPosting.entry_id == entry_id)).first()
        s.execute(
            update(JournalPosting)
            .where(JournalPosting.id == first)
            .values(amount=JournalPosting.amount + Decimal("0.01"))  # one fen, through the Fen column
        )
    bad = runner.invoke(app, ["ledger", "check", "--database-url", url])
    assert bad.exit_code == 1
    assert f"entry #{entry_id} unbalanced by 0.01" in bad.output
    assert "ledger check FAILED" in bad.output


def test_no_entry_may_be_dated_after_the_business_date(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    bank, _firm, _ = _seed(session_factory)
    with session_factory.begin() as s:
        ahead = service.post(s, "u", accrual(bank, 1, "0.14", DAY + dt.timedelta(days=3)))
    with session_factory() as s:
        assert check.check_ledger(s, providers={}).ok  # without a business date nothing is held against it
        on_day = check.check_ledger(s, providers={}, as_of=DAY + dt.timedelta(days=3))
        assert on_day.ok and on_day.future_entries == []
        early = check.check_ledger(s, providers={}, as_of=DAY)
        assert not early.ok and early.problem_count == 1
        assert early.future_entries == [(ahead.id, DAY + dt.timedelta(days=3))]
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        schema = session_factory().connection().exec_driver_sql("select current_schema()").scalar()
        url = f"{url}?options=-csearch_path%3D{schema}"
    runner = CliRunner()
    bad = runner.invoke(app, ["ledger", "check", "--database-url", url, "--as-of", str(DAY)])
    assert bad.exit_code == 1 and f"entry #{ahead.id} dated {DAY + dt.timedelta(days=3)}" in bad.output
    assert runner.invoke(app, ["ledger", "check", "--database-url", url]).exit_code == 0  # default: today in China
