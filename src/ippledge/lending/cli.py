"""Loan commands (贷款命令): ``ippledge loan schedule`` prints a repayment schedule as a table or JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from ippledge.kernel.errors import ValidationError

loan_app = typer.Typer(no_args_is_help=True, help="Loans (贷款)")


def _fail(exc: ValidationError) -> typer.Exit:
    typer.echo(f"错误 error [{exc.code}]: {exc.message_zh} / {exc.message_en}", err=True)
    return typer.Exit(2)


def _principal(text: str):  # type: ignore[no-untyped-def]
    from ippledge.kernel.money import money

    value = money(text)
    if value <= 0:
        raise ValidationError(
            f"本金必须大于零：{text}", f"principal must be positive: {text}", code="lending.principal"
        )
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"日期格式应为 YYYY-MM-DD：{text!r}", f"date must be YYYY-MM-DD: {text!r}", code="lending.date"
        ) from None


@loan_app.command("schedule")
def schedule(
    principal: Annotated[str, typer.Option(help="loan amount in yuan, e.g. 1000000 or 1,000,000.00")],
    annual_rate: Annotated[str, typer.Option(help="annual rate: 4.9% or 0.049")],
    months: Annotated[int, typer.Option(help="term in months")],
    method: Annotated[str, typer.Option(help="equal-installment | equal-principal | interest-first | bullet")],
    start: Annotated[str, typer.Option(help="disbursement date YYYY-MM-DD")],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable JSON with decimal strings")] = False,
    shift_to_working_day: Annotated[
        bool, typer.Option("--shift-to-working-day", help="move due dates on rest days to the next working day")
    ] = False,
) -> None:
    """Print the repayment schedule (还款计划) of a loan; exit 2 on bad input."""
    from ippledge.lending.interest import parse_rate
    from ippledge.lending.schedule import RepaymentMethod, build_schedule

    try:
        plan = build_schedule(
            _principal(principal),
            parse_rate(annual_rate),
            months,
            _date(start),
            RepaymentMethod.parse(method),
            shift_to_working_day=shift_to_working_day,
        )
    except ValidationError as exc:
        raise _fail(exc) from None
    if as_json:
        doc = {
            "method": plan.method.value,
            "principal": str(plan.principal),
            "annual_rate": str(plan.annual_rate),
            "months": plan.months,
            "start": plan.start.isoformat(),
            "payment": None if plan.payment is None else str(plan.payment),
            "instalments": [
                {
                    "period": i.period,
                    "due_date": i.due_date.isoformat(),
                    "payment": str(i.payment),
                    "principal": str(i.principal),
                    "interest": str(i.interest),
                    "remaining": str(i.remaining),
                }
                for i in plan.instalments
            ],
            "totals": {
                "payment": str(plan.total_payment),
                "principal": str(plan.total_principal),
                "interest": str(plan.total_interest),
            },
        }
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    rate = f"{plan.annual_rate * 100:f}".rstrip("0").rstrip(".")
    table = Table(title=f"{plan.method.zh} {plan.method.value} · {plan.principal:,} 元 · {rate}% · {plan.months} 月")
    for col in ("期数 period", "还款日 due", "月供 payment", "本金 principal", "利息 interest", "剩余本金 remaining"):
        table.add_column(col, justify="right")
    for i in plan.instalments:
        table.add_row(
            str(i.period),
            i.due_date.isoformat(),
            f"{i.payment:,}",
            f"{i.principal:,}",
            f"{i.interest:,}",
            f"{i.remaining:,}",
        )
    table.add_section()
    table.add_row(
        "合计 total", "", f"{plan.total_payment:,}", f"{plan.total_principal:,}", f"{plan.total_interest:,}", ""
    )
    Console(width=120).print(table)
