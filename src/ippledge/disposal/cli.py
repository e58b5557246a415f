"""Disposal commands (押品处置命令): ``ippledge disposal plan | rules | simulate | feed-export | feed-import |
listings | outcomes``, and ``offer create | withdraw`` (``offer_cli``); bad input exits 2."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ippledge.cmd.options import DbUrl, fail
from ippledge.disposal import model
from ippledge.disposal.offer_cli import offer_app
from ippledge.kernel.errors import IppledgeError

disposal_app = typer.Typer(no_args_is_help=True, help="Disposal of collateral (押品处置)")
disposal_app.add_typer(offer_app, name="offer")


@disposal_app.command("rules")
def rules() -> None:
    """List the rule sets shipped as data (处置规则)."""
    for name in model.rule_set_names():
        r = model.load_rules(name)
        typer.echo(f"{r.name}  v{r.version}  from {r.effective_from}  {r.title_zh}")


@disposal_app.command("plan")
def plan(
    appraisal: Annotated[str, typer.Option("--appraisal", help="the appraisal of record, yuan")],
    rules_name: Annotated[str | None, typer.Option("--rules", help="rule set name")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
) -> None:
    """Each round's start price, deposit range, increment and notice, then the sale stage and 以物抵债 (处置方案)."""
    try:
        p = model.plan(model.load_rules(rules_name), appraisal)
    except IppledgeError as exc:
        raise fail(exc) from None
    if as_json:
        typer.echo(json.dumps(model.plan_dict(p), ensure_ascii=False, indent=2))
        return
    r = p.rules
    typer.echo(f"处置方案 disposal plan — {r.name} v{r.version}: {r.title_zh}")
    typer.echo(f"评估价 appraisal: {p.appraisal}")
    for x in p.rounds:
        after = "" if x.within_days_of_failure is None else f", within {x.within_days_of_failure} days of the failure"
        typer.echo(
            f"  {x.label_zh} round {x.number}: start {x.start_price}, deposit {x.deposit_min}-{x.deposit_max}, "
            f"increment {x.increment}, notice {x.notice_days} days, bidding >= {x.bidding_hours} h{after}"
        )
    typer.echo(
        f"  延时 extension: a bid in the last {r.extension_window_minutes} min moves the end to "
        f"{r.extension_minutes} min after it"
    )
    if p.sale_price is not None:
        typer.echo(f"  变卖 sale stage: {p.sale_days} days at {p.sale_price}")
    if p.satisfaction_price is not None:
        typer.echo(f"  以物抵债 creditor may take the asset at the reserve {p.satisfaction_price}")
    if r.preemption_at_equal_price:
        typer.echo("  优先购买权 pre-emption holders (co-owners) win at an equal bid")


