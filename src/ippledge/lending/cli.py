"""Loan commands (贷款命令): ``ippledge loan schedule`` prints a repayment schedule as a table or JSON;
``ippledge loan provisions`` the loan-loss provisions; ``ippledge loan servicing`` a loan's extensions (展期) and
repricings (重定价)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated, Any

import typer

from ippledge.cmd.options import DbUrl, business_day, session_scope
from ippledge.kernel.errors import IppledgeError
from ippledge.lending.errors import DATE, PRINCIPAL

loan_app = typer.Typer(no_args_is_help=True, help="Loans (贷款)")


def fail(exc: IppledgeError) -> typer.Exit:
    """Print a refusal with its code and both messages; the command ends with exit code 2."""
    typer.echo(f"错误 error [{exc.code}]: {exc.message_zh} / {exc.message_en}", err=True)
    return typer.Exit(2)


def _principal(text: str) -> Decimal:
    from ippledge.kernel.money import money

    value = money(text)
    if value <= 0:
        raise PRINCIPAL(principal=text)
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DATE(text=repr(text)) from None


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
    from ippledge.lending.model.interest import parse_rate
    from ippledge.lending.model.schedule import RepaymentMethod, build_schedule

    try:
        plan = build_schedule(
            _principal(principal),
            parse_rate(annual_rate),
            months,
            _date(start),
            RepaymentMethod.parse(method),
            shift_to_working_day=shift_to_working_day,
        )
    except IppledgeError as exc:
        raise fail(exc) from None
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


@loan_app.command("provisions")
def provisions_report(
    bank: Annotated[int | None, typer.Option("--bank", help="one bank's party id (default: every bank)")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: the books as they stand after the last close)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable JSON with decimal strings")] = False,
    database_url: DbUrl = None,
) -> None:
    """Loan-loss provisions (贷款损失准备) by grade, NPL ratio, 拨备覆盖率, 贷款拨备率; exit 2 on bad input."""
    from rich.console import Console

    from ippledge.access.model import SYSTEM
    from ippledge.lending.provisioning.queries import report

    try:
        day = _date(as_of) if as_of else None
        with session_scope(database_url) as session:
            out = report(session, SYSTEM, business_day(None), bank_id=bank, as_of=day)
    except IppledgeError as exc:
        raise fail(exc) from None
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    print_provisions(Console(), out)


@loan_app.command("servicing")
def servicing(
    loan_id: Annotated[
        int | None, typer.Option("--loan-id", help="one loan (default: every loan with a change)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable JSON")] = False,
    database_url: DbUrl = None,
) -> None:
    """Loans' extensions (展期), floating-rate repricings (重定价), early recall (提前收回) and renewal (续贷); exit 2
    for an unknown loan."""
    from ippledge.access.model import SYSTEM
    from ippledge.lending import service
    from ippledge.lending.queries import serviced_loan_ids

    out: list[dict[str, Any]] = []
    try:
        with session_scope(database_url) as session:
            ids = [loan_id] if loan_id is not None else serviced_loan_ids(session)
            for lid in ids:
                loan = service.visible_loan(session, SYSTEM, lid)
                renewal = service.renewal_of(session, loan.id)
                out.append(
                    {
                        "loan_id": loan.id,
                        "maturity_date": str(loan.maturity_date),
                        "annual_rate": f"{loan.annual_rate:.6f}",
                        "recalled_on": loan.recalled_on.isoformat() if loan.recalled_on else None,
                        "renewal": None
                        if renewal is None
                        else {
                            "kind": renewal.kind,
                            "on": renewal.on.isoformat(),
                            "old_loan_id": renewal.old_loan_id,
                            "new_loan_id": renewal.new_loan_id,
                            "amount": str(renewal.amount),
                            "pledge_change_filings": json.loads(renewal.filing_ids),
                            "risk_sharing": json.loads(renewal.scheme_carry) if renewal.scheme_carry else None,
                        },
                        "extensions": [
                            {
                                "seq": e.seq,
                                "status": e.status,
                                "applied_on": e.applied_on.isoformat(),
                                "months": e.months,
                                "from_maturity": e.from_maturity.isoformat(),
                                "to_maturity": e.to_maturity.isoformat() if e.to_maturity else None,
                                "pledge_change_filings": json.loads(e.filing_ids),
                                "reason": e.reason,
                            }
                            for e in service.extensions_of(session, loan.id)
                        ],
                        "repricings": [
                            {
                                "on": c.on.isoformat(),
                                "lpr_date": c.lpr_date.isoformat(),
                                "lpr_bp": c.lpr_bp,
                                "spread_bp": c.spread_bp,
                                "from_rate": f"{c.from_rate:.6f}",
                                "to_rate": f"{c.to_rate:.6f}",
                                "from_period": c.from_period,
                            }
                            for c in service.rate_changes(session, loan.id)
                        ],
                    }
                )
    except IppledgeError as exc:
        raise fail(exc) from None
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    typer.echo(f"展期与重定价 servicing changes: {len(out)} loans")
    for row in out:
        typer.echo(
            f"贷款 loan {row['loan_id']}: 到期日 maturity {row['maturity_date']}, 利率 rate {row['annual_rate']}"
        )
        for e in row["extensions"]:
            typer.echo(f"  展期 extension #{e['seq']} on {e['applied_on']}: {e['from_maturity']} -> {e['to_maturity']}")
        for c in row["repricings"]:
            typer.echo(f"  重定价 repriced {c['on']}: LPR {c['lpr_bp']}bp + {c['spread_bp']}bp -> {c['to_rate']}")


def print_provisions(console: object, out: dict[str, object]) -> None:
    """The report as rich tables: per grade for the whole scope, then one line of ratios per bank."""
    from decimal import Decimal

    from rich.console import Console
    from rich.table import Table

    from ippledge.kernel.money import format_cn

    assert isinstance(console, Console)
    banks = out["banks"]
    assert isinstance(banks, list)
    whole = banks[0] if len(banks) == 1 else out["total"]
    assert isinstance(whole, dict)
    title = banks[0]["bank"] if len(banks) == 1 else f"{len(banks)} 家银行 banks"
    when = out["as_of"] or f"{out['policy_date']} 日终后 after the close"
    t = Table(title=f"贷款损失准备 loan-loss provisions — {title}, {when}")
    for col in ("分类 grade", "笔数 loans", "余额 outstanding", "比例 rate", "应计提 required", "已计提 held"):
        t.add_column(col, justify="left" if col.startswith("分类") else "right")

    def pct(text: object) -> str:
        return "—" if text is None else f"{Decimal(str(text)) * 100:.2f}%"

    for g in whole["grades"]:
        t.add_row(
            f"{g['grade_zh']} {g['grade']}",
            str(g["loans"]),
            format_cn(Decimal(g["outstanding"])),
            pct(g["rate"]),
            format_cn(Decimal(g["required_allowance"])),
            format_cn(Decimal(g["held_allowance"])),
        )
    tot = whole["totals"]
    t.add_row(
        "合计 total",
        str(tot["loans"]),
        format_cn(Decimal(tot["outstanding"])),
        "",
        format_cn(Decimal(tot["required_allowance"])),
        format_cn(Decimal(tot["held_allowance"])),
    )
    console.print(t)
    r = Table(title="监管指标 regulatory ratios")
    for col in ("银行 bank", "不良率 NPL", "拨备覆盖率 coverage", "贷款拨备率 provision ratio"):
        r.add_column(col, justify="left" if col.startswith("银行") else "right")

    def flag(value: object, floor: object, breach: object) -> str:
        text = f"{pct(value)} (≥{pct(floor)})"
        return f"[red]{text} 未达标 breach[/red]" if breach else text

    rows = [*banks, {"bank": "合计 total", **out["total"]}] if len(banks) > 1 else banks  # type: ignore[dict-item]
    for b in rows:
        q = b["ratios"]
        r.add_row(
            str(b["bank"]),
            pct(q["npl_ratio"]),
            flag(q["provision_coverage"], q["provision_coverage_min"], q["provision_coverage_breach"]),
            flag(q["loan_provision_ratio"], q["loan_provision_ratio_min"], q["loan_provision_ratio_breach"]),
        )
    console.print(r)
