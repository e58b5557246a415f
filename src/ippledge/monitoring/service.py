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
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.calendar import add_months, default_calendar
from ippledge.kernel.money import to_fen
from ippledge.lending import queries as lending_queries
from ippledge.lending.close import service as close_service
from ippledge.monitoring import actions, decisions, errors, model, ports, security, self_cure, store
from ippledge.monitoring.model import FINDINGS, Finding, WatchState
from ippledge.monitoring.tables import MonitoringAlert, MonitoringRun, WatchEntry, WatchHistory
from ippledge.outbox import events
from ippledge.pledge import queries as pledge_queries
from ippledge.registry import queries as registry_queries
from ippledge.registry.model import ANNUITY_GRACE_MONTHS, grace_end, surcharge_rate
from ippledge.risk_sharing import queries as risk_queries
from ippledge.valuation import queries as valuation_queries
from ippledge.valuation import revaluation

MAX_CATCH_UP_DAYS: Final = 1100
# The very first pass has no watermark: it reads the events of the last 30 days only, not the register's history.
FIRST_PASS_LOOKBACK_DAYS: Final = 30
SYSTEM: Final = "system:monitoring"


@dataclass(frozen=True)
class Draft:
    loan_id: int
    finding: Finding
    subject: str
    what: model.Text
    details: dict[str, Any]
    asset_id: int | None = None
    code: str | None = None  # the legal-status code of a LEGAL_EVENT


