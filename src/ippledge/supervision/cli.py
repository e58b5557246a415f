"""Supervision commands (监管统计命令): ``ippledge supervise stats`` and ``ippledge supervise rank``.

The platform's own view (every bank, named); a table for people, ``--json`` (the API's body) for machines; exit 2 on
bad input with the reason in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ippledge.cmd.options import DbUrl, business_day, fail, parse_date, session_factory
from ippledge.kernel.errors import IppledgeError
from ippledge.supervision import errors, model, queries
from ippledge.supervision.queries import Statistics

if TYPE_CHECKING:  # the schemas are imported when a command runs, not when the CLI starts
    from ippledge.supervision.schemas import OutcomesOut

supervise_app = typer.Typer(no_args_is_help=True, help="Supervision statistics and rankings (监管统计与排名)")

Start = Annotated[str, typer.Option("--start", help="first day of the period, YYYY-MM-DD")]
End = Annotated[str, typer.Option("--end", help="last day of the period, YYYY-MM-DD")]
KnownOn = Annotated[
    str | None, typer.Option("--as-of", help="overall NPL ratios as recorded on this date (default: the newest)")
]
Json = Annotated[bool, typer.Option("--json", help="print the API's JSON body")]


def _args(start: str, end: str, as_of: str | None) -> tuple[model.Period, dt.date | None]:
    period = model.Period(parse_date(start, "--start"), parse_date(end, "--end"))
    known = None if as_of is None else parse_date(as_of, "--as-of")
    today = business_day(None)
    if known is not None and known > today:
        raise errors.AS_OF_FUTURE(as_of=known.isoformat(), today=today.isoformat())
    return period, known


def _pct(x: Decimal | None) -> str:
    return "—" if x is None else f"{x * 100:.2f}%"


def _wan(x: Decimal | None) -> str:
    return "—" if x is None else f"{x / 10_000:,.2f}"


def _flag(ok: bool | None) -> str:
    return "—" if ok is None else ("✓" if ok else "✗")


def bank_table(stats: Statistics) -> Table:
    """The supervision table by bank (amounts in 万元): 累放 and growth against the target, balance and NPL against
    the tolerance, 首贷户 and the inclusive share; a total line; the registration series stated beside, never added."""
    p = stats.period
    t = Table(title=f"监管统计 supervision {p.start} – {p.end} (万元 10k CNY)")
    for head in (
        "银行 bank",
        "累放 disbursed",
        "笔数 loans",
        f"同比 YoY (≥{model.GROWTH_TARGET * 100:.0f}%)",
        "余额 balance",
        "不良率 NPL",
        f"全行 overall (+{model.NPL_TOLERANCE * 100:.0f}pp)",
        "首贷户 first",
        "普惠 inclusive",
        "利差 spread bp",
    ):
        bank = head.startswith("银行")
        t.add_column(head, justify="left" if bank else "right", no_wrap=bank, min_width=12 if bank else None)
    for b in stats.banks:
        c = b.loans
        t.add_row(
            b.name,
            _wan(c.disbursed),
            f"{c.disbursed_count:,}",
            f"{_pct(b.growth.rate)} {_flag(b.growth.meets_target)}",
            _wan(c.balance),
            _pct(b.npl.ip_ratio),
            f"{_pct(b.npl.overall_ratio)} {_flag(b.npl.within)}",
            f"{c.first_time_borrowers:,}",
            _pct(c.inclusive_share),
            "—" if c.average_spread_bp is None else f"{c.average_spread_bp}",
        )
    c = stats.loan_total
    t.add_section()
    t.add_row(
        "合计 total",
        _wan(c.disbursed),
        f"{c.disbursed_count:,}",
        "",
        _wan(c.balance),
        _pct(c.npl_ratio),
        "",
        f"{c.first_time_borrowers:,}",
        _pct(c.inclusive_share),
        "—" if c.average_spread_bp is None else f"{c.average_spread_bp}",
    )
    r = stats.registration_total
    t.caption = (
        f"质押登记（知识产权局口径）pledge registrations, the IP office's series: {r.registrations:,}, "
        f"{_wan(r.registered_amount)} 万元 — a separate basis, not added to loans"
    )
    return t


@supervise_app.command("stats")
def stats(
    start: Start,
    end: End,
    by: Annotated[
        list[str] | None, typer.Option("--by", help="bank, district, month, product, ip_kind, firm_size")
    ] = None,
    as_of: KnownOn = None,
    json_out: Json = False,
    xlsx: Annotated[str | None, typer.Option("--xlsx", help="also write the Excel workbook to this file")] = None,
    database_url: DbUrl = None,
) -> None:
    """The regulator's statistics of a period: 累放, growth against 20%, balance, NPL against the overall ratio + 3 pp,
    首贷户, inclusive share, rate spread over the LPR, subsidies, pools; pledge registrations as their own series."""
    from ippledge.supervision.schemas import statistics_out

    try:
        period, known = _args(start, end, as_of)
        dims = model.dimensions(by or [])
        with session_factory(database_url) as factory, factory() as session:  # read only
            result = queries.statistics(session, None, period, dims, known)
    except IppledgeError as exc:
        raise fail(exc) from None
    if xlsx:
        from pathlib import Path

        from ippledge.supervision.workbook import xlsx_bytes

        Path(xlsx).write_bytes(xlsx_bytes(statistics_out(result)))
    if json_out:
        typer.echo(statistics_out(result).model_dump_json(indent=2))
        return
    console = Console()
    console.print(bank_table(result))
    if dims:
        cube = Table(title=f"按 by {', '.join(d.value for d in dims)} (万元 10k CNY)")
        for d in dims:
            cube.add_column(d.value)
        for head in ("累放 disbursed", "笔数 loans", "首贷户 first", "余额 balance", "不良率 NPL"):
            cube.add_column(head, justify="right")
        for cell in result.loans:
            cube.add_row(
                *cell.key,
                _wan(cell.disbursed),
                f"{cell.disbursed_count:,}",
                f"{cell.first_time_borrowers:,}",
                _wan(cell.balance),
                _pct(cell.npl_ratio),
            )
        console.print(cube)
    if result.pools:
        pools = Table(title=f"风险补偿资金池 pools at {result.period.end}")
        for head in (
            "scheme",
            "余额 balance 万元",
            "在保贷款 covered 万元",
            "放大倍数 leverage",
            "补贴 subsidies 万元",
        ):
            pools.add_column(head, justify="right")
        for pl in result.pools:
            pools.add_row(
                pl.scheme_code,
                _wan(pl.balance),
                _wan(pl.enrolled_outstanding),
                "—" if pl.leverage is None else f"{pl.leverage}×",
                _wan(pl.subsidies_paid),
            )
        console.print(pools)
    console.print(outcome_table(statistics_out(result).outcomes, result.period.start, result.period.end))


def outcome_table(o: OutcomesOut, start: dt.date, end: dt.date) -> Table:
    """The outcomes as the workbook's outcomes sheet has them (the same rows, so the two cannot drift)."""
    from ippledge.supervision.workbook import OUTCOME_ROWS

    t = Table(title=f"成效 outcomes {start} – {end}")
    for head in ("板块 section", "指标 metric"):
        t.add_column(head)
    t.add_column("数值 value", justify="right")
    t.add_column("单位 unit")
    for section, metric, unit, _, get in OUTCOME_ROWS:
        value = get(o)
        t.add_row(section, metric, "—" if value is None else _shown(value, unit), unit)
    return t


