"""Policy-matching commands (政策匹配命令): ``ippledge policy loan LOAN_ID --as USER`` and ``ippledge policy plan
--as FIRM_USER --amount A --months N --rate R``: every scheme and subsidy, qualifies or fails, the deciding rules and
the estimated saving. Exit 0 on success, 2 on a refusal or bad input."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer

from ippledge.cmd.options import AsOf, AsUser, DbUrl, business_day, fail, principal_named, session_scope
from ippledge.kernel.errors import IppledgeError

policy_app = typer.Typer(no_args_is_help=True, help="Policy matching for firms (政策匹配)")
AsJson = Annotated[bool, typer.Option("--json", help="print the report as JSON")]


def _decimal(text: str, what: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        typer.echo(f"错误 error: {what} 不是数字 is not a number: {text!r}", err=True)
        raise typer.Exit(2) from None


def _show(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for m in report["matches"]:
        verdict = "符合 qualifies" if m["qualifies"] else "不符合 fails"
        why = "; ".join(r["message_en"] for r in m["reasons"]) or "all of " + ", ".join(m["rules_checked"])
        saving = "-" if m["saving"] is None else f"{m['saving']} ({m['saving_basis']})"
        typer.echo(f"{m['kind']:8} {m['code']} v{m['version']}: {verdict} — {why}; saving {saving}")
    typer.echo(f"subsidy saving (qualifying subsidies): {report['subsidy_saving']}")


@policy_app.command("loan")
def loan(
    who: AsUser,
    loan_id: Annotated[int, typer.Argument()],
    database_url: DbUrl = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Policy matches of a contracted loan the user may see."""
    from ippledge.policy import service

    try:
        with session_scope(database_url) as session:
            report = service.for_loan(session, principal_named(session, who), loan_id, business_day(as_of)).to_dict()
    except IppledgeError as exc:
        raise fail(exc) from None
    _show(report, as_json)


@policy_app.command("plan")
def plan(
    who: AsUser,
    amount: Annotated[str, typer.Option("--amount", help="yuan")],
    months: Annotated[int, typer.Option("--months", min=1, max=360)],
    rate: Annotated[str, typer.Option("--rate", help="annual rate as a fraction, 0.04")],
    method: Annotated[str, typer.Option("--method")] = "interest-first",
    other_security: Annotated[
        str, typer.Option("--other-security", help="part of the loan other security covers")
    ] = "0",
    database_url: DbUrl = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Policy matches of a loan the user's firm plans."""
    from ippledge.policy import service

    p = service.Plan(
        _decimal(amount, "amount"),
        months,
        _decimal(rate, "rate"),
        method,
        other_security=_decimal(other_security, "other security"),
    )
    try:
        with session_scope(database_url) as session:
            report = service.for_plan(session, principal_named(session, who), p, business_day(as_of)).to_dict()
    except IppledgeError as exc:
        raise fail(exc) from None
    _show(report, as_json)