@dataclass
class MonitoringReport:
    date: dt.date
    loans: int = 0
    alerts: int = 0
    by_finding: dict[str, int] = field(default_factory=dict)
    watch_opened: int = 0
    revalued: bool = False
    already_run: bool = False
    escalated: int = 0  # post-loan actions past their time limit, escalated by this pass
    inspections_opened: int = 0  # 贷后检查 opened by this pass (first after disbursement, then periodic)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "loans": self.loans,
            "alerts": self.alerts,
            "by_finding": dict(self.by_finding),
            "watch_opened": self.watch_opened,
            "revalued": self.revalued,
            "already_run": self.already_run,
            "escalated": self.escalated,
            "inspections_opened": self.inspections_opened,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MonitoringReport:
        return cls(
            dt.date.fromisoformat(data["date"]),
            data["loans"],
            data["alerts"],
            dict(data["by_finding"]),
            data["watch_opened"],
            data["revalued"],
            escalated=data.get("escalated", 0),
            inspections_opened=data.get("inspections_opened", 0),
        )


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
    holdings = pledge_queries.pledges_in_force_on(session, day)
    by_pledge = lending_queries.open_loans_by_pledge(session, [h.pledge_id for h in holdings])
    loans_of_asset: dict[int, list[tuple[int, int]]] = {}  # asset -> [(pledge, loan)]
    for h in holdings:
        for aid in h.ip_asset_ids:
            loans_of_asset.setdefault(aid, []).extend((h.pledge_id, lid) for lid in by_pledge.get(h.pledge_id, []))
    loan_ids = sorted({lid for lids in by_pledge.values() for lid in lids})
    loans = lending_queries.loan_summaries(session, loan_ids)
    pledged = sorted(aid for aid, pl in loans_of_asset.items() if pl)
    facts = registry_queries.pledged_asset_facts(session, pledged)
    drafts: list[Draft] = []

    first = store.last_run(session) is None
    mark = store.watermark(session)
    since_first = day - dt.timedelta(days=FIRST_PASS_LOOKBACK_DAYS) if first else None
    for ev in registry_queries.status_events_after(session, mark, day, since_first):
        mark = max(mark, ev.id)
        if model.quiet_event(ev.code):
            continue
        finding = model.finding_for_event(ev.code)
        for pledge_id, lid in loans_of_asset.get(ev.asset_id, []):
            name = model.EVENT_ZH.get(ev.code, ev.code)
            what = model.Text(
                f"质物{_num(facts, ev.asset_id)}发生{ev.code}（{name}）", f"{ev.code} on {_num(facts, ev.asset_id)}"
            )
            details = {"code": ev.code, "effective_date": ev.effective_date.isoformat(), "pledge_id": pledge_id}
            details["feed_batch_id"] = ev.batch_id
            drafts.append(Draft(lid, finding, f"event:{ev.id}", what, details, ev.asset_id, ev.code))

    if first:  # the history before the lookback is not news: start the watermark after it
        mark = max(mark, registry_queries.last_event_id(session))

    since = add_months(day, -ANNUITY_GRACE_MONTHS)
    until = day + dt.timedelta(days=model.ANNUITY_WATCH_DAYS)
    for a in registry_queries.open_annuities(session, pledged, since, until):
        stage = model.annuity_stage(a.due_date, day)
        if stage is None:
            continue
        rate = surcharge_rate(a.due_date, day)
        owed = model.amount_due(a.amount, a.due_date, day)
        num = _num(facts, a.asset_id)
        if stage is Finding.ANNUITY_DUE:
            what = model.Text(
                f"质物{num}第{a.year_no}年度年费将于{a.due_date}到期", f"{num}: year {a.year_no} fee due {a.due_date}"
            )
        else:
            end = grace_end(a.due_date)
            what = model.Text(
                f"质物{num}第{a.year_no}年度年费已逾期，宽限期至{end}，现缴滞纳金{rate:.0%}",
                f"{num}: year {a.year_no} fee unpaid, grace ends {end}, surcharge now {rate:.0%}",
            )
        details = {
            "year_no": a.year_no,
            "due_date": a.due_date.isoformat(),
            "grace_ends": grace_end(a.due_date).isoformat(),
            "fee_fen": to_fen(a.amount),
            "surcharge_rate": str(rate),
            "amount_due_fen": to_fen(owed),
        }
        for pledge_id, lid in loans_of_asset[a.asset_id]:
            subject = f"annuity:{a.asset_id}:{a.year_no}"
            drafts.append(Draft(lid, stage, subject, what, {**details, "pledge_id": pledge_id}, a.asset_id))

    for aid in pledged:
        f = facts.get(aid)
        for pledge_id, lid in loans_of_asset[aid]:
            loan = loans[lid]
            if f is not None and model.term_short(f.expiry_date, loan.maturity_date):
                what = model.Text(
                    f"质物{f.number}保护期{f.expiry_date}届满，早于贷款到期日{loan.maturity_date}",
                    f"{f.number} expires {f.expiry_date}, before the loan matures {loan.maturity_date}",
                )
                details = {"expiry_date": str(f.expiry_date), "maturity_date": str(loan.maturity_date)}
                subject = f"term:{aid}:{loan.maturity_date}"  # a maturity moved (展期) is a new finding
                drafts.append(Draft(lid, Finding.TERM_SHORT, subject, what, {**details, "pledge_id": pledge_id}, aid))

    revalued = (is_revaluation_day(day) if revalue is None else revalue) and bool(loan_ids)
    if revalued:
        drafts.extend(_ltv_findings(session, day, by_pledge, loans, facts))

    borrowers = sorted({loans[lid].borrower_id for lid in loan_ids})
    by_borrower: dict[int, list[int]] = {}
    for lid in loan_ids:
        by_borrower.setdefault(loans[lid].borrower_id, []).append(lid)
    for s in ports.borrower_signals(session, borrowers, day):
        what = model.Text(f"借款人预警信号：{s.kind}（{s.detail}）", f"borrower signal: {s.kind} ({s.detail})")
        for lid in by_borrower.get(s.borrower_id, []):
            if s.bank_id is not None and loans[lid].bank_id != s.bank_id:
                continue  # read under one bank's consent: another lender does not hear it
            drafts.append(Draft(lid, Finding.BORROWER_SIGNAL, f"signal:{s.kind}:{s.ref}", what, {"kind": s.kind}))

    report = _raise(session, day, drafts, loans)
    holding = {(d.loan_id, rule) for d in drafts if (rule := model.watch_rule_of(d.finding, d.code)) is not None}
    self_cure.cure_gone(session, day, set(loan_ids), holding)  # e.g. term_short once the IP outlives the loan
    report.loans = len(loan_ids)
    report.revalued = revalued
    security.settle_filed(session, day)  # 追加担保 registered (or refused) since the last pass
    report.escalated = actions.escalate_overdue(session, day)
    report.inspections_opened = actions.open_inspections(session, [loans[lid] for lid in loan_ids], day)
    session.add(MonitoringRun(business_date=day, event_watermark=mark, report=json.dumps(report.to_dict())))
    audit.record(session, SYSTEM, "monitoring.run", "monitoring_run", day.isoformat(), report.to_dict())
    session.flush()
    return report


