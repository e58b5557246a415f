"""Command line (命令行): ``ippledge serve | db upgrade | simulate | demo | audit verify | ids check | events``.

Imports are inside commands so that ``ippledge ids check`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from ippledge.cmd.options import DbUrl, engine_for, session_factory, settings_for
from ippledge.simulation import cli as _simulate

if TYPE_CHECKING:
    from ippledge.config import Settings

_HELP = "ippledge.help_requested"


class _Root(TyperGroup):
    """The root command group; notes whether ``--help`` was asked for anywhere on the line, before the callback."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        ctx.meta[_HELP] = any(arg in ctx.help_option_names for arg in args)
        return super().resolve_command(ctx, args)


app = typer.Typer(cls=_Root, no_args_is_help=True, add_completion=False, help="ippledge — 知识产权质押融资平台")
db_app = typer.Typer(no_args_is_help=True, help="Database schema (数据库)")
audit_app = typer.Typer(no_args_is_help=True, help="Audit trail (审计)")
ids_app = typer.Typer(no_args_is_help=True, help="Identifiers (标识号)")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(ids_app, name="ids")
app.command("simulate")(_simulate.simulate)
app.command("simulate-history")(_simulate.simulate_history)


@app.callback()
def _wire(ctx: typer.Context) -> None:
    """ippledge — 知识产权质押融资平台"""
    if ctx.meta.get(_HELP):
        return  # help reads no data: it needs no rules, and stays quick without importing every capability
    from ippledge.bootstrap import wire

    wire()  # the composition root: every command starts with every rule registered


def _add_capability_commands() -> None:
    from ippledge.delivery.cli import events_app
    from ippledge.demand.cli import demand_app
    from ippledge.disposal.cli import disposal_app
    from ippledge.gateway.cli import gateway_app
    from ippledge.ledger.cli import ledger_app
    from ippledge.lending.cli import loan_app
    from ippledge.lending.close.cli import close
    from ippledge.monitoring.cli import monitor_app
    from ippledge.outreach.cli import outreach_app
    from ippledge.policy.cli import policy_app
    from ippledge.registry.cli import registry_app
    from ippledge.risk_sharing.cli import risk_app
    from ippledge.supervision.cli import report, supervise_app
    from ippledge.valuation.cli import value
    from ippledge.valuation.governance.cli import valuers_app
    from ippledge.valuation.outcomes.cli import liquidity
    from ippledge.whitelist.cli import whitelist_app

    app.add_typer(registry_app, name="registry")
    app.add_typer(ledger_app, name="ledger")
    app.add_typer(loan_app, name="loan")
    app.command("close")(close)
    app.command("value")(value)
    app.command("liquidity")(liquidity)
    app.add_typer(risk_app, name="risk")
    app.add_typer(valuers_app, name="valuers")
    app.add_typer(events_app, name="events")
    app.add_typer(supervise_app, name="supervise")
    app.command("report")(report)
    app.add_typer(disposal_app, name="disposal")
    app.add_typer(monitor_app, name="monitor")
    app.add_typer(gateway_app, name="gateway")
    app.add_typer(policy_app, name="policy")
    app.add_typer(demand_app, name="demand")
    app.add_typer(whitelist_app, name="whitelist")
    app.add_typer(outreach_app, name="outreach")


_add_capability_commands()


