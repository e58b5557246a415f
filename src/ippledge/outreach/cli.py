"""Event commands (对接活动命令): ``ippledge outreach events`` (every event with places and attendance) and
``ippledge outreach follow-ups EVENT_ID --date D`` (the invited banks' follow-up tasks for the attending firms).
Exit 0 on success, 2 on bad input."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated

import typer

from ippledge.cmd.options import DbUrl, fail, parse_date, session_scope
from ippledge.kernel.errors import IppledgeError

outreach_app = typer.Typer(no_args_is_help=True, help="Events: training, roadshows, park campaigns (对接活动)")


@outreach_app.command("events")
def events(database_url: DbUrl = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every event, latest first, with sign-ups, places left and attendance."""
    from ippledge.outreach import queries

    with session_scope(database_url) as session:
        rows = queries.events(session)
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False, default=str, indent=2))
        return
    for r in rows:
        typer.echo(
            f"{r.id:>5}  {r.held_on}  {r.kind_zh:<6} signed {r.signed_up:>4}/{r.capacity:<4} came {r.attended:>4}"
            f"  banks {len(r.bank_ids):>2}  {r.title}"
        )


@outreach_app.command("follow-ups")
def follow_ups(
    event_id: Annotated[int, typer.Argument(min=1, help="the event")],
    date: Annotated[str, typer.Option("--date", help="business date, YYYY-MM-DD (on or after the event)")],
    first_contact_days: Annotated[int, typer.Option(min=1, max=60)] = 10,
    next_step_days: Annotated[int, typer.Option(min=1, max=60)] = 20,
    database_url: DbUrl = None,
) -> None:
    """Open each invited bank's follow-up tasks for the firms that attended (once per event)."""
    from ippledge.access.model import PartyKind, Principal, Role
    from ippledge.outreach import service
    from ippledge.whitelist.model import TimeLimits

    who = Principal(0, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="cli outreach")
    try:
        with session_scope(database_url) as session:
            opened = service.open_follow_ups(
                session, who, event_id, parse_date(date), TimeLimits(first_contact_days, next_step_days)
            )
            session.commit()
    except IppledgeError as exc:
        raise fail(exc) from None
    for push_id, bank_id, firms in opened:
        typer.echo(f"bank {bank_id}: push {push_id}, {firms} firms to follow up")
