"""``ippledge valuers league [--json]`` (评估机构排行榜): each valuer's reports against the model, and its flags."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

import typer

from ippledge.cmd.options import AsOf, DbUrl, business_day, session_scope

valuers_app = typer.Typer(no_args_is_help=True, help="Valuer governance (评估机构监督)")


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "—"
    return f"{x:.0%}" if pct else f"{x:+.3f}"


@valuers_app.command("league")
def league(
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    database_url: DbUrl = None,
) -> None:
    """The valuer league table: reports, deviation and bias against the model P50, outside-range share, flagged."""
    from rich.console import Console
    from rich.table import Table

    from ippledge.valuation.governance import queries as governance
    from ippledge.valuation.governance.model import Thresholds

    day = business_day(as_of)
    with session_scope(database_url) as session:
        rows = governance.league(session, day)
        names = governance.party_names(session, [r.valuer_id for r in rows])
    if as_json:
        doc: dict[str, Any] = {
            "as_of": day.isoformat(),
            "thresholds": Thresholds().to_dict(),
            "valuers": [{**asdict(r), "name": names.get(r.valuer_id)} for r in rows],
        }
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"评估机构排行榜 valuer league table, as of {day} ({Thresholds().version})")
    heads: tuple[str, ...] = ("valuer", "reports", "median |log dev|", "mean |log dev|", "bias", "outside")
    heads = (*heads, "vs realised", "realised/appraised", "flags")
    for h in (*heads, "flagged"):
        table.add_column(h, justify="left" if h == "valuer" else "right")
    for r in rows:
        table.add_row(
            f"{r.valuer_id} {names.get(r.valuer_id, '')}",
            str(r.reports),
            _fmt(r.median_abs_log_dev).lstrip("+"),
            _fmt(r.mean_abs_log_dev).lstrip("+"),
            _fmt(r.bias),
            _fmt(r.outside_share, pct=True),
            _fmt(r.realised_median_abs_log_dev).lstrip("+"),
            "-" if r.realised_over_appraised is None else f"{r.realised_over_appraised:.2f} ({r.realised_reports})",
            str(r.flags),
            "FLAGGED " + ",".join(r.reasons) if r.flagged else "",
        )
    Console(width=max(Console().width, 160)).print(table)
