"""Ledger commands (账务命令): ``ippledge ledger check [--as-of YYYY-MM-DD] [--database-url URL]``."""

from __future__ import annotations

import typer

from ippledge.cmd.options import AsOf, DbUrl, business_day, session_factory

ledger_app = typer.Typer(no_args_is_help=True, help="Ledger (总账)")


@ledger_app.command("check")
def check(database_url: DbUrl = None, as_of: AsOf = None) -> None:
    """Prove that every entry balances, all postings sum to zero, registered expectations hold and no entry is dated
    after the business date (``--as-of``, default today in China); exit 1 if not."""
    from rich.console import Console
    from rich.table import Table

    from ippledge.ledger.check import check_ledger

    with session_factory(database_url) as factory, factory() as session:  # read only: nothing to commit
        report = check_ledger(session, as_of=business_day(as_of))
    console = Console()
    summary = Table(title="账务核对 ledger check", show_header=False)
    summary.add_row("分录 entries", f"{report.entries:,}")
    summary.add_row("记账行 postings", f"{report.postings:,}")
    summary.add_row("账户 accounts", f"{report.accounts:,}")
    summary.add_row("借贷合计 sum of postings", f"{report.total}")
    summary.add_row("核对余额 expectations checked", f"{report.expectations_checked:,}")
    summary.add_row("营业日 business date", f"{report.as_of}")
    console.print(summary)
    err = Console(stderr=True)
    for u in report.unbalanced:
        err.print(f"[red]entry #{u.entry_id} unbalanced by {u.difference} / 分录借贷不平衡，差额 {u.difference}")
    for e in report.empty_entries:
        err.print(f"[red]entry #{e} has no postings / 分录没有记账行")
    if report.total != 0:
        err.print(f"[red]postings sum to {report.total}, not 0 / 全部记账行合计不为零")
    for m in report.mismatches:
        err.print(f"[red]{m.account} ({m.source}): expected {m.expected}, ledger {m.actual} / 余额不符")
    for entry_id, day in report.future_entries[:20]:
        err.print(f"[red]entry #{entry_id} dated {day}, after the business date {report.as_of} / 分录记账日晚于营业日")
    if len(report.future_entries) > 20:
        err.print(f"[red]... {len(report.future_entries)} entries dated after {report.as_of} / 共计未来日期分录")
    for f in report.provider_failures:
        err.print(f"[red]provider {f.source} failed: {f.message}")
    if not report.ok:
        err.print(f"[bold red]账务核对未通过 ledger check FAILED: {report.problem_count} problem(s)")
        raise typer.Exit(1)
    console.print("[green]账务核对通过 ledger check passed")