def _num(facts: dict[int, registry_queries.PledgedAssetFacts], aid: int) -> str:
    f = facts.get(aid)
    return f.number if f is not None else str(aid)


def _ltv_findings(
    session: Session,
    day: dt.date,
    by_pledge: dict[int, list[int]],
    loans: dict[int, lending_queries.LoanSummary],
    facts: dict[int, registry_queries.PledgedAssetFacts],
) -> list[Draft]:
    """Revalue pledged IP (valuation's own pass) and turn its breaches into findings, with the LTV against the
    appraisal of record (the valid report the loan was granted on) beside the model's. The breached pledges' assets
    are read in one query, not one per breach (decision 0033)."""
    summary = revaluation.revalue_pledged(session, day)
    out: list[Draft] = []
    assets_of = pledge_queries.pledge_asset_ids_of(session, summary.breaches)
    for pid in summary.breaches:
        assets = assets_of.get(pid, [])
        for lid in by_pledge.get(pid, []):
            loan = loans[lid]
            appraised = 0
            if loan.application_id is not None:
                for aid in assets:
                    item = valuation_queries.latest_valid(session, loan.application_id, aid, day)
                    appraised += 0 if item is None else to_fen(item.value)
            owed = to_fen(loan.outstanding_principal)
            record_bp = round(owed * 10_000 / appraised) if appraised else None
            model_bp = summary.ltv_bp.get(pid)
            what = model.Text(
                f"重估后质押率{_pct(model_bp)}（按评估值{_pct(record_bp)}）超过触发线",
                f"after revaluation the LTV is {_pct(model_bp)} (against the appraisal {_pct(record_bp)})",
            )
            details = {
                "pledge_id": pid,
                "model_ltv_bp": model_bp,
                "appraisal_ltv_bp": record_bp,
                "appraised_fen": appraised,
            }
            out.append(Draft(lid, Finding.LTV_BREACH, f"ltv:{pid}:{day.isoformat()}", what, details))
    return out


def _pct(bp: int | None) -> str:
    return "-" if bp is None else f"{bp / 100:.2f}%"


