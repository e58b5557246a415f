"""``ippledge demo``: fresh database, simulated market, pledge filings, summary, then the API on localhost."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import audit
from ippledge.app import create_app
from ippledge.bootstrap import wire
from ippledge.config import Settings
from ippledge.db import make_engine, make_session_factory
from ippledge.delivery.sealing import new_key
from ippledge.demo import (
    appraisal,
    basis,
    monitoring_report,
    policy_report,
    registry_desk,
    report,
    risk,
    run,
    scenario,
    servicing,
    supervision_report,
    whitelist_run,
    year_report,
)
from ippledge.demo import disposal as disposal_demo
from ippledge.demo import today as today_work
from ippledge.demo.year import LoanTrack, Year, cast_of, run_year
from ippledge.kernel.calendar import WorkingCalendar, default_calendar
from ippledge.ledger.queries import check_books
from ippledge.migrations.tools import upgrade
from ippledge.pledge import queries as pledges
from ippledge.simulation.accounts import DEMO_PASSWORD
from ippledge.simulation.generate import generate
from ippledge.simulation.load import load
from ippledge.simulation.spec import preset

DEMO_DB = Path("var") / "demo.db"
YEAR_DAYS = 365
FILING_WEEKS_DAYS = 70  # the filing batch and its changes and releases take about ten weeks


@dataclass(frozen=True)
class DemoResult:
    url: str
    outcomes: list[run.Outcome]
    audit_problems: int
    tracks: list[LoanTrack]
    ledger_ok: bool
    open_work: list[today_work.OpenFile]


def _relay(factory: sessionmaker[Session], console: Console) -> None:
    """One pass of the outbox relay: the demo's events get their feed positions (``GET /events``); no webhook is
    subscribed, so nothing is sent."""
    from ippledge.delivery.service import run_pass
    from ippledge.delivery.transport import WebhookClient
    from ippledge.outbox.events import OutboxEvent

    with WebhookClient() as client:
        done = run_pass(factory, dt.datetime.now(dt.UTC), client)
    with factory() as s:
        families = s.execute(select(OutboxEvent.topic, func.count()).group_by(OutboxEvent.topic)).all()
    by_family: dict[str, int] = {}
    for topic, n in families:
        by_family[topic.split(".")[0]] = by_family.get(topic.split(".")[0], 0) + int(n)
    parts = ", ".join(f"{k} {v:,}" for k, v in sorted(by_family.items()))
    console.print(
        f"事件 outbox: {done.dispatched.events:,} events ({parts}) in the pull feed GET /events; "
        "`ippledge events deliver --loop` pushes them to subscribed webhooks"
    )


def _year(
    app: FastAPI,
    factory: sessionmaker[Session],
    start: dt.date,
    seed: int,
    calendar: WorkingCalendar,
    console: Console,
    days: int,
    firms: int,
    appraiser: appraisal.Appraiser | None = None,
    played: list[Year] | None = None,
) -> list[LoanTrack]:
    console.rule("[bold]一年的知识产权质押贷款 a year of IP pledge lending[/bold]")
    basis.value_register(factory, start, seed)  # the model, the appraisals' challenger (decision record 0008)
    with factory() as s, Progress(console=console, transient=True) as progress:
        risk_demo = risk.RiskDemo(cast_of(s))
        tracks = run_year(
            app,
            s,
            start,
            days,
            seed,
            calendar,
            firms,
            progress=progress,
            on_event=risk_demo.on_event,
            appraiser=appraiser,
            played=played,
        )
    with factory() as s:
        year_report.print_banks(console, s, tracks)
        year_report.print_steps(console, s, calendar)
        year_report.print_grades(console, s, start, start + dt.timedelta(days=days))
        basis.print_basis(console, s, tracks)
        year_report.print_losses(console, tracks, s)
        monitoring_report.print_monitoring(console, s)  # annuity warnings, the watch list (贷后监测)
        extended = [
            (t.loan_id, f"extended on {t.extended_on} by 3 months, pledge change filings {t.extension_filings}")
            for t in tracks
            if t.loan_id is not None and t.extended_on is not None
        ]
        monitoring_report.print_servicing(console, s, extended)  # 代缴年费 (CF01 averted), 展期
        servicing.print_restructured(console, tracks)  # 贷款重组 and the watch-list entry cured
    console.rule("[bold]风险分担 risk sharing[/bold]")
    with factory() as s:
        risk.run_subsidies_and_report(app, s, console, risk_demo, tracks, start + dt.timedelta(days=days))
    disposal_demo.run(factory, console, risk_demo.cast, risk_demo.claims, tracks, start + dt.timedelta(days=days))
    policy_report.run(factory, console, tracks, start + dt.timedelta(days=days))  # consents, access log, matches
    return tracks


def run_demo(
    today: dt.date,
    seed: int = 7,
    db_path: Path = DEMO_DB,
    console: Console | None = None,
    year_days: int = YEAR_DAYS,
    firms: int = 40,
    database_url: str | None = None,
) -> DemoResult:
    """Build everything and print the summary; returns the database URL for serving and what happened.

    By default a fresh SQLite file at ``db_path``; ``database_url`` builds into that (EMPTY) database instead, for
    example a private PostgreSQL schema (the API load benchmark)."""
    wire()
    console = console or Console(width=max(Console().width, 130))
    started = time.perf_counter()
    if database_url is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    url = database_url or f"sqlite:///{db_path}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    calendar = default_calendar()

    # The market is dated a year back: a batch of pledge filings runs in its first weeks, and a whole year of lending
    # runs from the market date, closing every day up to yesterday. Today is the business date the API then serves.
    market_day = today - dt.timedelta(days=max(year_days, FILING_WEEKS_DAYS))
    spec = preset("small", as_of=market_day)
    market = generate(spec, seed)
    summary = load(engine, market)
    console.rule("[bold]ippledge 演示 demo[/bold]")
    console.print(
        f"模拟市场 simulated market '{spec.name}' (seed {seed}) as of {market_day}: "
        + ", ".join(f"{k} {v:,}" for k, v in summary.counts.items())
    )
    appraiser, history = appraisal.prepare(factory, market, seed)
    console.print(f"隐藏真值与估值历史 hidden true values stored (sim_truth); {history:,} earlier valuation reports")

    aged = registry_desk.age_register(factory, market_day)  # lapses and expiries become events before anyone files
    console.print(f"登记簿老化 register aged to {market_day}: {aged.total} lapse/expiry events")
    with factory() as s:
        cases = scenario.plan(s, seed, market_day, market_day + dt.timedelta(days=42))
    cases += registry_desk.trademark_cases(factory, cases, seed, market_day, market_day + dt.timedelta(days=42 + 1830))
    outcomes = run.file_all(factory, cases, market_day + dt.timedelta(days=1), calendar, seed)
    last = max((o.decided_on for o in outcomes if o.decided_on), default=market_day)
    after = run.change_and_release(factory, outcomes, calendar.next_working_day(last), calendar)

    report.print_filings(console, outcomes)
    report.print_reasons(console, outcomes)
    report.print_time_limits(console, outcomes)
    report.print_aftercare(console, after)
    with factory() as s:
        in_force = pledges.count_in_force(s)
        example = next((o for o in outcomes if o.pledge_id and o.case.asset_ids), None)
        if example is not None and example.decided_on is not None:
            before = example.decided_on - dt.timedelta(days=1)
            asset = example.case.asset_ids[0]
            regulator = run.Actors(s).user("regulator.analyst")
            on_before = [p.registration_no for p in pledges.pledges_of_asset(s, regulator, asset, before)]
            on_after = [p.registration_no for p in pledges.pledges_of_asset(s, regulator, asset, example.decided_on)]
            console.print(
                f"在押查询 pledges in force on asset {asset}: {before} → {on_before or 'none'}; "
                f"{example.decided_on} → {on_after}"
            )
    console.print(f"有效质权 pledges in force: {in_force}")
    app = create_app(Settings(database_url=url, secret_key=new_key()), engine=engine)
    played: list[Year] = []
    tracks = (
        _year(app, factory, market_day, seed, calendar, console, year_days, firms, appraiser, played)
        if year_days
        else []
    )
    if year_days:
        supervision_report.print_supervision(factory, console, market_day, today - dt.timedelta(days=1), today)
        whitelist_run.run(factory, console, today, calendar, seed)
    open_files: list[today_work.OpenFile] = []
    if played:
        with factory() as s:
            open_files = today_work.leave_open_work(app, played[0], s, today)
        today_work.print_open_work(console, open_files)
    with factory() as s:
        count, problems = audit.verify(s)
        ledger = check_books(s, as_of=today)  # nothing may be booked after the business date
    console.print(
        f"审计链 audit chain: {count} records, "
        + ("[green]intact 完整[/green]" if not problems else f"[red]{len(problems)} problems[/red]")
    )
    console.print(
        f"总账 ledger check: {ledger.entries:,} entries, {ledger.expectations_checked} account balances checked, "
        + (
            "[green]every entry balances, every loan and pool agrees 平衡[/green]"
            if ledger.ok
            else f"[red]{ledger.problem_count} problems[/red]"
        )
    )
    _relay(factory, console)
    console.print(
        f"营业日 business date {today} (China time); days closed through {today - dt.timedelta(days=1)}; "
        "the API and CLI act on the business date unless a date is given"
    )
    where = db_path if database_url is None else engine.url.render_as_string(hide_password=True)
    console.print(f"demo built in {time.perf_counter() - started:.1f} s · database {where}")
    console.print(
        f"登录 log in as bank1.officer, ent0001.admin, registry.patent.officer … password '{DEMO_PASSWORD}' (demo only)"
    )
    return DemoResult(url, outcomes, len(problems), tracks, ledger.ok, open_files)