def _shown(value: object, unit: str) -> str:
    if unit.startswith("%"):
        return f"{Decimal(str(value)) * 100:.2f}%"
    if unit.startswith("元"):
        return f"{Decimal(str(value)):,.2f}"
    return str(value)


@supervise_app.command("rank")
def rank(
    start: Start,
    end: End,
    rule: Annotated[str, typer.Option("--rule", help="ranking rule code")] = "growth_within_tolerance",
    as_of: KnownOn = None,
    json_out: Json = False,
    database_url: DbUrl = None,
) -> None:
    """Banks ranked by a rule (data), equal values sharing a rank; the unranked with their reasons."""
    from ippledge.supervision.schemas import ranking_out

    try:
        period, known = _args(start, end, as_of)
        with session_factory(database_url) as factory, factory() as session:  # read only
            chosen, rows, names = queries.ranking(session, None, period, rule, known)
    except IppledgeError as exc:
        raise fail(exc) from None
    if json_out:
        typer.echo(ranking_out(period, known, chosen, rows, names).model_dump_json(indent=2))
        return
    t = Table(title=f"银行排名 ranking: {chosen.name_zh} / {chosen.name_en} ({chosen.code} v{chosen.version})")
    for head in ("名次 rank", "银行 bank", "指标 value", "奖励 tier", "不良率 NPL", "全行 overall", "原因 reasons"):
        t.add_column(head)
    for r in rows:
        value = "—" if r.value is None else (_pct(r.value) if chosen.metric is model.Metric.GROWTH else _wan(r.value))
        t.add_row(
            "—" if r.rank is None else str(r.rank),
            names.get(r.bank_id, str(r.bank_id)),
            value,
            "" if r.tier is None else r.tier.name_zh,
            _pct(r.figures.npl.ip_ratio),
            _pct(r.figures.npl.overall_ratio),
            ", ".join(r.reasons),
        )
    Console().print(t)


