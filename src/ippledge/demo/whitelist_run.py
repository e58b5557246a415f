"""The demo's whitelist two-way push (白名单双向推送演示): designations recorded on the register, criteria, a list built
and published with maker-checker, pushed to two banks, worked by them under working-day limits, overdue follow-ups
escalated, a reverse push of a bank's applicant list, and the conversion funnel.

The designations are simulated (seeded): the simulated market has no public lists. Shares are the demo's own
assumptions, not published figures. Every step goes through the capabilities' services, as the API does.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import queries as parties
from ippledge.access.model import PartyKind
from ippledge.db import unit_of_work
from ippledge.demand import queries as demand_queries
from ippledge.demand.model import STAGES, GroupBy
from ippledge.demo import follow_up, outreach_run
from ippledge.demo.run import Actors
from ippledge.kernel.calendar import WorkingCalendar
from ippledge.registry import designations
from ippledge.registry import queries as registry_queries
from ippledge.whitelist import service as whitelist
from ippledge.whitelist.model import FEEDBACK_ZH, FeedbackState, TimeLimits

# Demo assumptions (not published figures): shares of firms holding each designation among firms with patents.
DESIGNATION_SHARES = {"ip_demonstration": 0.06, "ip_advantage": 0.10, "specialised": 0.12}
PARKS = ("中关村软件园", "中关村生命科学园", "北京经济技术开发区")
RULES = {
    "require": [
        {"fact": "abnormal_applications", "op": "<=", "value": 0},
        {"fact": "ip_score", "op": ">=", "value": 50},
    ],
    "any_of": [
        {"fact": "ip_demonstration", "op": "is", "value": True},
        {"fact": "ip_advantage", "op": "is", "value": True},
        {"fact": "specialised", "op": "is", "value": True},
        {"fact": "tax_grade", "op": "in", "value": ["A", "B"]},
    ],
    "weights": {"ip_score": 1, "ip_demonstration": 10, "ip_advantage": 5, "specialised": 5, "valid_inventions": 0.5},
}
# How far each bank gets with a pushed firm (demo assumptions): the chance of each next step.
STEP_CHANCE = {"bank_a": (0.85, 0.6, 0.45, 0.6), "bank_b": (0.6, 0.4, 0.3, 0.5)}
BRANCHES = ("中关村支行", "海淀支行", "亦庄支行")


def _designate(factory: sessionmaker[Session], rng: np.random.Generator, on: dt.date) -> Counter[str]:
    done: Counter[str] = Counter()
    with unit_of_work(factory) as s:
        who = Actors(s).user("platform.operator")
        firms = registry_queries.enterprise_ids(s)
        patents = registry_queries.patents_in_force_of(s, firms)
        holders = sorted(patents)
        for pid in holders:
            for kind, share in DESIGNATION_SHARES.items():
                if rng.random() < share:
                    designations.record_designation(s, who, pid, kind, on.replace(month=1, day=1), "演示名单 demo list")
                    done[kind] += 1
            if rng.random() < 0.2:
                park = PARKS[int(rng.integers(len(PARKS)))]
                designations.record_designation(
                    s, who, pid, "park", on.replace(month=1, day=1), "园区名录", detail=park
                )
                done["park"] += 1
            if rng.random() < 0.01:
                designations.flag_abnormal(
                    s, who, patents[pid][0], on - dt.timedelta(days=90), "非正常专利申请通知（演示）"
                )
                done["abnormal"] += 1
    return done


def run(factory: sessionmaker[Session], console: Console, today: dt.date, calendar: WorkingCalendar, seed: int) -> None:
    console.rule("[bold]白名单双向推送 whitelist two-way push[/bold]")
    rng = np.random.default_rng(seed + 13)
    pushed_on = calendar.add_working_days(today - dt.timedelta(days=45), 0)
    marks = _designate(factory, rng, pushed_on)
    console.print("企业认定 designations recorded: " + ", ".join(f"{k} {v:,}" for k, v in sorted(marks.items())))
    with unit_of_work(factory) as s:
        actors = Actors(s)
        maker, checker = actors.user("platform.operator"), actors.user("platform.admin")
        crit = whitelist.add_criteria(s, maker, "ip-demo", "知识产权示范/优势/专精特新企业白名单", RULES, pushed_on)
        lst = whitelist.build_list(
            s,
            maker,
            crit.id,
            f"{pushed_on.year}年知识产权质押融资白名单",
            pushed_on,
            pushed_on,
            pushed_on + dt.timedelta(days=365),
        )
        whitelist.review_list(s, checker, lst.id, "approve", "复核通过", pushed_on)
        banks = parties.party_ids(s, PartyKind.BANK)[:2]
        pushes = whitelist.push_list(s, maker, lst.id, banks, 30, pushed_on, TimeLimits(10, 20))
        list_id, considered, unknown = lst.id, lst.considered, lst.unknown
        members = pushes[0].firms
    console.print(
        f"名单 list {list_id}: {considered:,} firms judged, {members} pushed to banks {banks} "
        f"({unknown:,} held back by an unknown fact: no valued patent); reviewed by a second operator"
    )
    states = _work(factory, rng, banks, pushed_on, today, calendar)
    console.print(
        "银行反馈 bank feedback: "
        + ", ".join(f"{FEEDBACK_ZH[FeedbackState(k)]} {k} {v}" for k, v in sorted(states.items()))
    )
    with unit_of_work(factory) as s:
        escalated = whitelist.escalate_overdue(s, "system:demo", today)
    console.print(f"督办 overdue follow-ups escalated to the regulator on {today}: {escalated}")
    _reverse(factory, console, banks[0], today)
    with factory() as s:
        for by in (GroupBy.BANK, GroupBy.BRANCH):
            rows = demand_queries.funnel(s, None, pushed_on, today, by)
            t = Table(title=f"转化漏斗 conversion funnel by {by.value} (pushed {pushed_on})")
            t.add_column(by.value)
            for stage in STAGES:
                t.add_column(stage, justify="right")
            t.add_column("贷款 lent (CNY)", justify="right")
            for r in rows:
                t.add_row(r["key"], *(str(r["counts"][st]) for st in STAGES), r["lent_amount"])
            console.print(t)
    outreach_run.run(factory, console, banks, pushed_on, today, calendar, seed)


def _work(
    factory: sessionmaker[Session],
    rng: np.random.Generator,
    banks: list[int],
    pushed_on: dt.date,
    today: dt.date,
    calendar: WorkingCalendar,
) -> Counter[str]:
    """Each bank works its pushed firms (``follow_up.work_item``): each next step with the bank's chance, a few
    working days apart, a step that does not come declined with a reason. The last firm of each push is left
    untouched (overdue: escalated to the regulator below) and the one before it was first reached only days ago
    (its next step due, not overdue), so the officer's inbox shows one of each."""
    from ippledge.whitelist import queries as whitelist_queries

    order = (FeedbackState.CONTACTED, FeedbackState.VISITED, FeedbackState.APPLIED, FeedbackState.APPROVED)
    states: Counter[str] = Counter()
    for bank, chances in zip(banks, STEP_CHANCE.values(), strict=False):
        steps = list(zip(order, chances, strict=True))
        with unit_of_work(factory) as s:
            officer = Actors(s).for_party(bank, "officer")
            push = whitelist_queries.pushes(s, officer, today)[0]
            items = whitelist_queries.push(s, officer, push.id, today).items
            late_start = max(pushed_on, today - dt.timedelta(days=7))  # reached late: one step, its next one due
            for n, item in enumerate(items):
                branch = BRANCHES[int(rng.integers(len(BRANCHES)))]
                if n == len(items) - 1 and n > 0:
                    continue  # never reached: overdue, escalated
                if n == len(items) - 2:
                    reached = [(FeedbackState.CONTACTED, 1.0)]
                    follow_up.work_item(s, officer, item.id, late_start, reached, today, calendar, rng, branch, (1, 3))
                    continue
                follow_up.work_item(s, officer, item.id, pushed_on, steps, today, calendar, rng, branch)
            for v in whitelist_queries.push(s, officer, push.id, today).items:
                states[v.state] += 1
    return states


def _reverse(factory: sessionmaker[Session], console: Console, bank: int, today: dt.date) -> None:
    """A bank's batch: every enterprise's USCC, and a few malformed lines."""
    with unit_of_work(factory) as s:
        officer = Actors(s).for_party(bank, "officer")
        codes = [p.uscc for p in parties.parties(s, registry_queries.enterprise_ids(s)).values() if p.uscc]
        batch = [*codes, "91110000600037341X", "not-a-code"]
        started = time.perf_counter()
        result = whitelist.reverse_push(s, officer, batch, today)
        took = time.perf_counter() - started
    found = [a for a in result.answers if a.found]
    risk = Counter(a.annuity_risk for a in found)
    console.print(
        f"反向推送 reverse push: {len(batch):,} USCCs answered in {took * 1000:.0f} ms — "
        f"{sum(a.whitelisted for a in found)} whitelisted, {sum(a.pledged for a in found)} with IP pledged, "
        f"{sum(a.ip_abuse_flag for a in found)} with 非正常申请 flags, annuity risk {dict(risk)}; "
        f"{len(result.errors)} malformed lines reported: " + "; ".join(f"line {e.line} {e.code}" for e in result.errors)
    )
