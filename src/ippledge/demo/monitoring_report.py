"""The year's post-loan monitoring (贷后监测汇总): alerts by finding, the watch list (关注名单) by rule and state, the
annuities the banks paid on the pledgors' behalf (代缴年费: each a CF01 averted) and the extensions (展期)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.money import from_fen
from ippledge.monitoring import queries as monitoring
from ippledge.monitoring.model import WATCH_RULES, WATCH_STATE_ZH, WatchState

FINDING_ZH = {
    "legal_event": "质物法律状态变化 legal event",
    "annuity_due": "年费即将到期 annuity due within 60 days",
    "annuity_grace": "年费宽限期 annuity in grace",
    "term_short": "保护期短于贷款 IP expires before the loan",
    "ltv_breach": "质押率超限 LTV above trigger",
    "borrower_signal": "借款人预警 borrower signal",
    "register_notice": "登记事项变更 register notice",
}


def print_monitoring(console: Console, session: Session) -> monitoring.MonitoringSummary:
    s = monitoring.summary(session)
    t = Table(title=f"贷后监测 post-loan monitoring ({s.days} days monitored)")
    t.add_column("预警 alerts to every risk sharer")
    t.add_column("count", justify="right")
    for finding, n in s.alerts.items():
        t.add_row(FINDING_ZH.get(finding, finding), f"{n:,}")
    console.print(t)
    w = Table(title="关注名单 watch list")
    for col in ("规则 rule", "状态 state", "entries"):
        w.add_column(col)
    for (rule, state), n in s.watch.items():
        name = WATCH_RULES[rule].zh if rule in WATCH_RULES else rule
        w.add_row(name, f"{WATCH_STATE_ZH[WatchState(state)]} {state}", f"{n:,}")
    console.print(w)
    return s


def print_servicing(console: Console, session: Session, extended: list[tuple[int, str]]) -> list[monitoring.ActionView]:
    """代缴年费 (each annuity paid in grace keeps the patent from lapsing: the CF01 that register ageing would record
    after the grace never comes) and the year's extensions ``(loan id, line)``."""
    overseer = Principal(0, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="demo:report")
    done = [a for a in monitoring.actions(session, overseer, state="done") if a.kind == "annuity_payment"]
    inspections = [a for a in monitoring.actions(session, overseer) if a.kind == "inspection"]
    finished = sum(1 for a in inspections if a.state == "done")
    late = sum(1 for a in inspections if a.escalated_on is not None)
    t = Table(title="代缴年费 annuities paid on the pledgor's behalf (CF01 averted)")
    for col in ("loan", "patent asset", "year", "due", "grace ends", "paid on", "paid (CNY)", "surcharge"):
        t.add_column(col)
    for a in done:
        d = a.details
        t.add_row(
            str(a.loan_id),
            str(d["asset_id"]),
            str(d["year_no"]),
            d["due_date"],
            d["grace_ends"],
            d["paid_on"],
            f"{from_fen(int(d['paid_fen'])):,.2f}",
            f"{float(d['surcharge_rate']):.0%}",
        )
    console.print(t)
    console.print(
        f"贷后检查 post-loan inspections: {len(inspections):,} opened, {finished:,} done with findings, "
        f"{late:,} escalated as overdue"
    )
    for loan_id, line in extended:
        console.print(f"展期 extension: loan {loan_id}: {line}")
    return done
