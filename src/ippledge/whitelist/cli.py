"""Whitelist commands (白名单命令): ``ippledge whitelist lists``, ``ippledge whitelist escalate --date D`` (overdue
follow-ups to the regulator) and ``ippledge whitelist reverse-push FILE --bank-id N`` (a bank's USCC file, one code
a line, answered in one batch). Exit 0 on success, 2 on bad input."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer

from ippledge.cmd.options import DbUrl, fail, parse_date, session_scope
from ippledge.kernel.errors import IppledgeError

whitelist_app = typer.Typer(no_args_is_help=True, help="Whitelists and the two-way push (白名单双向推送)")


@whitelist_app.command("lists")
def lists(database_url: DbUrl = None) -> None:
    """Every whitelist with its status and counts."""
    from ippledge.access.model import PartyKind, Principal, Role
    from ippledge.whitelist import queries

    who = Principal(0, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="cli")
    with session_scope(database_url) as session:
        rows = queries.whitelists(session, who)
    for r in rows:
        typer.echo(f"{r.id:>5}  {r.status:<10} {r.valid_from}..{r.valid_to}  considered {r.considered:>6}  {r.name}")


@whitelist_app.command("escalate")
def escalate(
    date: Annotated[str, typer.Option("--date", help="business date, YYYY-MM-DD")], database_url: DbUrl = None
) -> None:
    """Escalate every follow-up past its working-day limit to the regulator (督办)."""
    from ippledge.whitelist import service

    with session_scope(database_url) as session:
        n = service.escalate_overdue(session, "cli:whitelist-escalate", parse_date(date))
        session.commit()
    typer.echo(f"escalated {n} overdue follow-ups")


@whitelist_app.command("reverse-push")
def reverse_push(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="one USCC a line")],
    bank_id: Annotated[int, typer.Option("--bank-id", help="the asking bank's party id")],
    date: Annotated[str, typer.Option("--date", help="as of, YYYY-MM-DD")],
    database_url: DbUrl = None,
) -> None:
    """A bank's batch of USCCs answered in one call (反向推送), as JSON; bad lines are reported with the reason."""
    from ippledge.access import queries as access_queries
    from ippledge.access.model import PartyKind, Principal, Role
    from ippledge.whitelist import service

    lines = file.read_text(encoding="utf-8-sig").splitlines()
    try:
        with session_scope(database_url) as session:
            kind = access_queries.party_kind(session, bank_id)
            if kind is not PartyKind.BANK:
                typer.echo(f"错误 error: {bank_id} 不是银行 / is not a bank", err=True)
                raise typer.Exit(2)
            who = Principal(bank_id, PartyKind.BANK, frozenset({Role.CREDIT_OFFICER}), name="cli reverse push")
            result = service.reverse_push(session, who, lines, parse_date(date))
            session.commit()
    except IppledgeError as exc:
        raise fail(exc) from None
    out = {
        "as_of": str(result.as_of),
        "answers": [dataclasses.asdict(a) for a in result.answers],
        "errors": [dataclasses.asdict(e) for e in result.errors],
    }
    typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