def _raise(
    session: Session, day: dt.date, drafts: list[Draft], loans: dict[int, lending_queries.LoanSummary]
) -> MonitoringReport:
    report = MonitoringReport(day)
    if not drafts:
        return report
    seen = store.raised(session, {d.loan_id for d in drafts})
    fresh: list[Draft] = []
    for d in drafts:
        key = (d.loan_id, d.finding.value, d.subject)
        if key not in seen:
            seen.add(key)
            fresh.append(d)
    if not fresh:
        return report
    sharers = risk_queries.risk_sharers(session, {d.loan_id for d in fresh}, day)
    active = store.active_entries(session, [d.loan_id for d in fresh])
    cal = default_calendar()
    act_by_of = {f: cal.add_working_days(day, FINDINGS[f].act_within) for f in {d.finding for d in fresh}}
    # One Core insert of the alerts (ids returned in order), then one of the watch-list entries they open, their
    # first history steps, and one bulk update of the alerts' payloads: no ORM object per row (decision 0033).
    alert_ids = _insert_ids(
        session,
        MonitoringAlert,
        [
            {
                "business_date": day,
                "loan_id": d.loan_id,
                "bank_id": loans[d.loan_id].bank_id,
                "finding": d.finding.value,
                "subject": d.subject,
                "ip_asset_id": d.asset_id,
                "act_by": act_by_of[d.finding],
                "payload": "{}",
            }
            for d in fresh
        ],
    )
    entry_ids: dict[tuple[int, str], int] = {key: e.id for key, e in active.items()}
    new_rows: dict[tuple[int, str], dict[str, Any]] = {}
    watch_of: list[tuple[int, str] | None] = []
    for d, alert_id in zip(fresh, alert_ids, strict=True):
        watch = model.watch_rule_of(d.finding, d.code)
        wkey = None if watch is None else (d.loan_id, watch)
        if wkey is not None and wkey not in entry_ids and wkey not in new_rows:
            loan = loans[d.loan_id]
            e = _new_entry(loan.id, loan.bank_id, wkey[1], d.what.zh, day, SYSTEM, alert_id, act_by_of[d.finding])
            new_rows[wkey] = {c: getattr(e, c) for c in _ENTRY_COLUMNS}
        watch_of.append(wkey)
    if new_rows:
        ids = _insert_ids(session, WatchEntry, list(new_rows.values()))
        entry_ids.update(zip(new_rows, ids, strict=True))
        _opened_history_rows(session, [(i, r) for i, r in zip(ids, new_rows.values(), strict=True)], day, SYSTEM)
        report.watch_opened += len(new_rows)
    items: list[tuple[str, dict[str, Any], int | None, list[int]]] = []
    counts: Counter[str] = Counter()
    updates: list[dict[str, Any]] = []
    for d, alert_id, wkey in zip(fresh, alert_ids, watch_of, strict=True):
        loan = loans[d.loan_id]
        rule = FINDINGS[d.finding]
        others = sharers.get(d.loan_id)
        audience = sorted({loan.borrower_id, *(others.party_ids() if others else [])})
        payload = {
            "alert_id": alert_id,
            "loan_id": loan.id,
            "contract_no": loan.contract_no,
            "bank_id": loan.bank_id,
            "borrower_id": loan.borrower_id,
            "on": day.isoformat(),
            "finding": d.finding.value,
            "subject": d.subject,
            "asset_id": d.asset_id,
            "what": {"zh": d.what.zh, "en": d.what.en},
            "why": {"zh": rule.why.zh, "en": rule.why.en},
            "action": {"zh": rule.action.zh, "en": rule.action.en},
            "act_by": act_by_of[d.finding].isoformat(),
            "act_within_working_days": rule.act_within,
            "scheme_code": others.scheme_code if others else None,
            "watch_entry_id": None if wkey is None else entry_ids[wkey],
            "rules_version": model.RULES_VERSION,
            "details": d.details,
        }
        updates.append({"id": alert_id, "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True)})
        items.append(("monitoring.alert", payload, loan.bank_id, audience))
        counts[d.finding.value] += 1
    session.execute(update(MonitoringAlert), updates)  # ORM bulk update by primary key: one executemany
    events.publish_many(session, items)
    report.alerts = len(items)
    report.by_finding = dict(sorted(counts.items()))
    return report


# -- the watch list (关注名单) ---------------------------------------------------------------------------------------


def _new_entry(
    loan_id: int,
    bank_id: int,
    rule: str,
    reason: str,
    day: dt.date,
    actor: str,
    alert_id: int | None,
    act_by: dt.date | None,
    owner: str | None = None,
) -> WatchEntry:
    return WatchEntry(
        loan_id=loan_id,
        bank_id=bank_id,
        rule=rule,
        state=WatchState.OPEN.value,
        owner=owner,
        reason=reason,
        alert_id=alert_id,
        opened_on=day,
        opened_by=actor[:64],
        act_by=act_by,
        updated_on=day,
    )


_ENTRY_COLUMNS: Final = (
    "loan_id", "bank_id", "rule", "state", "owner", "reason", "alert_id", "opened_on", "opened_by", "act_by",
    "updated_on",
)  # fmt: skip


def _insert_ids(
    session: Session, entity: type[MonitoringAlert] | type[WatchEntry], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` in one statement per batch and return their ids in the rows' order."""
    stmt = insert(entity).returning(entity.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, rows)) if rows else []


def _opened_history(session: Session, entries: list[WatchEntry], day: dt.date, actor: str) -> None:
    """The first history step and the ``monitoring.watch_changed`` event of entries just inserted (ids known)."""
    _opened_history_rows(session, [(e.id, {c: getattr(e, c) for c in _ENTRY_COLUMNS}) for e in entries], day, actor)


def _opened_history_rows(session: Session, entries: list[tuple[int, dict[str, Any]]], day: dt.date, actor: str) -> None:
    session.execute(
        insert(WatchHistory),
        [
            {
                "entry_id": i,
                "from_state": None,
                "to_state": e["state"],
                "on": day,
                "actor": actor[:64],
                "note": e["reason"],
            }
            for i, e in entries
        ],
    )
    items: list[tuple[str, dict[str, Any], int | None, list[int]]] = [
        (
            "monitoring.watch_changed",
            {
                "entry_id": i,
                "loan_id": e["loan_id"],
                "rule": e["rule"],
                "from": None,
                "to": e["state"],
                "on": day.isoformat(),
            },
            e["bank_id"],
            [],
        )
        for i, e in entries
    ]
    events.publish_many(session, items)


def _open(
    session: Session,
    loan_id: int,
    bank_id: int,
    rule: str,
    reason: str,
    day: dt.date,
    actor: str,
    alert_id: int | None,
    act_by: dt.date | None,
    owner: str | None = None,
) -> WatchEntry:
    entry = _new_entry(loan_id, bank_id, rule, reason, day, actor, alert_id, act_by, owner)
    session.add(entry)
    session.flush()
    _opened_history(session, [entry], day, actor)
    return entry


def _require_bank(principal: Principal) -> None:
    if principal.party_kind is not PartyKind.BANK:
        raise errors.NOT_THE_BANK()
    principal.require(Role.CREDIT_OFFICER, Role.APPROVER)


def open_entry(
    session: Session, principal: Principal, loan_id: int, reason: str, day: dt.date, owner: str | None = None
) -> WatchEntry:
    """An officer lists a loan of its own bank (rule ``officer``); another bank's loan is a 404."""
    _require_bank(principal)
    loan = lending_queries.loan_summary(session, loan_id)
    if loan is None or loan.bank_id != principal.party_id:
        raise errors.LOAN_NOT_FOUND(loan_id=loan_id)
    if not reason or not reason.strip():
        raise errors.NOTE_REQUIRED()
    existing = store.active_entries(session, [loan_id]).get((loan_id, "officer"))
    if existing is not None:
        raise errors.WATCH_OPEN(entry_id=existing.id)
    entry = _open(session, loan_id, loan.bank_id, "officer", reason.strip(), day, principal.actor, None, None, owner)
    audit.record(session, principal, "monitoring.watch_opened", "watch_entry", entry.id, {"loan_id": loan_id})
    return entry


def visible_entry(session: Session, principal: Principal, entry_id: int) -> WatchEntry:
    entry = session.scalars(scope.scoped(WatchEntry, principal).where(WatchEntry.id == entry_id)).first()
    if entry is None or principal.party_kind is PartyKind.REGULATOR:  # the regulator reads the list, never acts on it
        raise errors.WATCH_NOT_FOUND(entry_id=entry_id)
    return entry


def move_entry(
    session: Session,
    principal: Principal,
    entry_id: int,
    to: WatchState,
    note: str,
    day: dt.date,
    owner: str | None = None,
) -> WatchEntry:
    """Move an entry along open → acting → cured/escalated → closed, with what was done; out of order is a 409."""
    entry = visible_entry(session, principal, entry_id)
    _require_bank(principal)
    if not note or not note.strip():
        raise errors.NOTE_REQUIRED()
    state = WatchState(entry.state)
    if not model.can_move(state, to):
        raise errors.WATCH_MOVE(state=state.value, to=to.value)
    entry.state = to.value
    entry.updated_on = day
    if owner is not None:
        entry.owner = owner[:64]
    session.add(
        WatchHistory(
            entry_id=entry.id,
            from_state=state.value,
            to_state=to.value,
            on=day,
            actor=principal.actor[:64],
            note=note.strip(),
        )
    )
    events.publish(
        session,
        "monitoring.watch_changed",
        {
            "entry_id": entry.id,
            "loan_id": entry.loan_id,
            "rule": entry.rule,
            "from": state.value,
            "to": to.value,
            "on": day.isoformat(),
        },
        entry.bank_id,
    )
    audit.record(
        session, principal, "monitoring.watch_moved", "watch_entry", entry.id, {"from": state.value, "to": to.value}
    )
    session.flush()
    return entry


# -- actions (贷后措施): the commands live in ``monitoring.actions``; this is the face others call -----------------

propose_annuity_payment = actions.propose_annuity_payment
propose_downgrade = actions.propose_downgrade
plan_site_visit = actions.plan_site_visit
record_findings = actions.record_findings
decide_action = decisions.decide
