"""An event in the demo (对接活动演示): a park campaign (入园惠企) announced with two banks invited, firms signed up by
the operator and by a sign-up file (a malformed line and a duplicate reported on their lines), attendance, demands
collected at the event, each bank's follow-up tasks worked like a whitelist push (to applied, approved or declined
with a reason), and the funnel by event.

Attendance and the banks' progress are the demo's own assumptions (seeded), not published figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import queries as parties
from ippledge.db import unit_of_work
from ippledge.demand import queries as demand_queries
from ippledge.demand import service as demand
from ippledge.demand.model import STAGES, GroupBy
from ippledge.demo import follow_up
from ippledge.demo.run import Actors
from ippledge.kernel.calendar import WorkingCalendar
from ippledge.outreach import queries as outreach_queries
from ippledge.outreach import service as outreach
from ippledge.outreach.model import EventKind
from ippledge.registry import queries as registry_queries
from ippledge.whitelist import queries as whitelist_queries
from ippledge.whitelist.model import FeedbackState, TimeLimits

ATTEND_SHARE = 0.75  # demo assumption: three in four signed-up firms come
CONTACT_SHARE = 0.7  # demo assumption: a bank contacts seven in ten attending firms within the limit
# then (demo assumptions) half of those it reached apply, and half of the applications are approved; the rest are
# declined with a reason, so the follow-up tasks end instead of sitting overdue
STEPS = ((FeedbackState.CONTACTED, CONTACT_SHARE), (FeedbackState.APPLIED, 0.5), (FeedbackState.APPROVED, 0.5))
CAPACITY = 12


def run(
    factory: sessionmaker[Session],
    console: Console,
    banks: list[int],
    announced: dt.date,
    today: dt.date,
    calendar: WorkingCalendar,
    seed: int,
) -> None:
    rng = np.random.default_rng(seed + 32)
    held = calendar.add_working_days(announced, 5)
    with unit_of_work(factory) as s:
        op = Actors(s).user("platform.operator")
        firms = [p for p in parties.parties(s, registry_queries.enterprise_ids(s)).values() if p.uscc][: CAPACITY + 2]
        ev = outreach.create_event(
            s,
            op,
            kind=EventKind.PARK_CAMPAIGN,
            title="中关村软件园知识产权质押融资入园惠企活动",
            held_on=held,
            capacity=CAPACITY,
            bank_ids=banks,
            today=announced,
            park="中关村软件园",
            region_code="110108",
        )
        for f in firms[:8]:
            outreach.sign_up(s, op, ev.id, announced, f.id)
        lines = [str(f.uscc) for f in firms[8:]] + ["91110108MA0000000X", str(firms[0].uscc)]
        result = outreach.import_signups(s, op, ev.id, ("uscc\n" + "\n".join(lines) + "\n").encode(), announced)
        signed = [f.id for f in firms[: 8 + result.loaded]]
        came = [pid for pid in signed if rng.random() < ATTEND_SHARE]
        outreach.record_attendance(s, op, ev.id, came, held)
        for pid in came[:3]:
            demand.submit_demand(
                s, op, amount=Decimal("3000000"), term_months=12, use="working_capital", enterprise_id=pid,
                event_id=ev.id,
            )  # fmt: skip
        opened = outreach.open_follow_ups(s, op, ev.id, held, TimeLimits(5, 10))
        event_id = ev.id
    console.print(
        f"对接活动 event {event_id} (入园惠企, {held}): {len(signed)} signed up of {CAPACITY} places "
        f"(file: {result.loaded} loaded, {result.rejected} rejected — "
        + "; ".join(f"line {e['line']} {e['code']}" for e in result.errors)
        + f"), {len(came)} attended, 3 demands collected; follow-up tasks to banks "
        + ", ".join(f"{b} ({n} firms)" for _, b, n in opened)
    )
    for bank in banks:
        with unit_of_work(factory) as s:
            officer = Actors(s).for_party(bank, "officer")
            for push in whitelist_queries.pushes(s, officer, today, event_id=event_id):
                for item in whitelist_queries.push(s, officer, push.id, today).items:
                    follow_up.work_item(s, officer, item.id, held, STEPS, today, calendar, rng, "中关村支行", (1, 5))
    with factory() as s:
        rows = demand_queries.funnel(s, None, announced, today, GroupBy.EVENT)
        at_event = len(demand_queries.demands(s, Actors(s).user("platform.operator"), event_id=event_id))
        ev_view = outreach_queries.event(s, event_id)
    for r in rows:
        if r["key"] == str(event_id):
            console.print(
                f"转化漏斗 funnel of event {event_id} ({ev_view.title}): "
                + ", ".join(f"{st} {r['counts'][st]}" for st in STAGES)
                + f"; demands collected at the event: {at_event}"
            )
