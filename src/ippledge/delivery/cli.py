"""Event relay commands (事件投递命令): ``ippledge events deliver | status``; bad input exits 2.

``events deliver --loop`` is the relay a deployment runs as a service (one or more; on PostgreSQL several share the
work safely): it fans out committed outbox events, gives each its feed position and sends the webhooks that are due.
"""

from __future__ import annotations

import json
import signal
import time
from typing import Annotated, Any

import typer

from ippledge.cmd.options import DbUrl, fail, session_factory
from ippledge.delivery import errors
from ippledge.kernel.errors import ErrorCode, IppledgeError

events_app = typer.Typer(no_args_is_help=True, help="Event delivery: webhooks and the outbox relay (事件投递)")


def _check(ok: bool, refusal: ErrorCode) -> None:
    if not ok:
        raise fail(refusal())


def _stop(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # systemd's SIGTERM ends the loop like Ctrl-C; an unfinished send is retried later


@events_app.command("deliver")
def deliver(
    once: Annotated[bool, typer.Option("--once", help="one pass, then exit (the default)")] = False,
    loop: Annotated[bool, typer.Option("--loop", help="poll until interrupted")] = False,
    batch: Annotated[int, typer.Option("--batch", help="deliveries claimed at a time (1-1000)")] = 50,
    interval: Annotated[float, typer.Option("--interval", help="seconds between polls with --loop")] = 5.0,
    timeout: Annotated[float, typer.Option("--timeout", help="seconds a receiver has to answer")] = 10.0,
    networks: Annotated[
        str | None,
        typer.Option(
            "--networks",
            envvar="IPPLEDGE_WEBHOOK_NETWORKS",
            help="comma-separated CIDRs webhooks may reach, and 'public' for any global address "
            "(default: global addresses only; private, loopback, link-local, CGNAT, multicast... are refused)",
        ),
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Fan out committed events and send the webhooks that are due (事件投递)."""
    from ippledge.config import Settings
    from ippledge.db import utcnow
    from ippledge.delivery.model import TargetPolicy
    from ippledge.delivery.sealing import sealer_for
    from ippledge.delivery.service import Sending, run_pass
    from ippledge.delivery.transport import WebhookClient

    _check(not (once and loop), errors.CLI_MODE)
    _check(1 <= batch <= 1000, errors.CLI_BATCH)
    _check(0.1 <= interval <= 3600, errors.CLI_INTERVAL)
    _check(0.1 <= timeout <= 120, errors.CLI_TIMEOUT)
    try:
        targets = TargetPolicy.parse(networks)
        sealer = sealer_for(Settings.from_env().secret_key)  # the key the API sealed the secrets with
    except IppledgeError as exc:
        raise fail(exc) from None
    how = Sending(batch=batch, timeout=timeout, clock=utcnow, sealer=sealer)
    if loop:
        signal.signal(signal.SIGTERM, _stop)
    try:
        with session_factory(database_url) as factory, WebhookClient(targets) as client:
            while True:
                report = run_pass(factory, utcnow(), client, how)
                d, s = report.dispatched, report.delivered
                if not loop or d.events or s.claimed:
                    typer.echo(
                        f"派发 dispatched {d.events} events -> {d.deliveries} deliveries; "
                        f"已投递 delivered {s.delivered}, 重试 retry {s.retry}, 失败 dead {s.dead}"
                        + (f", stale {s.stale}" if s.stale else "")
                    )
                if not loop:
                    return
                time.sleep(interval)
    except KeyboardInterrupt:
        typer.echo("已停止 stopped")


@events_app.command("new-key")
def new_key() -> None:
    """Print a fresh key for IPPLEDGE_SECRET_KEY (it seals webhook signing secrets; keep it out of the database)."""
    from ippledge.delivery.sealing import new_key as make_key

    typer.echo(make_key())


@events_app.command("reseal")
def reseal(database_url: DbUrl = None) -> None:
    """Seal every webhook secret again under the first key of IPPLEDGE_SECRET_KEY (after a key change: put the new
    key first, ``reseal``, then drop the old key)."""
    from ippledge.config import Settings
    from ippledge.db import unit_of_work
    from ippledge.delivery.sealing import UnsealError, sealer_for
    from ippledge.delivery.service import reseal as reseal_all

    try:
        sealer = sealer_for(Settings.from_env().secret_key)
    except IppledgeError as exc:
        raise fail(exc) from None
    with session_factory(database_url) as factory:
        try:
            with unit_of_work(factory) as session:
                n = reseal_all(session, sealer)
        except UnsealError as exc:
            typer.echo(f"错误 error: {exc}; nothing was changed", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"已重新加密 resealed {n} subscriptions")


@events_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    database_url: DbUrl = None,
) -> None:
    """Deliveries by state, the backlog's age and the dead deliveries (投递状态)."""
    from ippledge.db import utcnow
    from ippledge.delivery.service import status as delivery_status

    with session_factory(database_url) as factory, factory() as session:
        st: dict[str, Any] = delivery_status(session, utcnow())
    if as_json:
        typer.echo(json.dumps(st, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    t = Table(title="事件投递 event delivery", show_header=False)
    t.add_column("item")
    t.add_column("value", justify="right")
    for name, n in st["deliveries"].items():
        t.add_row(f"deliveries {name}", str(n))
    t.add_row("未派发事件 undispatched events", str(st["undispatched_events"]))
    for key, label in (
        ("oldest_undispatched_age_s", "最久未派发 oldest undispatched"),
        ("oldest_undelivered_age_s", "最久未投递 oldest undelivered"),
    ):
        t.add_row(label, "-" if st[key] is None else f"{st[key]} s")
    console.print(t)
    dead = st["dead"]
    if dead:
        d = Table(title="投递失败 dead deliveries (POST /webhook-deliveries/{id}/retry)")
        for col in ("delivery", "party", "url", "topic", "event", "attempts", "last error", "dead at"):
            d.add_column(col)
        for x in dead:
            d.add_row(
                str(x["delivery_id"]),
                str(x["party_id"]),
                x["url"],
                x["topic"],
                str(x["event_id"]),
                str(x["attempts"]),
                x["last_error"] or "",
                x["dead_at"] or "",
            )
        console.print(d)
