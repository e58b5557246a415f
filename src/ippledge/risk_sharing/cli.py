"""Risk-sharing commands (风险分担命令): ``ippledge risk schemes | split | simulate``; bad input exits 2."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ippledge.cmd.options import DbUrl, fail
from ippledge.kernel.errors import ErrorCode, IppledgeError
from ippledge.risk_sharing import errors

if TYPE_CHECKING:
    from ippledge.risk_sharing.simulation.simulate import Case

risk_app = typer.Typer(no_args_is_help=True, help="Risk sharing and compensation (风险分担与补偿)")


def _check(ok: bool, error: ErrorCode, **details: Any) -> None:
    if not ok:
        raise error(**details)


def _probability(value: float, error: ErrorCode, *, upper_open: bool = False) -> None:
    ok = math.isfinite(value) and value >= 0.0 and (value < 1.0 if upper_open else value <= 1.0)
    _check(ok, error, value=value)


@risk_app.command("schemes")
def schemes(as_json: Annotated[bool, typer.Option("--json", help="the full scheme documents")] = False) -> None:
    """List the preset schemes (预置方案) and their versions."""
    from ippledge.risk_sharing.schemes.documents import to_dict
    from ippledge.risk_sharing.schemes.presets import presets

    if as_json:
        typer.echo(json.dumps([to_dict(s) for s in presets()], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="风险分担方案 risk-sharing schemes")
    for col in ("code", "version", "from", "名称", "shares by tier"):
        table.add_column(col)
    for s in presets():
        tiers = " | ".join(", ".join(f"{p}:{bp / 100:g}%" for p, bp in t.shares.items() if bp) for t in s.tiers)
        table.add_row(s.code, s.version, s.effective_from.isoformat(), s.name_zh, tiers)
    Console().print(table)


@risk_app.command("split")
def split(
    scheme: Annotated[str, typer.Option(help="preset code, e.g. zhongshan (see `ippledge risk schemes`)")],
    loss: Annotated[str, typer.Option(help="net principal loss in yuan, e.g. 1000000")],
    balance: Annotated[str | None, typer.Option(help="balance at default (picks the tier); default: the loss")] = None,
    interest: Annotated[str, typer.Option(help="lost interest in yuan")] = "0",
    ip_share_bp: Annotated[int | None, typer.Option(help="IP share of collateral in bp (Wuhan)")] = None,
    fund_balance: Annotated[str | None, typer.Option(help="fund balance, for schemes limited to it")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable JSON with decimal strings")] = False,
) -> None:
    """Split a loss among the scheme's parties to the fen (largest remainder), caps applied."""
    from ippledge.kernel.money import format_yuan, money
    from ippledge.risk_sharing.claims.model import preview_split
    from ippledge.risk_sharing.schemes.presets import get_preset

    try:
        s = get_preset(scheme)
        a = preview_split(s, loss, balance, interest, ip_share_bp, fund_balance)
    except IppledgeError as exc:
        raise fail(exc) from None
    if as_json:
        from ippledge.risk_sharing.schemas import SplitOut

        typer.echo(json.dumps(SplitOut.of(s, a).model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{s.name_zh} {s.name_en} v{s.version} — tier {a.tier_index + 1}")
    for col in ("party 参与方", "share 分担", "before caps 上限前", "capped by 上限"):
        table.add_column(col, justify="right" if "share" in col or "before" in col else "left")
    for p, v in a.shares.items():
        table.add_row(
            f"{p.zh} {p.value}", format_yuan(v), format_yuan(a.uncapped[p]), ", ".join(a.capped_by.get(p, ()))
        )
    table.add_row("合计 total", format_yuan(sum(a.shares.values(), money(0))), "", "")
    Console().print(table)


def _print_summary(summary: dict[str, Any], inputs: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{inputs['scheme']} v{inputs['version']}: {inputs['loans']} loans x {inputs['scenarios']} scenarios",
        caption=f"计算 computed on {summary['backend']}",
    )
    for col in ("party 参与方", "EL 预期损失", "99%", "99.9%"):
        table.add_column(col, justify="left" if "party" in col else "right")
    for party, row in summary["parties"].items():
        if row["expected_loss"] or row["q0.999"]:
            table.add_row(party, f"{row['expected_loss']:,.0f}", f"{row['q0.99']:,.0f}", f"{row['q0.999']:,.0f}")
    console = Console()
    console.print(table)
    fund = summary["fund"]
    console.print(
        f"资金池耗尽概率 P(fund dry) = {fund['p_dry']:.4f}  by year {[round(p, 4) for p in fund['p_dry_by_year']]}\n"
        f"所需资金池规模 fund needed for {fund['solvency']:.1%} solvency = {fund['required_fund']:,.0f} CNY"
    )
    rows = summary.get("sensitivity")
    if rows:
        a, b = summary["sensitivity_parties"]
        sens = Table(title=f"敏感性 sensitivity: share moved from {a} to {b}")
        for col in ("shift", f"{a} EL", f"{b} EL", f"{a} 99%", "P(fund dry)", "fund needed"):
            sens.add_column(col, justify="right")
        for r in rows:
            el, q = r["expected_loss"], r["q0.99"]
            sens.add_row(
                f"{r['shift']:+.0%}",
                f"{el[a]:,.0f}",
                f"{el[b]:,.0f}",
                f"{q[a]:,.0f}",
                f"{r['p_fund_dry']:.4f}",
                f"{r['required_fund']:,.0f}",
            )
        console.print(sens)


@risk_app.command("simulate")
def simulate_cmd(
    rho: Annotated[float, typer.Option(help="asset correlation, e.g. 0.15")],
    lgd: Annotated[float, typer.Option(help="mean loss given default, e.g. 0.6")],
    scenarios: Annotated[int, typer.Option(help="Monte Carlo scenarios")],
    seed: Annotated[int, typer.Option(help="random seed; the result reproduces from it")],
    loans: Annotated[int | None, typer.Option(help="number of equal loans (not with --portfolio)")] = None,
    pd: Annotated[float | None, typer.Option(help="annual probability of default, e.g. 0.02")] = None,
    scheme: Annotated[str, typer.Option(help="preset code")] = "zhongshan",
    exposure: Annotated[float, typer.Option(help="balance per loan at default, CNY")] = 1_000_000.0,
    years: Annotated[int, typer.Option(help="horizon in years (fund balance carried over)")] = 1,
    fund: Annotated[float | None, typer.Option(help="fund balance at start, CNY (default: by scheme leverage)")] = None,
    contribution: Annotated[float, typer.Option(help="yearly top-up of the fund, CNY")] = 0.0,
    workers: Annotated[int, typer.Option(help="threads")] = 2,
    dask: Annotated[
        str | None, typer.Option("--dask", help="run on Dask: 'local:N' (LocalCluster of N workers) or an address")
    ] = None,
    device: Annotated[
        str, typer.Option(help="auto (a CUDA GPU when PyTorch sees one), cpu (NumPy), cuda, cuda:N or torch-cpu")
    ] = "auto",
    sensitivity: Annotated[
        str | None,
        typer.Option(help="FROM:TO, e.g. fund:bank: re-run with -10..+10 points of share moved from one to the other"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable JSON")] = False,
    portfolio: Annotated[
        bool, typer.Option("--portfolio", help="the live enrolled book of --scheme in the database")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="with --portfolio: the scheme version in force on this date")
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Monte Carlo of a homogeneous book (or with ``--portfolio`` the live enrolled book) under a scheme: each party's
    EL, 99% and 99.9% loss, fund sustainability, and with ``--sensitivity`` the effect of the share ratios."""
    try:
        device = _device(device, dask is not None)
        pair = _pair(sensitivity)
        _probability(lgd, errors.CLI_LGD)
        _probability(rho, errors.CLI_RHO, upper_open=True)
        _check(scenarios >= 1 and workers >= 1, errors.CLI_COUNTS)
        if portfolio:
            case = _book_case(scheme, rho, lgd, scenarios, seed, as_of, database_url, device)
        else:
            case = _homogeneous_case(
                scheme, loans, pd, rho, lgd, exposure, scenarios, seed, years, fund, contribution, workers, device
            )
        if pair is not None:
            case.check_parties(*pair)  # before any work
    except IppledgeError as exc:
        raise fail(exc) from None
    client = None
    mapper = None
    if dask:
        from ippledge.analytics.cluster import connect, dask_tasks, local_client

        client = local_client(int(dask.split(":", 1)[1] or 2)) if dask.startswith("local:") else connect(dask)
        mapper = dask_tasks(client)
    try:
        runs = 1 + (0 if pair is None else 5)
        if as_json:
            result, rows = case.run(mapper=mapper), (case.sensitivity(*pair) if pair else None)
        else:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("模拟 simulating", total=scenarios * runs)

                def step(n: int) -> None:
                    bar.advance(task, n)

                result = case.run(step, mapper)
                rows = case.sensitivity(*pair, progress=step) if pair else None
    finally:
        if client is not None:
            client.close()
    summary = result.summary()
    if rows is not None and pair is not None:
        summary["sensitivity_parties"], summary["sensitivity"] = list(pair), rows
    if as_json:
        typer.echo(json.dumps({"inputs": case.inputs, **summary}, indent=2))
    else:
        _print_summary(summary, case.inputs)


def _pair(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    a, sep, b = text.partition(":")
    ok = bool(sep and a and b)
    _check(ok, errors.CLI_SENSITIVITY, given=text)
    return a, b


def _homogeneous_case(
    scheme: str,
    loans: int | None,
    pd: float | None,
    rho: float,
    lgd: float,
    exposure: float,
    scenarios: int,
    seed: int,
    years: int,
    fund: float | None,
    contribution: float,
    workers: int,
    device: str,
) -> Case:
    from ippledge.risk_sharing.schemes.presets import get_preset
    from ippledge.risk_sharing.simulation.simulate import homogeneous_case

    _check(loans is not None and pd is not None, errors.CLI_HOMOGENEOUS)
    assert loans is not None and pd is not None
    s = get_preset(scheme)
    _check(loans >= 1 and years >= 1, errors.CLI_COUNTS)
    _probability(pd, errors.CLI_PD)
    _check(math.isfinite(exposure) and exposure > 0, errors.CLI_EXPOSURE, exposure=exposure)
    _check(fund is None or fund >= 0, errors.CLI_FUND, fund=fund)
    return homogeneous_case(
        s,
        loans=loans,
        pd=pd,
        rho=rho,
        lgd=lgd,
        exposure=exposure,
        scenarios=scenarios,
        seed=seed,
        years=years,
        fund=fund,
        contribution=contribution,
        workers=workers,
        device=device,
    )


def _device(device: str, on_cluster: bool) -> str:
    """The compute device, checked before any work: a cluster runs the NumPy path; a GPU must be there."""
    from ippledge.analytics.backend import resolve

    if on_cluster:
        _check(device in ("auto", "cpu"), errors.CLI_DEVICE, reason="a Dask cluster runs on the CPU")
        return "cpu"
    try:
        resolve(device)
    except ValueError as exc:
        raise errors.CLI_DEVICE(reason=str(exc)) from None
    return device


def _book_case(
    scheme: str,
    rho: float,
    lgd: float,
    scenarios: int,
    seed: int,
    as_of: str | None,
    database_url: str | None,
    device: str,
) -> Case:
    import datetime as dt

    from ippledge.cmd.options import business_day, session_scope
    from ippledge.risk_sharing.simulation.book import book_case

    try:
        day = dt.date.fromisoformat(as_of) if as_of else business_day(None)
    except ValueError:
        raise errors.CLI_AS_OF(as_of=as_of) from None
    with session_scope(database_url) as session:
        case = book_case(session, scheme, rho=rho, lgd=lgd, scenarios=scenarios, seed=seed, as_of=day, device=device)
    _check(case.inputs["loans"] > 0, errors.CLI_EMPTY_BOOK, scheme=scheme)
    return case
