"""Raising the pass's findings (预警): each finding an alert stored once, published to the loan's risk sharers, and
the watch-list entry its rule opens.

A finding already raised for the same loan, finding and subject is dropped. The alerts, the watch entries they open
and the entries' first history steps are Core inserts with the ids returned in row order, the alerts' payloads (which
carry those ids) one bulk update: no ORM object per row (decision 0033). ``monitoring.alert`` goes to the bank, the
borrower and, for a loan enrolled in a scheme, its fund, insurer, guarantor and IP operations institution.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import update
from sqlalchemy.orm import Session

from ippledge.kernel.calendar import default_calendar
from ippledge.lending import queries as lending_queries
from ippledge.monitoring import model, store
from ippledge.monitoring import watch as watch_list
from ippledge.monitoring.model import FINDINGS, Finding
from ippledge.monitoring.tables import MonitoringAlert, WatchEntry
from ippledge.outbox import events
from ippledge.risk_sharing import queries as risk_queries

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


def raise_alerts(
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
    alert_ids = watch_list.insert_ids(
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
            act_by = act_by_of[d.finding]
            e = watch_list.new_entry(loan.id, loan.bank_id, wkey[1], d.what.zh, day, SYSTEM, alert_id, act_by)
            new_rows[wkey] = {c: getattr(e, c) for c in watch_list.ENTRY_COLUMNS}
        watch_of.append(wkey)
    if new_rows:
        ids = watch_list.insert_ids(session, WatchEntry, list(new_rows.values()))
        entry_ids.update(zip(new_rows, ids, strict=True))
        opened = list(zip(ids, new_rows.values(), strict=True))
        watch_list.opened_history_rows(session, opened, day, SYSTEM)
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
