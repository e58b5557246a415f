"""``ippledge value NUMBER`` / ``--all`` / ``--pledged`` (模型估值命令): score, explanation, value range, collateral."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from ippledge.cmd.options import AsOf, DbUrl, business_day, session_scope


def _view(mv: Any) -> dict[str, Any]:
    from ippledge.kernel.money import format_yuan, from_fen

    def yuan(fen: int | None) -> str | None:
        return None if fen is None else format_yuan(from_fen(fen))

    return {
        "ip_asset_id": mv.ip_asset_id,
        "as_of": mv.as_of.isoformat(),
        "model_version": mv.model_version,
        "seed": mv.seed,
        "score": round(mv.score, 2),
        "dimensions": {"legal": mv.legal_score, "technical": mv.technical_score, "economic": mv.economic_score},
        "value": {"p10": yuan(mv.value_p10_fen), "p50": yuan(mv.value_p50_fen), "p90": yuan(mv.value_p90_fen)},
        "collateral_value": yuan(mv.collateral_value_fen),
        "market_value": yuan(mv.market_value_fen),
        "cost_value": yuan(mv.cost_value_fen),
        "explanation": json.loads(mv.explanation),
        "assumptions": json.loads(mv.assumptions),
    }


def _print(view: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    ex = view["explanation"]
    console.print(f"IP #{view['ip_asset_id']} 估值基准日 as of {view['as_of']}  model {view['model_version']}")
    console.print(f"评分 score: [bold]{view['score']:.1f}[/bold] / 100 ({ex['family']})")
    dims = Table(title="维度 dimensions")
    for col in ("dimension", "score", "weight", "contribution"):
        dims.add_column(col, justify="right" if col != "dimension" else "left")
    for key, d in ex["dimensions"].items():
        score = "—" if d["score"] is None else f"{d['score']:.1f}"
        dims.add_row(f"{d['name_zh']} {key}", score, f"{d['weight']:.2f}", f"{d['contribution']:.2f}")
    console.print(dims)
    ind = Table(title="指标 indicators (contributions add up to the score)")
    for col in ("indicator", "raw", "normalised", "weight", "contribution"):
        ind.add_column(col, justify="right" if col != "indicator" else "left")
    for i in ex["indicators"]:
        if i["missing"]:
            ind.add_row(f"{i['name_zh']} {i['key']}", "missing 缺失", "—", "0", "0")
            continue
        raw = "—" if i["raw"] is None else f"{i['raw']:.3g}"
        ind.add_row(
            f"{i['name_zh']} {i['key']}",
            raw,
            f"{i['normalised']:.3f}",
            f"{i['weight']:.3f}",
            f"{i['contribution']:.2f}",
        )
    console.print(ind)
    v = view["value"]
    console.print(f"价值 value P10 {v['p10']}  P50 [bold]{v['p50']}[/bold]  P90 {v['p90']}")
    console.print(f"抵押价值 collateral value (forced sale): [bold]{view['collateral_value']}[/bold]")
    console.print(f"市场法 market: {view['market_value'] or 'n/a (no comparables)'}; 成本法 cost: {view['cost_value']}")


def _dask_client(spec: str) -> Any:
    from ippledge.analytics.cluster import connect, local_client

    if spec.startswith("local:"):
        return local_client(workers=int(spec.split(":", 1)[1] or 2))
    return connect(spec)


def value(
    number: Annotated[str | None, typer.Argument(help="patent / trademark / copyright number")] = None,
    all_: Annotated[bool, typer.Option("--all", help="value every IP on the register (batch)")] = False,
    pledged: Annotated[
        bool, typer.Option("--pledged", help="revalue every IP under a pledge in force; record value and LTV")
    ] = False,
    as_of: AsOf = None,
    seed: Annotated[int, typer.Option("--seed", help="Monte Carlo seed: same seed, same range")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="with --all: run on Dask — 'local:N' starts a LocalCluster of N workers, else a scheduler address",
        ),
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Model valuation (模型估值) of one IP, or of the whole register with ``--all``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ippledge.kernel.errors import IppledgeError
    from ippledge.valuation.engine import service as engine_service

    if (number is not None) + all_ + pledged != 1:
        typer.echo("give one of NUMBER, --all or --pledged", err=True)
        raise typer.Exit(2)
    day = business_day(as_of)
    try:
        with session_scope(database_url) as session:
            if pledged:
                from ippledge.valuation.revaluation import revalue_pledged

                done = revalue_pledged(session, day, seed)
                doc = done.to_dict()
                text = f"revalued {done.assets} IP under {done.pledges} pledges; LTV breaches: {len(done.breaches)}"
                typer.echo(json.dumps(doc, ensure_ascii=False) if as_json else text)
                return
            if all_:
                client = _dask_client(dask) if dask else None
                mapper = None
                if client is not None:
                    from ippledge.analytics.cluster import dask_mapper

                    mapper = dask_mapper(client)
                cols = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
                try:
                    with Progress(*cols) as bar:
                        task = bar.add_task("估值 valuing", total=None)
                        summary = engine_service.value_all(
                            session,
                            day,
                            seed,
                            progress=lambda done, total: bar.update(task, completed=done, total=total),
                            mapper=mapper,
                        )
                finally:
                    if client is not None:
                        client.close()
                result = {"valued": summary.valued, "errors": summary.errors, "model_version": summary.model_version}
                typer.echo(json.dumps(result, ensure_ascii=False) if as_json else f"valued {summary.valued} IP")
                return
            assert number is not None
            view = _view(engine_service.value_one(session, number, day, seed))
    except IppledgeError as err:
        typer.echo(f"{err.message_zh} / {err.message_en} ({err.code})", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False, indent=2))
    else:
        _print(view)
