"""Disposal commands (押品处置命令): ``ippledge disposal plan | rules``; bad input exits 2."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ippledge.disposal import model
from ippledge.kernel.errors import IppledgeError

disposal_app = typer.Typer(no_args_is_help=True, help="Disposal of collateral (押品处置)")


def _fail(exc: IppledgeError) -> typer.Exit:
    known = exc.details.get("known")
    hint = f" (known: {', '.join(known)})" if isinstance(known, list) else ""
    typer.echo(f"错误 error [{exc.code}]: {exc.message_zh} / {exc.message_en}{hint}", err=True)
    return typer.Exit(2)


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
        raise _fail(exc) from None
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
