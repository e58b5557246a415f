"""Demand commands (融资需求命令): ``ippledge demand import FILE`` (a survey, with a progress bar and the bad lines)
and ``ippledge demand funnel --from D --to D --by bank``. Exit 0 on success, 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ippledge.cmd.options import DbUrl, fail, parse_date, session_scope
from ippledge.kernel.errors import IppledgeError

demand_app = typer.Typer(no_args_is_help=True, help="Demand database (融资需求库) and the conversion funnel")


@demand_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="survey CSV (UTF-8) or .xlsx")],
    database_url: DbUrl = None,
) -> None:
    """Load a survey (需求调查): good lines become demands; each bad line is printed with its reason."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress

    from ippledge.access.model import PartyKind, Principal, Role
    from ippledge.demand import service

    who = Principal(0, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="cli survey")
    content = file.read_bytes()
    try:
        with (
            session_scope(database_url) as session,
            Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn()) as bar,
        ):
            task = bar.add_task("导入 importing", total=None)
            batch = service.import_survey(session, who, file.name, content, advance=lambda n: bar.advance(task, n))
            session.commit()
            summary = (batch.id, batch.total, batch.loaded, batch.rejected, json.loads(batch.errors))
    except IppledgeError as exc:
        raise fail(exc) from None
    bid, total, loaded, rejected, problems = summary
    typer.echo(f"import {bid}: {total} lines, {loaded} loaded, {rejected} rejected")
    for p in problems:
        typer.echo(f"  line {p['line']} [{p['code']}] {p['field']}: {p['message_zh']} / {p['message_en']}")


@demand_app.command("funnel")
def funnel(
    start: Annotated[str, typer.Option("--from", help="first push date, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last push date, YYYY-MM-DD")],
    by: Annotated[str, typer.Option("--by", help="list | bank | branch | period | event")] = "bank",
    database_url: DbUrl = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The conversion funnel (转化漏斗) pushed → contacted → applied → approved → lent."""
    from ippledge.demand import queries
    from ippledge.demand.model import STAGES, GroupBy

    try:
        group = GroupBy(by)
    except ValueError:
        typer.echo(f"错误 error: --by 应为 {' | '.join(GroupBy)} / --by is one of {', '.join(GroupBy)}: {by!r}")
        raise typer.Exit(2) from None
    try:
        with session_scope(database_url) as session:
            rows = queries.funnel(session, None, parse_date(start), parse_date(end), group)
    except IppledgeError as exc:
        raise fail(exc) from None
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{by:<16}" + "".join(f"{s:>11}" for s in STAGES) + f"{'lent (CNY)':>16}")
    for r in rows:
        typer.echo(f"{r['key']:<16}" + "".join(f"{r['counts'][s]:>11}" for s in STAGES) + f"{r['lent_amount']:>16}")