@db_app.command("upgrade")
def db_upgrade(database_url: DbUrl = None) -> None:
    """Create or migrate the schema to the newest revision."""
    from ippledge.migrations.tools import upgrade

    engine = engine_for(database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    typer.echo(f"schema up to date: {settings_for(database_url).database_url}")


@db_app.command("backup")
def db_backup(
    to: Annotated[str, typer.Option("--to", help="backup file to write")],
    database_url: DbUrl = None,
) -> None:
    """A consistent backup while the server runs (SQLite online backup; PostgreSQL pg_dump)."""
    from pathlib import Path

    from ippledge.cmd import backup

    url = settings_for(database_url).database_url
    target = Path(to)
    if url.startswith("sqlite"):
        backup.backup_sqlite(backup.sqlite_path(url), target)
    else:
        backup.backup_postgres(url, target)
    typer.echo(f"备份完成 backup written: {target} ({target.stat().st_size:,} bytes)")


@db_app.command("restore")
def db_restore(
    from_: Annotated[str, typer.Option("--from", help="backup file to restore")],
    force: Annotated[bool, typer.Option("--force", help="replace an existing SQLite database")] = False,
    database_url: DbUrl = None,
) -> None:
    """Restore a backup (server stopped), then verify the audit chain and the books; exit 1 if either is broken."""
    from pathlib import Path

    from ippledge.access import audit
    from ippledge.cmd import backup
    from ippledge.ledger.queries import check_books

    url = settings_for(database_url).database_url
    if url.startswith("sqlite"):
        backup.restore_sqlite(Path(from_), backup.sqlite_path(url), force)
    else:
        backup.restore_postgres(url, Path(from_))
    with session_factory(database_url) as factory, factory() as session:
        count, problems = audit.verify(session)
        books = check_books(session)
    typer.echo(
        f"恢复完成 restored; audit chain {count} records, {len(problems)} problems; ledger {books.entries:,} entries"
    )
    if problems or not books.ok:
        typer.echo("恢复后的数据未通过校验 the restored database fails its checks", err=True)
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify(database_url: DbUrl = None) -> None:
    """Recompute the hash chain; exit 1 and list every altered, removed or reordered record."""
    from ippledge.access import audit

    with session_factory(database_url) as factory, factory() as session:
        count, problems = audit.verify(session)
    if not problems:
        typer.echo(f"审计链完整 audit chain intact: {count} records")
        return
    for p in problems:
        typer.echo(f"#{p.seq} [{p.code}] {p.message_zh} / {p.message_en}", err=True)
    typer.echo(f"审计链被破坏 audit chain BROKEN: {len(problems)} problem(s) in {count} records", err=True)
    raise typer.Exit(1)


@ids_app.command("check")
def ids_check(number: str) -> None:
    """Recognise an identifier, print it normalised (or why it is invalid); exit 0 if valid, 1 if not."""
    from ippledge.kernel.identifiers.detect import format_recognition, recognise

    result = recognise(number)
    typer.echo(format_recognition(result))
    raise typer.Exit(0 if result.valid else 1)


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: DbUrl = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="server processes (PostgreSQL for more than 1)")] = 1,
    log_format: Annotated[str, typer.Option("--log-format", help="json (for collectors) or text")] = "json",
) -> None:
    """Serve the API (OpenAPI page at /docs; /health liveness, /ready readiness). See docs/operations.md."""
    from ippledge.cmd.serving import serve as run_server

    run_server(host, port, database_url, workers, log_format)


@app.command()
def demo(
    seed: int = 7,
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="serve the API afterwards")] = True,
    host: str = "127.0.0.1",
    port: int = 8000,
    days: Annotated[int, typer.Option("--days", min=0, help="days of lending after the filings (0: none)")] = 365,
) -> None:
    """Fresh SQLite database, simulated market, pledge filings and a year of lending, a summary; then the API."""
    from ippledge.demo.main import run_demo
    from ippledge.kernel.clock import business_date

    url = run_demo(business_date(), seed=seed, year_days=days).url  # the edge picks "today"
    if serve_api:
        import uvicorn

        from ippledge.app import create_app
        from ippledge.simulation.accounts import DEMO_PASSWORD

        typer.echo(f"API: http://{host}:{port}/docs  (Ctrl-C to stop)")
        typer.echo(f"网页工作台 console: http://{host}:{port}/console/  password '{DEMO_PASSWORD}' (demo only)")
        for role, username in _console_users(url):
            typer.echo(f"  {role}: {username}")
        uvicorn.run(create_app(_demo_settings(url)), host=host, port=port, log_level="warning")


def _console_users(url: str) -> list[tuple[str, str]]:
    from ippledge.db import make_engine, make_session_factory
    from ippledge.demo.console_users import console_users

    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return console_users(session)
    finally:
        engine.dispose()


def _demo_settings(url: str) -> Settings:
    """The demo's API gets a webhook-sealing key of its own when the environment has none (production refuses)."""
    import dataclasses

    from ippledge.delivery.sealing import new_key

    settings = settings_for(url)
    if settings.secret_key:
        return settings
    key = new_key()
    typer.echo(f"IPPLEDGE_SECRET_KEY generated for this demo (for `ippledge events deliver`): {key}")
    return dataclasses.replace(settings, secret_key=key)


@app.command("errors")
def errors(
    as_markdown: Annotated[bool, typer.Option("--markdown", help="print the Markdown page docs/errors.md")] = False,
) -> None:
    """The error catalogue (错误目录): every error code with its HTTP status and its Chinese and English message."""
    from ippledge.cmd.error_catalogue import all_codes, markdown

    codes = all_codes()
    if as_markdown:
        typer.echo(markdown(codes), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"错误目录 error catalogue ({len(codes)} codes)")
    for column in ("代码 code", "HTTP", "中文", "English"):
        table.add_column(column, overflow="fold")
    for c in codes:
        table.add_row(c.code, str(c.status), c.zh, c.en)
    Console().print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
