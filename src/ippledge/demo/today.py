"""Today's open work (今日待办): on the business date a few firms apply to the console's bank and their files stop
part-way, so that whoever signs in to the console finds work waiting — the credit officer an application to value and
a report to decide on, the valuer a task to accept, the approver a decision to approve, the registry a filing.

The stories are the year's own (``Year.originate``) with a stopping point; they act on the business date only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from fastapi import FastAPI
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from ippledge.demo.console_users import console_loan, console_valuer
from ippledge.demo.desk import Desk
from ippledge.demo.year import LoanTrack, Year, pick_firms
from ippledge.registry import queries as register

PAYABLE_LATE_DAYS = 150  # this late, an annuity is still inside its six-month grace (DOMAIN.md, registry.model)

# Where each file is left, and whose move it is next.
STAGES: tuple[tuple[str, str], ...] = (
    ("applied", "客户经理委托评估 credit officer: order the valuation"),
    ("valuing", "评估机构接受委托 valuer: accept the task"),
    ("valued", "客户经理授信审查 credit officer: credit decision"),
    ("decided", "审批人审批 approver: approve the decision"),
    ("filed", "登记机关审查 registry: decide the pledge filing"),
)


@dataclass(frozen=True)
class OpenFile:
    application_id: int
    stage: str
    next_step: str
    user: str  # who signs in to take the next step


def leave_open_work(app: FastAPI, year: Year, session: Session, today: dt.date) -> list[OpenFile]:
    """Start one file per stage at the console's bank on ``today`` and stop each at its stage."""
    session.rollback()  # see the year's pledges: the picker must not reuse a pledged patent
    found = console_loan(session)
    if found is None:
        return []
    _, bank = found
    valuer = console_valuer(session)
    if valuer is not None:  # the valuer the console's sign-in list names gets the task to accept
        year.cast = replace(year.cast, valuers=[valuer[0]])
    others = [b for b in year.cast.banks if b != bank]
    # A year on, most owners have annuities falling due: take firms whose unpaid annuities are all still payable
    # (inside the six-month grace or due within the month) and let each pay them before applying, as a firm does.
    firms = pick_firms(
        session, year.cast, year.rng, len(STAGES), today, today + dt.timedelta(days=30), -PAYABLE_LATE_DAYS
    )
    opened: list[OpenFile] = []
    year.desk = Desk(app, today)
    try:
        for (stage, next_step), firm in zip(STAGES, firms, strict=False):
            _pay_annuities(year, session, firm.assets, today)
            firm.banks = [bank, others[len(opened) % len(others)]] if others else [bank]
            for _ in year.originate(firm, until=stage):
                pass  # every step on the business date: the dates the story asks for are ignored
            track = year.tracks.pop()  # open work is not part of the year's figures
            if track.declined_by:  # the bank declined it on credit grounds: not open work
                continue
            opened.append(OpenFile(track.application_id, stage, next_step, _next_user(year, track, stage)))
    finally:
        year.desk.close()
    return opened


def _pay_annuities(year: Year, session: Session, assets: list[int], today: dt.date) -> None:
    """The owner pays what falls due by the month's end (with the surcharge in grace); the registry records it."""
    registry_officer = f"{year.cast.users[year.cast.patent_registry]}.officer"
    due = register.open_annuities(session, assets, dt.date.min, today + dt.timedelta(days=30))
    for a in due:
        year.desk.post(
            registry_officer, f"/ip-assets/{a.asset_id}/annuities/{a.year_no}/payment", {"paid_on": str(today)}
        )
    session.rollback()  # the next read sees the payments


def _next_user(year: Year, track: LoanTrack, stage: str) -> str:
    cast = year.cast
    if stage == "valuing" and track.valuer_id is not None:
        return cast.valuer(track.valuer_id)
    if stage == "decided":
        return cast.approver(track.bank_id)
    if stage == "filed":
        return f"{cast.users[cast.patent_registry]}.officer"
    return cast.officer(track.bank_id)


def print_open_work(console: Console, opened: list[OpenFile]) -> None:
    """The files left open for today, with whose move it is."""
    if not opened:
        return
    t = Table(title="今日待办 open work on the business date (sign in to the console to do it)")
    for col in ("申请 application", "进度 stage", "下一步 next step", "登录 sign in as"):
        t.add_column(col)
    for f in opened:
        t.add_row(str(f.application_id), f.stage, f.next_step, f.user)
    console.print(t)
