"""Monitoring commands (贷后监测命令): ``ippledge monitor run --date D``, ``ippledge monitor watch`` and
``ippledge monitor actions`` (贷后措施: 代缴年费 and the rest, with their time limits and escalation).

``run`` monitors a closed business date (the close does it after every date; this catches up a missed one); ``watch``
lists the watch list (关注名单) with each entry's state and owner. Exit 0 on success, 2 on bad input.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ippledge.cmd.options import DbUrl, fail, parse_date, session_scope
from ippledge.kernel.errors import IppledgeError

monitor_app = typer.Typer(no_args_is_help=True, help="Post-loan monitoring (贷后监测) and the watch list (关注名单)")


@monitor_app.command("run")
def run(
    date: Annotated[str, typer.Option("--date", help="closed business date to monitor, YYYY-MM-DD")],
    database_url: DbUrl = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the reports as JSON")] = False,
) -> None:
    """Monitor a closed date (missed dates first): legal events, annuities, terms, revaluation, borrower signals."""
    from ippledge.monitoring.service import run_through

    day = parse_date(date)
    try:
        with session_scope(database_url) as session:
            reports = [r.to_dict() for r in run_through(session, day)]
    except IppledgeError as exc:
        raise fail(exc) from None
    if as_json:
        typer.echo(json.dumps(reports, ensure_ascii=False, indent=2))
        return
    for r in reports:
        done = " (已监测 already run)" if r["already_run"] else ""
        findings = ", ".join(f"{k} {v}" for k, v in r["by_finding"].items()) or "-"
        typer.echo(
            f"{r['date']}: 贷款 loans {r['loans']}, 预警 alerts {r['alerts']} ({findings}), "
            f"列入关注 watch opened {r['watch_opened']}, 重估 revalued {r['revalued']}{done}"
        )


@monitor_app.command("watch")
def watch(
    database_url: DbUrl = None,
    state: Annotated[str | None, typer.Option("--state", help="open, acting, cured, escalated or closed")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the entries as JSON")] = False,
) -> None:
    """List the watch list (关注名单) of every bank: loan, rule, state, owner, opened."""
    from ippledge.access.model import PartyKind, Principal, Role
    from ippledge.monitoring.queries import watch_list

    operator = Principal(0, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="cli:monitor")
    with session_scope(database_url) as session:
        rows = watch_list(session, operator, state)
    out = [
        {
            "id": v.id,
            "loan_id": v.loan_id,
            "bank_id": v.bank_id,
            "rule": v.rule,
            "state": v.state,
            "owner": v.owner,
            "opened_on": v.opened_on.isoformat(),
            "steps": len(v.history),
            "reason": v.reason,
        }
        for v in rows
    ]
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    typer.echo(f"关注名单 watch list: {len(out)}")
    for e in out:
        typer.echo(
            f"#{e['id']} loan {e['loan_id']} bank {e['bank_id']} {e['rule']} {e['state']} "
            f"owner={e['owner'] or '-'} since {e['opened_on']}: {e['reason']}"
        )


@monitor_app.command("actions")
def list_actions(
    database_url: DbUrl = None,
    state: Annotated[str | None, typer.Option("--state", help="proposed, requested, filed, done or rejected")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the actions as JSON")] = False,
) -> None:
    """List every bank's post-loan actions (贷后措施): loan, kind, state, time limit, escalation, what was done."""
    from ippledge.access.model import PartyKind, Principal, Role
    from ippledge.monitoring.queries import actions

    operator = Principal(0, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="cli:monitor")
    with session_scope(database_url) as session:
        rows = actions(session, operator, state=state)
    out = [
        {
            "id": a.id,
            "loan_id": a.loan_id,
            "bank_id": a.bank_id,
            "kind": a.kind,
            "state": a.state,
            "proposed_on": a.proposed_on.isoformat(),
            "act_by": a.act_by.isoformat(),
            "escalated_on": a.escalated_on.isoformat() if a.escalated_on else None,
            "decided_on": a.decided_on.isoformat() if a.decided_on else None,
            "details": a.details,
        }
        for a in rows
    ]
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    typer.echo(f"贷后措施 post-loan actions: {len(out)}")
    for a in out:
        late = f" escalated {a['escalated_on']}" if a["escalated_on"] else ""
        typer.echo(f"#{a['id']} loan {a['loan_id']} {a['kind']} {a['state']} act by {a['act_by']}{late}")
