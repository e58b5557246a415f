"""``ippledge liquidity [--as-of] [--json]`` (变现能力校准): the sell-through and forced-sale discount the engine
uses, by IP kind and IPC class, as realised disposals calibrated them (the prior where too few ended)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ippledge.cmd.options import AsOf, DbUrl, business_day, session_scope


def liquidity(
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    database_url: DbUrl = None,
) -> None:
    """The liquidity calibration: per kind and field, sell-through, discount, recovery and where each came from."""
    from ippledge.valuation.outcomes import queries as outcomes

    day = business_day(as_of)
    with session_scope(database_url) as session:
        cal = outcomes.calibration(session, day)
    cells = [c.to_dict() for _, c in sorted(cal.cells.items())]
    if as_json:
        typer.echo(json.dumps({"as_of": day.isoformat(), "params": cal.params.to_dict(), "cells": cells}, indent=2))
        return
    p = cal.params
    typer.echo(
        f"变现能力校准 liquidity calibration, as of {day} ({p.version}): prior sell-through {p.prior_sell_through}, "
        f"discount {p.prior_discount}, weight {p.weight}, at least {p.min_lots} lots / {p.min_sold} sales"
    )
    if not cells:
        typer.echo("  no disposal has ended: every kind takes the prior")
    for c in cells:
        where = f"{c['kind']}/{c['field']}" if c["field"] else str(c["kind"])
        typer.echo(
            f"  {where:<16} lots {c['lots']:>4}, sold {c['sold']:>4}: sell-through {c['sell_through']:.3f} "
            f"({c['sell_through_from']}), discount {c['forced_sale_discount']:.3f} ({c['discount_from']}), "
            f"recovery {c['recovery_factor']:.3f}"
        )
