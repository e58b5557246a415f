"""Register commands (登记簿命令): ``ippledge registry load-events FILE [--format csv|jsonl]`` and ``age``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ippledge.cmd.options import AsOf, DbUrl, business_day, session_scope

registry_app = typer.Typer(no_args_is_help=True, help="Register (登记簿)")


@registry_app.command("load-events")
def load_events(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or JSONL legal-status feed")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv | jsonl (default: from the file name)")] = None,
    as_of: AsOf = None,
    database_url: DbUrl = None,
) -> None:
    """Load a bulk legal-status feed (批量导入); prints the counts and every rejected line; exit 1 if any."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from ippledge.access.model import PartyKind, Principal, Role
    from ippledge.registry.feed import ingest_feed

    chosen = fmt or ("jsonl" if file.suffix.lower() in (".jsonl", ".ndjson") else "csv")
    day = business_day(as_of)
    # The command runs on the registry's own machine: it acts as the registry's system feed.
    feed_principal = Principal(0, PartyKind.REGISTRY, frozenset({Role.REGISTRY_OFFICER}), name="cli feed")
    with Progress(
        "[progress.description]{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn()
    ) as bar:
        task = bar.add_task("读取 reading", total=file.stat().st_size)
        with session_scope(database_url) as session, file.open("rb") as stream:
            report = ingest_feed(
                session, feed_principal, stream, chosen, file.name, day, on_bytes=lambda n: bar.advance(task, n)
            )
    for e in report.errors:
        typer.echo(f"line {e.line} [{e.code}] {e.number or ''} {e.message_zh} / {e.message_en}", err=True)
    typer.echo(
        f"batch {report.batch_id}: {report.total} rows, {report.loaded} loaded, {report.duplicates} duplicates, "
        f"{report.rejected} rejected, {report.status_changes} status changes; sha256 {report.sha256}"
    )
    raise typer.Exit(1 if report.rejected else 0)


@registry_app.command("age")
def age(as_of: AsOf = None, database_url: DbUrl = None) -> None:
    """Age the register to the business date (登记簿老化): annuity lapses and expiries become events."""
    from ippledge.access.model import PartyKind, Principal, Role
    from ippledge.registry.ageing import age_register

    day = business_day(as_of)
    system = Principal(0, PartyKind.REGISTRY, frozenset({Role.REGISTRY_OFFICER}), name="cli ageing")
    with session_scope(database_url) as session:
        report = age_register(session, system, day)
    counts = ", ".join(f"{k} {len(v)}" for k, v in sorted(report.aged.items())) or "nothing due"
    typer.echo(f"aged the register to {day}: {report.total} events ({counts})")
