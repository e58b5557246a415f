"""Post-loan monitoring use cases (贷后监测): the pass after each daily close, and the watch list (关注名单).

``run_day(D)`` looks at every active loan secured by a pledge in force on ``D`` and raises, once per subject:

1. the legal-status events recorded since the last pass on its pledged IP (feeds and single events alike);
2. the annuity watch: every unpaid annuity of a pledged patent falling due within 60 days, and every one in its
   six-month grace with the surcharge that applies on ``D`` (a warning before any CF01);
3. the term check: pledged IP whose protection ends before the loan matures (its watch entry cured by the first
   pass that finds the IP outliving the loan again: ``self_cure``);
4. on the last day of a month, the revaluation of pledged IP (``valuation.revaluation``) and the loans whose LTV
   crossed the trigger, with the LTV against the appraisal of record beside the model's;
5. borrower signals from ``monitoring.ports`` (tax arrears, revenue drop, litigation, NPL elsewhere);
6. post-loan actions (``monitoring.actions``, e.g. 代缴年费) still open after their time limit: escalated; and
   each loan's post-loan inspections (贷后检查) opened as they come due.

Each finding is an alert stored once (``monitoring_alert``, unique per loan, finding and subject) and published as
``monitoring.alert`` to everyone who shares the loan's risk: the bank (pledgee), the borrower (pledgor) and, for a loan
enrolled in a scheme, its fund, insurer, guarantor and IP operations institution (``risk_sharing.queries``). Each says
what happened, why it matters for this loan and what action is expected by when (working days). A finding whose rule
says so opens a watch-list entry (once per loan and rule while one is active).

The close calls :func:`after_close` for every date it closes (``lending.close.ports``); a date the pass missed is
caught up first, in order; a date already monitored changes nothing. Flushes only.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Final

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.lending.close import service as close_service
from ippledge.monitoring import actions, alerts, decisions, errors, findings, model, security, self_cure, store, watch
from ippledge.monitoring.alerts import SYSTEM, Draft, MonitoringReport
from ippledge.monitoring.tables import MonitoringRun
from ippledge.registry import queries as registry_queries

__all__ = ["SYSTEM", "Draft", "MonitoringReport"]

MAX_CATCH_UP_DAYS: Final = 1100
# The very first pass has no watermark: it reads the events of the last 30 days only, not the register's history.
FIRST_PASS_LOOKBACK_DAYS: Final = 30


def is_revaluation_day(day: dt.date) -> bool:
    """Pledged IP is revalued on the last day of each month (月末重估)."""
    return (day + dt.timedelta(days=1)).month != day.month


# -- the pass -----------------------------------------------------------------------------------------------------


def after_close(session: Session, day: dt.date) -> None:
    """The close's after-close step (``lending.close.ports``): monitor ``day``, catching up any missed date first."""
    run_through(session, day, closed_through=day)


def run_through(session: Session, through: dt.date, closed_through: dt.date | None = None) -> list[MonitoringReport]:
    """Monitor every date from the day after the last pass through ``through`` (only ``through`` on a first pass);
    ``through`` must be closed. Returns one report per date (the stored one when already monitored)."""
    last_closed = closed_through or close_service.business_day(session).last_closed
    if last_closed is None or through > last_closed:
        raise errors.RUN_FUTURE(date=through.isoformat(), last_closed=str(last_closed))
    done = store.run_of(session, through)
    if done is not None:
        report = MonitoringReport.from_dict(json.loads(done.report))
        report.already_run = True
        return [report]
    last = store.last_run(session)
    if last is None or last.business_date > through:
        days = [through]
    else:
        n = (through - last.business_date).days
        days = [last.business_date + dt.timedelta(days=i) for i in range(1, n + 1)]
    if len(days) > MAX_CATCH_UP_DAYS:
        raise errors.RUN_GAP(days=len(days), max_days=MAX_CATCH_UP_DAYS)
    return [run_day(session, d) for d in days]


def run_day(session: Session, day: dt.date, revalue: bool | None = None) -> MonitoringReport:
    """One monitoring pass for ``day`` (see the module docstring); a second pass of a date changes nothing."""
    done = store.run_of(session, day)
    if done is not None:
        report = MonitoringReport.from_dict(json.loads(done.report))
        report.already_run = True
        return report
    b = findings.book(session, day)
    first = store.last_run(session) is None
    since_first = day - dt.timedelta(days=FIRST_PASS_LOOKBACK_DAYS) if first else None
    drafts, mark = findings.legal_events(session, b, store.watermark(session), since_first)
    if first:  # the history before the lookback is not news: start the watermark after it
        mark = max(mark, registry_queries.last_event_id(session))
    drafts += findings.annuities(session, b)
    drafts += findings.term_short(b)
    revalued = (is_revaluation_day(day) if revalue is None else revalue) and bool(b.loan_ids)
    if revalued:
        drafts += findings.ltv_breaches(session, b)
    drafts += findings.borrower_signals(session, b)

    report = alerts.raise_alerts(session, day, drafts, b.loans)
    holding = {(d.loan_id, rule) for d in drafts if (rule := model.watch_rule_of(d.finding, d.code)) is not None}
    self_cure.cure_gone(session, day, set(b.loan_ids), holding)  # e.g. term_short once the IP outlives the loan
    report.loans = len(b.loan_ids)
    report.revalued = revalued
    security.settle_filed(session, day)  # 追加担保 registered (or refused) since the last pass
    report.escalated = actions.escalate_overdue(session, day)
    report.inspections_opened = actions.open_inspections(session, [b.loans[lid] for lid in b.loan_ids], day)
    session.add(MonitoringRun(business_date=day, event_watermark=mark, report=json.dumps(report.to_dict())))
    audit.record(session, SYSTEM, "monitoring.run", "monitoring_run", day.isoformat(), report.to_dict())
    session.flush()
    return report


# -- the face others call: the watch list (关注名单, ``monitoring.watch``), actions (贷后措施, ``monitoring.actions``)

open_entry = watch.open_entry
visible_entry = watch.visible_entry
move_entry = watch.move_entry

propose_annuity_payment = actions.propose_annuity_payment
propose_downgrade = actions.propose_downgrade
plan_site_visit = actions.plan_site_visit
record_findings = actions.record_findings
decide_action = decisions.decide
