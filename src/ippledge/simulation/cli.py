"""``ippledge simulate`` (生成模拟市场): upgrade the schema, generate a market, load it, print a summary.

Only typer, the standard library and the shared CLI options are imported at module level, so ``ippledge --help``
stays fast.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ippledge.cmd.options import DbUrl


def simulate(
    scale: Annotated[str, typer.Option("--scale", help="small (demo, seconds) | beijing (3.8m assets)")] = "small",
    seed: Annotated[int, typer.Option("--seed", help="random seed: same seed, same market")] = 1,
    database_url: DbUrl = None,
    append: Annotated[bool, typer.Option("--append", help="load although the database already has data")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="market date YYYY-MM-DD (default: today)")] = None,
) -> None:
    """Generate a simulated market (模拟市场) and load it into the database."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from ippledge.cmd.options import engine_for
    from ippledge.kernel.errors import IppledgeError
    from ippledge.migrations.tools import upgrade
    from ippledge.simulation.accounts import DEMO_PASSWORD
    from ippledge.simulation.generate import generate
    from ippledge.simulation.load import load
    from ippledge.simulation.spec import preset

    console = Console()
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()  # the edge chooses "today"
    except ValueError:
        console.print(f"[red]--as-of 日期无效 invalid date: {as_of}[/red]")
        raise typer.Exit(2) from None
    try:
        spec = preset(scale, as_of=day)
        engine = engine_for(database_url)
        upgrade(engine)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            started = time.perf_counter()
            market = generate(spec, seed, progress)
            generated = time.perf_counter() - started
            summary = load(engine, market, append=append, progress=progress)
    except IppledgeError as err:
        console.print(f"[red]{err.message_zh}[/red]\n{err.message_en} ({err.code})")
        raise typer.Exit(1) from None

    table = Table(title=f"模拟市场 simulated market: {spec.name}, seed {seed}, as of {day}")
    table.add_column("表 table")
    table.add_column("行 rows", justify="right")
    for name, count in summary.counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    assets = Table(title="资产 assets (subtype/status)")
    assets.add_column("subtype/status")
    assets.add_column("count", justify="right")
    for key, count in market.counts().items():
        if "/" in key:
            assets.add_row(key, f"{count:,}")
    console.print(assets)
    console.print(
        f"generated in {generated:.1f} s, loaded in {summary.seconds:.1f} s ({summary.backend}); "
        f"demo users such as bank1.officer / bank1.approver, password '{DEMO_PASSWORD}' (demo only)"
    )


def simulate_history(
    seed: Annotated[int, typer.Option("--seed", help="random seed: same seed, same book")] = 1,
    json_out: Annotated[bool, typer.Option("--json", help="print the figures as JSON")] = False,
) -> None:
    """Simulate Beijing 2019-2022 (模拟北京 2019-2022) and print each article figure beside the simulated one and its
    tolerance; exit 1 when a simulated figure falls outside its tolerance."""
    import json

    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from ippledge.simulation.history import figures, load_params
    from ippledge.simulation.history import simulate as run

    console = Console()
    params = load_params()
    with Progress(console=console, transient=True) as progress:
        book = run(params, seed, progress)
    figs = figures(book)
    if json_out:
        rows = [
            {
                "figure": f.target.name,
                "article": f.target.article,
                "simulated": f.simulated,
                "low": f.target.low,
                "high": f.target.high,
                "unit": f.target.unit,
                "within": f.within,
            }
            for f in figs
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"模拟北京 2019–2022 simulated Beijing, seed {seed}: {len(book.loans):,} loans")
        for head in ("指标 figure", "文章 article", "模拟 simulated", "容差 tolerance", ""):
            table.add_column(head, overflow="fold")
        for f in figs:
            table.add_row(
                f.target.name,
                f.target.article,
                _show(f.simulated, f.target.unit),
                f"{_show(f.target.low, f.target.unit)} – {_show(f.target.high, f.target.unit)}",
                "✓" if f.within else "✗",
            )
        console.print(table)
    if not all(f.within for f in figs):
        raise typer.Exit(1)


def _show(value: float, unit: str) -> str:
    if unit == "yuan":
        return f"{value / 1e8:,.2f}亿"
    if unit == "ratio":
        return f"{value:.3f}×"
    return f"{value:,.0f}"
