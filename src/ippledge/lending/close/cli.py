"""``ippledge close --date YYYY-MM-DD``: run the daily close (业务日终) and print its summary.

Missing days since the last close are closed first, in order, with a progress bar, and each of them is reported
(one line per day). A date after today in China is refused. Exit 0 on success (also when the date was already
closed: nothing changes), 2 on bad input.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ippledge.cmd.options import AsOf, DbUrl, business_day, session_scope
from ippledge.kernel.errors import IppledgeError
from ippledge.lending.cli import fail
from ippledge.lending.errors import CLOSE_DATE


def close(
    date: Annotated[str, typer.Option("--date", help="business date to close, YYYY-MM-DD")],
    database_url: DbUrl = None,
    as_of: AsOf = None,
) -> None:
    """Close the business day (日终): accrue interest and penalty, age and reclassify loans, flag overdue tasks."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ippledge.lending.close.service import close_day, pending_days

    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise fail(CLOSE_DATE(date=repr(date))) from None
    today = business_day(as_of)
    console = Console()
    daily: list[object] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with session_scope(database_url) as session:
            days = len(pending_days(session, day))
            with Progress(*columns, console=console, transient=True, disable=days <= 1) as progress:
                task = progress.add_task("日终 closing", total=days)

                def step(done: int, _total: int, report: object) -> None:
                    daily.append(report)
                    progress.update(task, completed=done, description=f"日终 closing {getattr(report, 'date', '')}")

                report = close_day(session, "system:close-cli", day, progress=step, today=today)
    except IppledgeError as exc:
        raise fail(exc) from None
    if len(daily) > 1:
        print_days(console, daily)
    print_report(console, report)


def print_days(console: object, reports: list[object]) -> None:
    """One line per day a catch-up closed (补跑逐日报告), so no day's accrual or reclassification goes unreported."""
    from rich.console import Console
    from rich.table import Table

    from ippledge.kernel.money import format_yuan
    from ippledge.lending.close.service import CloseReport

    assert isinstance(console, Console)
    t = Table(title=f"补跑逐日 days closed ({len(reports)})")
    for name in ("日期 date", "贷款 loans", "利息 interest", "罚息 penalty", "新增逾期 overdue", "分类变动 moved"):
        t.add_column(name, justify="right")
    for r in reports:
        assert isinstance(r, CloseReport)
        moved = ", ".join(f"{k} {v}" for k, v in r.reclassified.items()) or "-"
        t.add_row(
            str(r.date), f"{r.loans:,}", format_yuan(r.interest), format_yuan(r.penalty), str(r.newly_overdue), moved
        )
    console.print(t)


def print_report(console: object, report: object) -> None:
    """A rich summary of one close."""
    from rich.console import Console
    from rich.table import Table

    from ippledge.kernel.money import format_yuan
    from ippledge.lending.close.service import CloseReport
    from ippledge.lending.model.classification import Grade

    assert isinstance(console, Console) and isinstance(report, CloseReport)
    if report.already_closed:
        console.print(f"{report.date} 已关闭，未作任何变更 / already closed, nothing changed", soft_wrap=True)
    t = Table(title=f"业务日终 daily close {report.date}", show_header=False)
    t.add_column("item")
    t.add_column("value", justify="right")
    if report.caught_up:
        first, last = report.caught_up[0], report.caught_up[-1]
        t.add_row("补跑日期 days caught up", f"{len(report.caught_up)} ({first} .. {last})")
    t.add_row("贷款 loans closed", f"{report.loans:,}")
    t.add_row("利息计提 interest accrued", format_yuan(report.interest))
    t.add_row("罚息计提 penalty accrued", format_yuan(report.penalty))
    t.add_row("分录 journal entries", f"{report.entries:,}")
    t.add_row("贷款损失准备计提 allowance added", format_yuan(report.provision_charge))
    t.add_row("贷款损失准备转回 allowance released", format_yuan(report.provision_release))
    t.add_row("新增逾期 newly overdue", f"{report.newly_overdue:,}")
    t.add_row("逾期贷款 loans past due", f"{report.overdue_loans:,}")
    t.add_row("逾期任务 tasks flagged overdue", f"{report.tasks_flagged:,}")
    t.add_row("耗时 seconds", f"{report.seconds:.2f}")
    for g in Grade:
        moved = report.reclassified.get(g.code, 0)
        held = report.grade_mix.get(g.code, 0)
        t.add_row(f"{g.zh} {g.code}", f"{held:,}" + (f" (+{moved:,} today)" if moved else ""))
    console.print(t)