@supervise_app.command("kpi")
def kpi(
    start: Start,
    end: End,
    code: Annotated[str, typer.Option("--code", help="KPI scheme code")] = "ip_financing",
    by_team: Annotated[bool, typer.Option("--by-team", help="score each team of a branch")] = False,
    as_of: KnownOn = None,
    json_out: Json = False,
    database_url: DbUrl = None,
) -> None:
    """Branch KPIs (网点考核): every bank unit (or team) scored on IP financing as a separate item, under the version of
    the scheme in force on the period's first day."""
    from ippledge.supervision.schemas import kpi_out

    try:
        period, known = _args(start, end, as_of)
        with session_factory(database_url) as factory, factory() as session:  # read only
            report = queries.kpi_report(session, None, period, code, by_team, known)
    except IppledgeError as exc:
        raise fail(exc) from None
    body = kpi_out(report)
    if json_out:
        typer.echo(body.model_dump_json(indent=2))
        return
    t = Table(title=f"网点考核 branch KPIs: {body.name_zh} / {body.name_en} (v{body.version}), {p_text(period)}")
    metrics = [i.metric for i in body.scores[0].items] if body.scores else []
    for head in ("银行 bank", "机构 branch", "类型 type", "团队 team", *metrics, "得分 total"):
        t.add_column(head, justify="left" if head[0] in "银机类团" else "right")
    for s in sorted(body.scores, key=lambda x: (-x.total, x.bank_id, x.branch_id, x.team)):
        t.add_row(
            s.bank,
            s.branch,
            s.branch_type,
            s.team,
            *[f"{i.points}/{i.max_points}" for i in s.items],
            f"{s.total}/{s.max_total}",
        )
    Console().print(t)


def p_text(period: model.Period) -> str:
    return f"{period.start} – {period.end}"


def report(
    name: Annotated[str, typer.Argument(help="statistics, rankings, kpi, market")],
    period: Annotated[str, typer.Option("--period", help="2022, 2022-H1, 2022-Q3, 2022-09 or 2022-01-01..2022-09-30")],
    as_of: KnownOn = None,
    by: Annotated[list[str] | None, typer.Option("--by", help="statistics: dimensions")] = None,
    rule: Annotated[str, typer.Option("--rule", help="rankings, market: ranking rule")] = "growth_within_tolerance",
    code: Annotated[str, typer.Option("--code", help="kpi: scheme code")] = "ip_financing",
    by_team: Annotated[bool, typer.Option("--by-team", help="kpi: score each team")] = False,
    bank: Annotated[int | None, typer.Option("--bank", help="market: the bank whose view to show")] = None,
    xlsx: Annotated[str | None, typer.Option("--xlsx", help="write the Excel workbook to this file")] = None,
    csv_file: Annotated[str | None, typer.Option("--csv", help="write the report's table as CSV to this file")] = None,
    database_url: DbUrl = None,
) -> None:
    """监管报表: any report of the supervision API by name, for a period, as it stood on ``--as-of``; prints the API's
    JSON body, and writes the workbook and/or the CSV table. Bad input exits 2 with a catalogued, bilingual reason."""
    from pathlib import Path

    from ippledge.supervision import reports

    try:
        rep = reports.report(name)
        chosen = reports.parse_period(period)
        _, known = _args(chosen.start.isoformat(), chosen.end.isoformat(), as_of)
        options = reports.Options(model.dimensions(by or []), rule, code, by_team, bank)
        with session_factory(database_url) as factory, factory() as session:  # read only
            body = rep.body(session, chosen, known, options)
    except IppledgeError as exc:
        raise fail(exc) from None
    if xlsx:
        Path(xlsx).write_bytes(reports.xlsx(rep, body))
    if csv_file:
        Path(csv_file).write_text(reports.csv_text(rep.table(body)), encoding="utf-8-sig")
    typer.echo(body.model_dump_json(indent=2))
