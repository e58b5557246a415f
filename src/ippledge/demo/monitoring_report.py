"""The year's post-loan monitoring (贷后监测汇总): alerts by finding and the watch list (关注名单) by rule and state."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from ippledge.monitoring import queries as monitoring
from ippledge.monitoring.model import WATCH_RULES, WATCH_STATE_ZH, WatchState

FINDING_ZH = {
    "legal_event": "质物法律状态变化 legal event",
    "annuity_due": "年费即将到期 annuity due within 60 days",
    "annuity_grace": "年费宽限期 annuity in grace",
    "term_short": "保护期短于贷款 IP expires before the loan",
    "ltv_breach": "质押率超限 LTV above trigger",
    "borrower_signal": "借款人预警 borrower signal",
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