@disposal_app.command("simulate")
def simulate(
    appraisal: Annotated[str, typer.Option("--appraisal", help="the appraisal of record, yuan")],
    bidders: Annotated[int, typer.Option("--bidders", help="interested bidders per lot")] = 3,
    trials: Annotated[int, typer.Option("--trials", help="simulated lots")] = 20_000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    fmt: Annotated[str, typer.Option("--format", help="english | second_price | first_price | all")] = "all",
    band: Annotated[
        str | None, typer.Option("--band", help="the model's value band P10,P50,P90 (yuan): log-normal values")
    ] = None,
    uniform: Annotated[str | None, typer.Option("--uniform", help="values uniform on LOW,HIGH (yuan)")] = None,
    rules_name: Annotated[str | None, typer.Option("--rules", help="rule set name")] = None,
    start_share: Annotated[str | None, typer.Option("--start-share", help="first start price share, e.g. 0.8")] = None,
    step_down: Annotated[str | None, typer.Option("--step-down", help="re-auction step-down share, e.g. 0.1")] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="new independent bidders each round")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
) -> None:
    """模拟: simulated bidders (independent private values) through the plan's rounds and the sale stage; expected
    revenue, sell-through and days to cash per auction format. Values default to a band around the appraisal."""
    from decimal import Decimal, InvalidOperation

    from rich.progress import Progress

    from ippledge.disposal import errors, simulator

    try:
        value = model.appraisal_amount(appraisal)
        try:
            if uniform is not None:
                low, high = (float(x) for x in uniform.split(","))
                dist = simulator.Values("uniform", low, high)
            else:
                p10, p50, p90 = (
                    (float(x) for x in band.split(","))
                    if band
                    else (0.4 * float(value), float(value), 1.6 * float(value))
                )
                dist = simulator.Values.from_band(p10, p50, p90)
            share = None if start_share is None else Decimal(start_share)
            down = None if step_down is None else Decimal(step_down)
        except (ValueError, InvalidOperation):
            raise errors.SIMULATION(reason="--band, --uniform, --start-share or --step-down") from None
        rules = simulator.scaled_rules(model.load_rules(rules_name), share, down)
        formats = simulator.FORMATS if fmt == "all" else (fmt,)
        runs = []
        with Progress(transient=True) as bar:
            task = bar.add_task("simulating 模拟", total=len(formats))
            for i, f in enumerate(formats):
                runs.append(simulator.simulate_disposal(rules, value, dist, bidders, trials, seed, f, fresh))
                bar.update(task, completed=i + 1)
    except IppledgeError as exc:
        raise fail(exc) from None
    if as_json:
        typer.echo(json.dumps([simulator.run_dict(r) for r in runs], ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"拍卖模拟 auction simulation — {rules.name}: appraisal {value}, {bidders} bidders, "
        f"{trials:,} lots, seed {seed}"
    )
    typer.echo(f"  start prices {', '.join(f'{x:,.2f}' for x in runs[0].start_prices)}; sale {runs[0].sale_price}")
    for r in runs:
        days = "n/a" if r.days_to_cash is None else f"{r.days_to_cash:.1f}"
        typer.echo(
            f"  {r.fmt:<13} revenue {r.revenue.mean:,.0f} ± {1.96 * r.revenue.se:,.0f}, "
            f"sell-through {r.sell_through.mean:.1%}, days to cash {days}, "
            f"sold by round {' / '.join(f'{x:.1%}' for x in r.sold_in_round)}"
        )


@disposal_app.command("feed-export")
def feed_export(
    out: Annotated[str | None, typer.Option("--out", help="write to this file (default: standard output)")] = None,
    database_url: DbUrl = None,
) -> None:
    """联合挂牌: our lots as ippledge.listings-feed/1 lines (signed with IPPLEDGE_FEED_KEY when set)."""
    from pathlib import Path

    from ippledge.cmd.options import session_scope
    from ippledge.disposal import listings

    with session_scope(database_url) as session:
        lines = list(listings.export_feed(session))
    text = "".join(line + "\n" for line in lines)
    if out is None:
        typer.echo(text, nl=False)
    else:
        Path(out).write_text(text, encoding="utf-8")
        typer.echo(f"{len(lines)} listings written to {out} (source {listings.platform_source()})", err=True)


@disposal_app.command("feed-import")
def feed_import(
    file: Annotated[str, typer.Argument(help="an ippledge.listings-feed/1 file from another platform")],
    database_url: DbUrl = None,
) -> None:
    """导入: another platform's listings, read-only with their source; every line checked first, all or none."""
    from pathlib import Path

    from rich.progress import track

    from ippledge.access.model import PartyKind, Principal, Role
    from ippledge.cmd.options import session_scope
    from ippledge.disposal import listings

    # The command runs on the platform's own machine: it acts as the platform operator.
    operator = Principal(0, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="cli feed import")
    try:
        lines = Path(file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"错误 error: cannot read {file}: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        with session_scope(database_url) as session:
            done = listings.import_feed(session, operator, track(lines, description="导入 importing", transient=True))
    except IppledgeError as exc:
        raise fail(exc) from None
    typer.echo(f"imported {done.created} new, {done.updated} updated from {', '.join(done.sources) or 'nothing'}")


@disposal_app.command("listings")
def listings_search(
    ip_kind: Annotated[str | None, typer.Option("--ip-kind")] = None,
    ipc: Annotated[str | None, typer.Option("--ipc", help="IPC prefix, e.g. G06F")] = None,
    region: Annotated[str | None, typer.Option("--region", help="GB/T 2260 prefix, e.g. 32")] = None,
    price_min: Annotated[str | None, typer.Option("--price-min")] = None,
    price_max: Annotated[str | None, typer.Option("--price-max")] = None,
    status: Annotated[str | None, typer.Option("--status")] = None,
    source: Annotated[str | None, typer.Option("--source")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="lot | offer")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    database_url: DbUrl = None,
) -> None:
    """挂牌检索: our lots and offers and imported listings, each with its source."""
    from decimal import Decimal, InvalidOperation

    from ippledge.cmd.options import session_scope
    from ippledge.disposal import listings
    from ippledge.disposal.feed_format import Search

    try:
        low = None if price_min is None else Decimal(price_min)
        high = None if price_max is None else Decimal(price_max)
    except InvalidOperation:
        typer.echo("错误 error: --price-min / --price-max must be amounts", err=True)
        raise typer.Exit(2) from None
    with session_scope(database_url) as session:
        q = Search(ip_kind, ipc, region, low, high, status, source, kind)
        found = listings.search(session, q, listings.MAX_RESULTS)
    if as_json:
        typer.echo(json.dumps([x.doc for x in found], ensure_ascii=False, indent=2))
        return
    for x in found:
        typer.echo(
            f"{x.source}  {x.source_id}  {x.status:<8} {x.price:>16,}  {'/'.join(x.ip_kinds)} {' '.join(x.ipc)} "
            f"{x.region or '-'}  {x.title[:60]}"
        )


@disposal_app.command("outcomes")
def outcomes(
    rules_name: Annotated[
        str | None, typer.Option("--rules", help="rule set whose minimum start share bounds it")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    database_url: DbUrl = None,
) -> None:
    """处置结果: sell-through against the start share of closed auction rounds, by IP kind, and the start share that
    maximises the expected price at the start (never below the rules' minimum)."""
    from ippledge.cmd.options import session_scope
    from ippledge.disposal import learning, queries

    try:
        rules = model.load_rules(rules_name)
        with session_scope(database_url) as session:
            obs = queries.round_outcomes(session)
        rows = learning.summarise(obs, float(rules.start_share_min))
    except IppledgeError as exc:
        raise fail(exc) from None
    if as_json:
        data = [
            {
                "ip_kind": k.ip_kind,
                "rounds": k.rounds,
                "sell_through": round(k.sell_through, 4),
                "mean_price_ratio": None if k.mean_price_ratio is None else round(k.mean_price_ratio, 4),
                "fit": {"a": round(k.fit.a, 4), "b": round(k.fit.b, 4)},
                "suggested_start_share": k.suggested_share,
                "suggested_sell_through": round(k.suggested_sell_through, 4),
            }
            for k in rows
        ]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for k in rows:
        price = "n/a" if k.mean_price_ratio is None else f"{k.mean_price_ratio:.1%}"
        typer.echo(
            f"{k.ip_kind:<10} {k.rounds:>5} rounds, sell-through {k.sell_through:.1%}, price/appraisal {price}; "
            f"suggested start {k.suggested_share:.1%} of the appraisal (sell-through {k.suggested_sell_through:.1%})"
        )
