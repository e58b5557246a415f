"""Valuation task use cases (估值任务): submit a report for an accepted task, correct it, find the latest valid one.

Accepting and declining a task are the generic task actions of ``intake.tasks`` (a declined task lets the bank
pick another valuer). Reports are visible to their valuer, the commissioning bank, the applicant, the platform
operator and the regulator. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access.model import Principal
from ippledge.db import utcnow
from ippledge.intake import store as intake_store
from ippledge.intake import tasks
from ippledge.intake.model import TaskKind, TaskStatus
from ippledge.intake.tables import Application, Task
from ippledge.kernel.money import from_fen, to_fen
from ippledge.valuation import errors
from ippledge.valuation.model import CheckedReport, ReportDraft, check_report, is_valid_on
from ippledge.valuation.tables import ValuationReport, ValuationReportItem


def _store(
    session: Session, principal: Principal, task: Task, r: CheckedReport, today: dt.date, supersedes: int | None
) -> ValuationReport:
    assert principal.user_id is not None
    application = session.get(Application, task.application_id)
    report = ValuationReport(
        report_no=f"VR{today:%Y%m%d}{secrets.token_hex(4).upper()}",
        source="task",
        client_id=None if application is None else application.applicant_id,
        task_id=task.id,
        application_id=task.application_id,
        bank_id=task.bank_id,
        valuer_id=task.assignee_id,
        internal=task.kind == TaskKind.INTERNAL_VALUATION.value,
        signer_user_id=principal.user_id,
        method=r.method.value,
        assumptions=json.dumps(r.assumptions, ensure_ascii=False, sort_keys=True, default=str),
        valuation_date=r.valuation_date,
        valid_until=r.valid_until,
        total_fen=to_fen(r.total),
        supersedes_id=supersedes,
        submitted_on=today,
        submitted_at=utcnow(),
    )
    session.add(report)
    session.flush()
    session.add_all(ValuationReportItem(report_id=report.id, ip_asset_id=a, value_fen=to_fen(v)) for a, v in r.items)
    session.flush()
    audit.record(
        session,
        principal,
        "valuation.report_submitted",
        "valuation_report",
        report.id,
        {
            "task_id": task.id,
            "total_fen": report.total_fen,
            "method": report.method,
            "supersedes": supersedes,
            "items": {str(a): to_fen(v) for a, v in r.items},
        },
    )
    return report


def _signer(principal: Principal) -> None:
    if principal.user_id is None:
        raise errors.SIGNER()


def submit_report(
    session: Session, principal: Principal, task_id: int, draft: ReportDraft, today: dt.date
) -> ValuationReport:
    """The valuer (or the bank, for an internal valuation) submits its report; the task is done."""
    task = tasks.assigned_task(session, principal, task_id, TaskKind.VALUATION, TaskKind.INTERNAL_VALUATION)
    _signer(principal)
    if task.status != TaskStatus.ACCEPTED.value:
        raise errors.TASK_NOT_ACCEPTED(status=task.status)
    checked = check_report(draft, today, frozenset(intake_store.asset_ids(session, task.application_id)))
    report = _store(session, principal, task, checked, today, None)
    tasks.transition(session, principal, task, "complete", today, result_ref=f"valuation_report:{report.id}")
    return report


def correct_report(
    session: Session, principal: Principal, report_id: int, draft: ReportDraft, today: dt.date
) -> ValuationReport:
    """A correction (更正) is a new report superseding the old one; the old one is never changed."""
    old = scope.get_visible(session, ValuationReport, report_id, principal)
    if old.task_id is None:
        raise errors.EXTERNAL_REPORT()
    task = tasks.assigned_task(session, principal, old.task_id, TaskKind.VALUATION, TaskKind.INTERNAL_VALUATION)
    _signer(principal)
    if session.scalar(select(ValuationReport.id).where(ValuationReport.supersedes_id == old.id)) is not None:
        raise errors.SUPERSEDED()
    checked = check_report(draft, today, frozenset(intake_store.asset_ids(session, task.application_id)))
    return _store(session, principal, task, checked, today, old.id)


def get_report(session: Session, principal: Principal, report_id: int) -> ValuationReport:
    return scope.get_visible(session, ValuationReport, report_id, principal)


def reports_of(session: Session, principal: Principal, application_id: int) -> list[ValuationReport]:
    stmt = scope.scoped(ValuationReport, principal).where(ValuationReport.application_id == application_id)
    return list(session.scalars(stmt.order_by(ValuationReport.id)))


@dataclass(frozen=True)
class ValuedItem:
    report_id: int
    ip_asset_id: int
    value: Decimal
    valuation_date: dt.date
    valid_until: dt.date


def latest_valid(
    session: Session, application_id: int, ip_asset_id: int, as_of: dt.date, bank_id: int | None = None
) -> ValuedItem | None:
    """The latest report valid on ``as_of`` that values the IP (corrections known by then replace the original)."""
    stmt = (
        select(ValuationReport, ValuationReportItem.value_fen)
        .join(ValuationReportItem, ValuationReportItem.report_id == ValuationReport.id)
        .where(
            ValuationReport.application_id == application_id,
            ValuationReportItem.ip_asset_id == ip_asset_id,
            ValuationReport.submitted_on <= as_of,
        )
    )
    if bank_id is not None:
        stmt = stmt.where(ValuationReport.bank_id == bank_id)
    rows = session.execute(stmt).all()
    corrections = select(ValuationReport.supersedes_id).where(
        ValuationReport.application_id == application_id,
        ValuationReport.supersedes_id.is_not(None),
        ValuationReport.submitted_on <= as_of,
    )
    superseded = set(session.scalars(corrections))
    candidates = [
        (r, fen) for r, fen in rows if r.id not in superseded and is_valid_on(r.valuation_date, r.valid_until, as_of)
    ]
    if not candidates:
        return None
    r, fen = max(candidates, key=lambda c: (c[0].valuation_date, c[0].id))
    return ValuedItem(r.id, ip_asset_id, from_fen(fen), r.valuation_date, r.valid_until)
