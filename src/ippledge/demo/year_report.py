"""The year in numbers (年度汇总): per bank, time per step against its limit, classification mix, the ledger."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from decimal import Decimal

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from ippledge.access import queries as parties
from ippledge.access.model import SYSTEM, PartyKind
from ippledge.demo.year import LoanTrack
from ippledge.intake.queries import TaskTimes, closed_task_times
from ippledge.kernel.calendar import WorkingCalendar
from ippledge.kernel.money import format_cn
from ippledge.lending import queries as lending

KIND_ZH = {
    "bank_review": "银行审查 bank review",
    "valuation": "外部评估 external valuation",
    "internal_valuation": "内部评估 internal valuation",
    "underwriting": "承保/担保 underwriting",
    "pledge_registration": "质押登记 pledge registration",
}


def print_banks(console: Console, session: Session, tracks: list[LoanTrack]) -> None:
    names = parties.party_names(session, PartyKind.BANK)
    loans = lending.loan_figures(session)
    t = Table(title="各银行 per bank")
    for col in (
        "银行 bank",
        "申请 applied",
        "授信拒绝 credit declined",
        "选他行 firm chose another bank",
        "撤回 withdrawn",
        "放款 loans",
        "放款额 lent",
        "余额 outstanding",
        "结清 repaid",
        "核销 written off",
    ):
        t.add_column(col, justify="left" if col.startswith("银行") else "right")
    applied: Counter[int] = Counter(b for tr in tracks for b in tr.firm.banks)
    declined: Counter[int] = Counter(b for tr in tracks for b in tr.declined_by)
    passed_over: Counter[int] = Counter(b for tr in tracks for b in tr.chose_other)
    withdrawn: Counter[int] = Counter(b for tr in tracks for b in tr.withdrawn_from)
    for bank in sorted(names):
        mine = [ln for ln in loans if ln.bank_id == bank and ln.disbursed_on is not None]
        lent = sum((ln.principal for ln in mine), Decimal(0))
        outstanding = sum((ln.outstanding for ln in mine), Decimal(0))
        t.add_row(
            names[bank],
            str(applied[bank]),
            str(declined[bank]),
            str(passed_over[bank]),
            str(withdrawn[bank]),
            str(len(mine)),
            format_cn(lent),
            format_cn(outstanding),
            str(sum(1 for ln in mine if ln.status == "repaid")),
            str(sum(1 for ln in mine if ln.status == "written_off")),
        )
    console.print(t)


def print_steps(console: Console, session: Session, calendar: WorkingCalendar) -> None:
    t = Table(title="办理时效 time per step (working days from assignment to completion)")
    for col in ("环节 step", "件数 tasks", "时限 limit", "中位 median", "最长 max", "超时 late"):
        t.add_column(col, justify="left" if col.startswith("环节") else "right")
    by_kind: dict[str, list[TaskTimes]] = defaultdict(list)
    for task in closed_task_times(session):
        by_kind[task.kind].append(task)
    for kind, tasks in sorted(by_kind.items()):
        days = [calendar.working_days_between(x.opened_on, x.closed_on) for x in tasks]
        late = sum(1 for x in tasks if x.closed_on > x.due_on)
        limits = sorted({calendar.working_days_between(x.opened_on, x.due_on) for x in tasks})
        t.add_row(
            KIND_ZH.get(kind, kind),
            str(len(tasks)),
            "/".join(str(x) for x in limits),
            f"{statistics.median(days):.0f}",
            str(max(days)),
            f"[red]{late}[/red]" if late else "0",
        )
    console.print(t)


def print_grades(console: Console, session: Session, start: dt.date | None = None, end: dt.date | None = None) -> None:
    """The year-end classification with the loan-loss allowance (贷款损失准备) each grade holds, and the ratios;
    with the period, also the ratios with the period's write-offs added back and the general reserve."""
    t = Table(title="五级分类 classification at year end")
    for col in ("分类 grade", "笔数 loans", "余额 outstanding", "比例 rate", "贷款损失准备 allowance"):
        t.add_column(col, justify="left" if col.startswith("分类") else "right")
    active = lending.loan_figures(session, status="active")
    total = lending.provision_totals(session, SYSTEM, dt.date.max)
    for grade in lending.grade_labels():
        mine = [ln for ln in active if ln.grade == grade.code]
        amount = sum((ln.outstanding for ln in mine), Decimal(0))
        held = sum((ln.allowance for ln in mine), Decimal(0))
        rate = total.rates.get(grade.code)
        shown = "—" if rate is None else f"{rate * 100:.1f}%"
        t.add_row(f"{grade.zh} {grade.code}", str(len(mine)), format_cn(amount), shown, format_cn(held))
    console.print(t)

    def pct(value: Decimal | None, floor: Decimal, breach: bool) -> str:
        text = "— (无不良 no NPL)" if value is None else f"{value * 100:.1f}%"
        return f"{text} (≥{floor * 100:.1f}%{', [red]未达标 breach[/red]' if breach else ''})"

    coverage = pct(total.provision_coverage, total.provision_coverage_min, total.provision_coverage_breach)
    ratio = pct(total.loan_provision_ratio, total.loan_provision_ratio_min, total.loan_provision_ratio_breach)
    console.print(f"拨备覆盖率 provision coverage {coverage} · 贷款拨备率 loan provision ratio {ratio}")
    if start is not None and end is not None:
        print_year_end(console, lending.year_end_figures(session, start, end))


def print_year_end(console: Console, y: lending.YearEndFigures) -> None:
    """Year-end NPL and coverage as the book stands and with the year's write-offs added back (含核销)."""

    def pct(value: Decimal | None) -> str:
        return "—" if value is None else f"{value * 100:.1f}%"

    console.print(
        f"不良率 NPL ratio {pct(y.npl_ratio)} (含本年核销 with write-offs {pct(y.npl_ratio_with_write_offs)}) · "
        f"拨备覆盖率 coverage {pct(y.provision_coverage)} "
        f"(含本年核销 with write-offs {pct(y.provision_coverage_with_write_offs)}) · "
        f"本年核销 written off {y.written_off_loans} loans {format_cn(y.written_off)}, "
        f"收回 recovered {format_cn(y.recovered)}, 损失 loss {format_cn(y.loss)} · "
        f"一般风险准备 general reserve (equity) {format_cn(y.general_reserve)}"
    )


def print_losses(console: Console, tracks: list[LoanTrack], session: Session | None = None) -> None:
    for tr in tracks:
        if tr.written_off_on:
            # the loss is what the write-off took off the books less the recoveries, not the original principal
            loss = lending.write_off_loss(session, tr.loan_id) if session is not None and tr.loan_id else None
            shown = f"loss {format_cn(loss)}" if loss is not None else f"lent {format_cn(tr.amount)}"
            console.print(
                f"核销 written off {tr.written_off_on}: loan {tr.loan_id} (损失 {shown}), "
                f"recovered after write-off {format_cn(tr.recovered)}"
            )
    late = sum(1 for tr in tracks if tr.late_payments)
    console.print(
        f"逾期还款 late payers: {late} borrowers paid {sum(tr.late_payments for tr in tracks)} instalments late"
    )
