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


@app.callback()
def _wire(ctx: typer.Context) -> None:
    """ippledge — 知识产权质押融资平台"""
    if ctx.meta.get(_HELP):
        return  # help reads no data: it needs no rules, and stays quick without importing every capability
    from ippledge.bootstrap import wire

    wire()  # the composition root: every command starts with every rule registered


def _add_capability_commands() -> None:
    from ippledge.delivery.cli import events_app
    from ippledge.ledger.cli import ledger_app
    from ippledge.lending.cli import loan_app
    from ippledge.lending.close.cli import close
    from ippledge.registry.cli import registry_app
    from ippledge.risk_sharing.cli import risk_app
    from ippledge.valuation.cli import value
    from ippledge.valuation.governance.cli import valuers_app

    app.add_typer(registry_app, name="registry")
    app.add_typer(ledger_app, name="ledger")
    app.add_typer(loan_app, name="loan")
    app.command("close")(close)
    app.command("value")(value)
    app.add_typer(risk_app, name="risk")
    app.add_typer(valuers_app, name="valuers")
    app.add_typer(events_app, name="events")


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
) -> None:
    """Serve the API (OpenAPI page at /docs)."""
    import uvicorn

    from ippledge.app import create_app

    uvicorn.run(create_app(settings_for(database_url)), host=host, port=port)


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
    from ippledge.web.deps import business_date

    url = run_demo(business_date(), seed=seed, year_days=days).url  # the edge picks "today"
    if serve_api:
        import uvicorn

        from ippledge.app import create_app

        typer.echo(f"API: http://{host}:{port}/docs  (Ctrl-C to stop)")
        uvicorn.run(create_app(_demo_settings(url)), host=host, port=port, log_level="warning")


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
