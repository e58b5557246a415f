"""The data gateway and policy matching in the demo (数据授权与政策匹配): one firm with a loan consents to its bank
reading its credit-bureau report for scheme eligibility and its tax grade for credit assessment; the bank reads; the
firm revokes the tax consent and the next read is refused; the firm sees its access log; then the firm's policy
matches are printed for its loan and for a loan it plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from ippledge.db import unit_of_work
from ippledge.demo.run import Actors
from ippledge.demo.year import LoanTrack
from ippledge.gateway import queries as consents
from ippledge.gateway import service as gateway
from ippledge.kernel.errors import IppledgeError
from ippledge.policy import service as policy
from ippledge.policy.model import Fees

BUREAU = ["bank_debt", "overdue", "npl_elsewhere"]


def _matches(console: Console, title: str, report: policy.Report) -> None:
    t = Table(title=title)
    for col in ("政策 policy", "kind", "结果 result", "决定规则 deciding rules", "估计节省 saving (CNY)"):
        t.add_column(col)
    for m in report.matches:
        rules = (
            ", ".join(r.code.split(".")[-1] for r in m.reasons)
            if m.reasons
            else "all met: " + ", ".join(m.rules_checked[:4])
        )
        saving = "-" if m.saving is None else f"{m.saving:,.2f} ({m.saving_basis})"
        result = "[green]符合 qualifies[/green]" if m.qualifies else "[red]不符合 fails[/red]"
        t.add_row(f"{m.name_zh} {m.code} v{m.version}", m.subsidy_kind or m.kind, result, rules, saving)
    console.print(t)
    console.print(f"补贴节省合计 subsidies it qualifies for save about {report.qualifying_saving:,.2f} CNY")


def run(factory: sessionmaker[Session], console: Console, tracks: list[LoanTrack], today: dt.date) -> None:
    console.rule("[bold]数据授权与政策匹配 consented data and policy matching[/bold]")
    track = next((t for t in tracks if t.loan_id and t.repaid_on is None and t.written_off_on is None), None)
    track = track or next((t for t in tracks if t.loan_id), None)
    if track is None or track.loan_id is None:
        console.print("no loan in the demo year: nothing to match")
        return
    with unit_of_work(factory) as s:
        actors = Actors(s)
        firm = actors.for_party(track.firm.party_id, "admin")
        bank = actors.for_party(track.bank_id, "officer")
        until = today + dt.timedelta(days=365)
        gateway.grant(s, firm, track.bank_id, "credit_bureau", BUREAU, "scheme_eligibility", until, today)
        tax = gateway.grant(
            s, firm, track.bank_id, "tax", ["credit_grade", "revenue"], "credit_assessment", until, today
        )
        read = gateway.read_fields(s, bank, firm.party_id, "tax", None, "credit_assessment", today)
        shown = ", ".join(f"{k} {v}" for k, v in read.items())
        console.print(f"银行读取纳税信用 bank {track.bank_id} reads the firm's tax data under consent: {shown}")
        loan_report = policy.for_loan(s, bank, track.loan_id, today)  # the bureau read under consent, logged
        gateway.revoke(s, firm, tax.id)
        try:
            gateway.read_fields(s, bank, firm.party_id, "tax", None, "credit_assessment", today)
            console.print("[red]read after revocation answered[/red]")
        except IppledgeError as exc:
            console.print(f"撤回后再读 read after the firm revoked: [green]refused[/green] ({exc.code}, {exc.status})")
        plan = policy.Plan(
            amount=Decimal("3000000"),
            term_months=12,
            annual_rate=Decimal("0.04"),
            start_on=today,
            fees=Fees(valuation_fee=Decimal("20000"), annual_premium=Decimal("30000")),
        )
        plan_report = policy.for_plan(s, firm, plan, today)
        log = consents.access_log(s, firm, firm.party_id)
        granted = consents.consents(s, firm, today)
    t = Table(title=f"企业 {track.firm.user} 的数据授权 consents the firm granted")
    for col in ("id", "grantee", "source", "fields", "purpose", "expires", "state"):
        t.add_column(col)
    for c in granted:
        t.add_row(str(c.id), str(c.grantee_id), c.source, ",".join(c.fields), c.purpose, str(c.expires_on), c.state)
    console.print(t)
    a = Table(title="访问记录 who read the firm's data, when and why (the firm's own view)")
    for col in ("reader", "actor", "source.field", "purpose", "consent", "date"):
        a.add_column(col)
    for r in log:
        a.add_row(
            str(r.reader_id), r.actor, f"{r.source}.{r.field}", r.purpose, str(r.consent_id), str(r.business_date)
        )
    console.print(a)
    _matches(console, f"政策匹配 policy matches of loan {track.loan_id} (as the lending bank sees them)", loan_report)
    _matches(console, "政策匹配 policy matches of a planned 3m CNY, 12-month loan at 4.00%", plan_report)
