"""The demo's risk sharing (演示：风险分担): the year's loans enrolled under a Beijing preset, a claim paid on a
written-off loan and its clawback, interest subsidies paid, and a fund-sustainability table.

Everything goes through the API as the demo users ``fund1.reviewer`` / ``fund1.approver`` (the fund), the banks'
officers and approvers, the firms' users and ``platform.operator``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from ippledge.demo import scheme_facts
from ippledge.demo.desk import Desk
from ippledge.demo.year import Cast, LoanTrack
from ippledge.kernel.money import format_yuan
from ippledge.risk_sharing import queries as risk
from ippledge.risk_sharing.simulation.book import book_case
from ippledge.risk_sharing.subsidies.model import BEIJING_INTEREST_2024

SCHEME = "beijing-etown"
FUND_START = Decimal("10000000")  # the pool's opening contribution (assumption for the demo)
REVIEWER, APPROVER = "fund1.reviewer", "fund1.approver"


@dataclass
class RiskDemo:
    cast: Cast
    ready: bool = False
    enrolled: int = 0
    refused: int = 0
    unpaid: int = 0  # approved subsidies the pool could not pay
    claims: dict[int, int] = field(default_factory=dict)  # loan id -> claim id
    refusal_reasons: Counter[str] = field(default_factory=Counter)  # rule code -> loans refused on it

    def setup(self, desk: Desk) -> None:
        if self.ready:
            return
        desk.post(APPROVER, "/risk-pools", {"scheme_code": SCHEME})
        desk.post(APPROVER, f"/risk-pools/{SCHEME}/contributions", {"amount": str(FUND_START)}, money=True)
        self.ready = True

    def on_event(self, desk: Desk, event: str, track: LoanTrack) -> None:
        self.setup(desk)
        assert track.loan_id is not None
        officer = self.cast.officer(track.bank_id)
        if event == "disbursed":
            scheme_facts.attest(desk, officer, track)
            body = {"loan_id": track.loan_id, "scheme_code": SCHEME}
            status, answer = desk.try_post(officer, "/risk-enrolments", body)
            self.enrolled += status == 201
            self.refused += status != 201
            if status != 201:
                scheme_facts.tally_refusal(self.refusal_reasons, answer)
        elif event == "written_off":
            body = {"loan_id": track.loan_id, "statement": "贷款已核销，申请风险补偿", "documents": ["核销审批表"]}
            status, claim = desk.try_post(officer, "/risk-claims", body)
            if status != 201:
                return  # not enrolled: no claim
            desk.post(REVIEWER, f"/risk-claims/{claim['id']}/review", {"note": "材料齐全，同意补偿"})
            desk.post(APPROVER, f"/risk-claims/{claim['id']}/decision", {"approve": True, "reason": "同意"}, money=True)
            self.claims[track.loan_id] = claim["id"]
        elif event == "recovered" and track.loan_id in self.claims:
            desk.post(officer, f"/risk-claims/{self.claims[track.loan_id]}/clawback", {}, money=True)

    def subsidies(self, desk: Desk, tracks: list[LoanTrack], firm_user: dict[int, str]) -> int:
        """Every enrolled firm applies for the interest subsidy of each year it paid interest; the fund pays."""
        rule = desk.post(
            "platform.operator", "/risk-subsidy-rules", {"scheme_code": SCHEME, "rule": BEIJING_INTEREST_2024}
        )
        paid = 0
        for track in tracks:
            if track.loan_id is None or track.disbursed_on is None:
                continue
            for year in sorted({track.disbursed_on.year, desk.today.year}):
                body = {"rule_id": rule["id"], "loan_id": track.loan_id, "year": year}
                status, app = desk.try_post(firm_user[track.firm.party_id], "/risk-subsidies", body)
                if status != 201:
                    continue  # not enrolled, no interest paid that year, or refused: the reasons are in the answer
                desk.post(REVIEWER, f"/risk-subsidies/{app['id']}/review")
                desk.post(APPROVER, f"/risk-subsidies/{app['id']}/decision", {"approve": True})
                status, _ = desk.try_post(APPROVER, f"/risk-subsidies/{app['id']}/payment", {}, money=True)
                paid += status == 200  # 409 risk.pool.insufficient: the pool cannot pay; it never goes negative
                self.unpaid += status != 200
        return paid


def print_sustainability(
    console: Console, session: Session, demo: RiskDemo, subsidies_paid: int, today: dt.date
) -> None:
    """资金池可持续性: what went in, what went out, how far the pool is levered, and, looking a year ahead, how likely
    the pool is to run dry and how big it would have to be (a Monte Carlo of the enrolled book)."""
    r = risk.fund_report(session, SCHEME)
    balance, outstanding = r.balance, r.enrolled_outstanding
    table = Table(title=f"资金池可持续性 fund sustainability — {SCHEME}", show_header=False)
    rows = [
        ("纳入贷款 loans enrolled / refused", f"{demo.enrolled} / {demo.refused}"),
        ("拒绝原因 refused on", ", ".join(f"{k} x{n}" for k, n in sorted(demo.refusal_reasons.items())) or "-"),
        ("注资 contributions", format_yuan(r.contributed)),
        ("补偿申请 claims paid", f"{len(demo.claims)} (losses {format_yuan(r.losses)})"),
        ("资金池代偿 fund shares of claims", format_yuan(r.fund_paid)),
        ("应付代偿 still owed to banks (pool short)", format_yuan(r.owed)),
        ("追偿返还 clawed back to the fund", f"{format_yuan(r.clawed_back)} ({r.claims_recovered} claims)"),
        (
            "贴息 interest subsidies paid / unpaid",
            f"{subsidies_paid} ({format_yuan(r.subsidies_paid)}) / {demo.unpaid}",
        ),
        ("资金池余额 fund balance", format_yuan(balance)),
        ("在册余额 enrolled outstanding", format_yuan(outstanding)),
        ("放大倍数 leverage (outstanding / balance)", f"{outstanding / balance:.2f}x" if balance > 0 else "n/a"),
        *_outlook(session, today),
    ]
    for k, v in rows:
        table.add_row(k, v)
    console.print(table)


OUTLOOK_RHO, OUTLOOK_LGD, OUTLOOK_SCENARIOS = 0.15, 0.6, 20_000  # assumptions of the demo's outlook


def _outlook(session: Session, today: dt.date) -> list[tuple[str, str]]:
    """Next year for the enrolled book: P(the pool runs dry), the pool needed for 99% solvency, the fund's 99% loss."""
    case = book_case(
        session, SCHEME, rho=OUTLOOK_RHO, lgd=OUTLOOK_LGD, scenarios=OUTLOOK_SCENARIOS, seed=2026, as_of=today
    )
    if not case.inputs["loans"]:
        return []
    summary = case.run().summary()
    fund = summary["fund"]
    label = f"(rho {OUTLOOK_RHO}, LGD {OUTLOOK_LGD}, {OUTLOOK_SCENARIOS:,} scenarios)"

    def cny(x: float) -> str:
        return format_yuan(Decimal(round(x, 2)))

    return [
        (f"下一年模拟 next year simulated {label}", f"{case.inputs['loans']} live enrolled loans"),
        ("资金池耗尽概率 P(pool runs dry)", f"{fund['p_dry']:.2%}"),
        ("资金池 99% 分位代偿 the fund's 99% loss", cny(summary["parties"]["fund"]["q0.99"])),
        ("99% 偿付所需资金池 pool needed for 99% solvency", cny(fund["required_fund"])),
    ]


def run_subsidies_and_report(
    app: object, session: Session, console: Console, demo: RiskDemo, tracks: list[LoanTrack], today: dt.date
) -> None:
    from fastapi import FastAPI

    assert isinstance(app, FastAPI)
    desk = Desk(app, today)
    try:
        paid = demo.subsidies(desk, tracks, {t.firm.party_id: t.firm.user for t in tracks}) if demo.ready else 0
    finally:
        desk.close()
    if demo.ready:
        print_sustainability(console, session, demo, paid, today)
