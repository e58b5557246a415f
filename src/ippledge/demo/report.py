"""Demo summary (演示汇总): counts, refusal reasons and time limits, printed with rich tables."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from decimal import Decimal

from rich.console import Console
from rich.table import Table

from ippledge.demo.run import Aftercare, Outcome
from ippledge.kernel.money import format_cn
from ippledge.pledge.model import RefusalGround

GROUND_ZH = {
    "pledge.not_owner": "出质人不是登记的权利人",
    "pledge.right_not_alive": "权利已终止或被宣告无效",
    "pledge.not_granted": "申请尚未授权",
    "pledge.annuity_unpaid": "年费未缴",
    "pledge.preserved": "权属纠纷中止或被保全",
    "pledge.debt_past_expiry": "债务履行期限超过权利有效期",
    "pledge.contract_incomplete": "合同缺少必备内容",
    "pledge.coowner_consent_missing": "共有未经全体共有人同意",
    "pledge.already_pledged": "已被质押且质押有效（禁止重复质押）",
    "pledge.same_day_dual": "同日申请发明与实用新型未声明",
    "pledge.invalidation_pending": "无效宣告审查中未声明",
    "pledge.other": "其他不符合规定的情形",
    "pledge.mark_revoked": "注册商标已被撤销",
    "pledge.mark_cancelled": "注册商标已被注销",
    "pledge.mark_expired": "注册商标期满未续展",
    "pledge.mark_sealed": "注册商标被查封、冻结",
    "pledge.similar_marks_apart": "相同或近似商标未一并出质",
}


def print_filings(console: Console, outcomes: list[Outcome]) -> None:
    by_status = Counter(o.status or "error" for o in outcomes)
    registered = [o for o in outcomes if o.status == "registered"]
    secured = sum((Decimal(o.case.amount_yuan) for o in registered), Decimal(0))
    t = Table(title="质押登记 pledge filings")
    t.add_column("项目 item")
    t.add_column("数量 count", justify="right")
    t.add_row("提交 filed (jointly confirmed, submitted)", str(len(outcomes)))
    t.add_row("准予登记 registered", str(by_status.get("registered", 0)))
    t.add_row("不予登记 refused", str(by_status.get("refused", 0)))
    if by_status.get("error"):
        t.add_row("[red]意外错误 unexpected errors[/red]", str(by_status["error"]))
    t.add_row("担保主债权 secured debt registered", format_cn(secured))
    console.print(t)


def print_reasons(console: Console, outcomes: list[Outcome]) -> None:
    t = Table(title="不予登记理由 refusal reasons (found by the registry's pre-check)")
    t.add_column("#", justify="right")
    t.add_column("代码 code")
    t.add_column("理由 reason")
    t.add_column("案例 case")
    t.add_column("预期 expected")
    rows = []
    for o in outcomes:
        if o.status != "refused":
            continue
        codes = sorted({str(r["code"]) for r in o.reasons})
        for code in codes:
            number = RefusalGround(code).number if code in RefusalGround._value2member_map_ else 0
            ok = "✓" if code == o.case.expect else "—"
            rows.append((number, code, GROUND_ZH.get(code, code), o.case.label, ok))
    for row in sorted(rows):
        t.add_row(str(row[0]), *row[1:])
    console.print(t)


def print_time_limits(console: Console, outcomes: list[Outcome]) -> None:
    t = Table(title="登记时限 time to decision (working days, submission to decision)")
    t.add_column("登记机关 registry")
    t.add_column("时限 limit", justify="right")
    t.add_column("件数 filings", justify="right")
    t.add_column("中位 median", justify="right")
    t.add_column("最长 max", justify="right")
    t.add_column("按时 on time", justify="right")
    t.add_column("超时 late", justify="right")
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.working_days is not None:
            groups[o.case.registry].append(o)
    for reg, items in sorted(groups.items()):
        days = [o.working_days for o in items if o.working_days is not None]
        late = sum(1 for o in items if o.decided_on and o.due_on and o.decided_on > o.due_on)
        t.add_row(
            reg,
            str(items[0].limit),
            str(len(items)),
            f"{statistics.median(days):.0f}",
            str(max(days)),
            str(len(items) - late),
            f"[red]{late}[/red]" if late else "0",
        )
    console.print(t)


def print_aftercare(console: Console, after: Aftercare) -> None:
    if after.changed:
        console.print(
            f"变更登记 change registered on {after.change_day}: {after.changed} (secured amount +1,000,000 元)"
        )
    if after.released:
        console.print(f"注销登记 release registered on {after.release_day}: {after.released} (loan repaid)")
