"""Valuation task use cases (估值任务): submit a report for an accepted task, correct it.

Accepting and declining a task are the generic task actions of intake (``/tasks/{id}/accept``; a declined task lets
the bank pick another valuer). Reports are visible to their valuer, the commissioning bank, the applicant, the
platform operator and the regulator. The latest valid value of an IP is a read: ``valuation.queries.latest_valid``.
Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access.model import Principal
from ippledge.db import bulk_copy, bulk_timestamp, utcnow
from ippledge.intake import queries as intake_queries
from ippledge.intake import service as intake
from ippledge.intake.model import TaskKind, TaskStatus
from ippledge.intake.queries import TaskRef
from ippledge.kernel.money import to_fen
from ippledge.valuation import errors
from ippledge.valuation.model import CheckedReport, ReportDraft, check_report
from ippledge.valuation.tables import ValuationReport, ValuationReportItem


def _store(
    session: Session, principal: Principal, task: TaskRef, r: CheckedReport, today: dt.date, supersedes: int | None
) -> ValuationReport:
    assert principal.user_id is not None
    application = intake_queries.application_facts(session, task.application_id)
    report = ValuationReport(
        report_no=f"VR{today:%Y%m%d}{secrets.token_hex(4).upper()}",
        source="task",
        client_id=None if application is None else application.applicant_id,
        task_id=task.id,
        application_id=task.application_id,
        bank_id=task.bank_id,
        valuer_id=task.assignee_id,
        internal=task.kind is TaskKind.INTERNAL_VALUATION,
        signer_user_id=principal.user_id,
        method=r.method.value,
        assumptions=json.dumps(r.assumptions, ensure_ascii=False, sort_keys=True, default=str),
        valuation_date=r.valuation_date,
        valid_until=r.valid_until,
        total=r.total,
        supersedes_id=supersedes,
        submitted_on=today,
        submitted_at=utcnow(),
    )
    session.add(report)
    session.flush()
    session.add_all(ValuationReportItem(report_id=report.id, ip_asset_id=a, value=v) for a, v in r.items)
    session.flush()
    audit.record(
        session,
        principal,
        "valuation.report_submitted",
        "valuation_report",
        report.id,
        {
            "task_id": task.id,
            "total_fen": to_fen(report.total),
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
    task = intake.assigned_task(session, principal, task_id, TaskKind.VALUATION, TaskKind.INTERNAL_VALUATION)
    _signer(principal)
    if task.status is not TaskStatus.ACCEPTED:
        raise errors.TASK_NOT_ACCEPTED(status=task.status.value)
    checked = check_report(draft, today, frozenset(intake_queries.asset_ids(session, task.application_id)))
    report = _store(session, principal, task, checked, today, None)
    intake.complete_task(session, principal, task.id, today, result_ref=f"valuation_report:{report.id}")
    return report


def correct_report(
    session: Session, principal: Principal, report_id: int, draft: ReportDraft, today: dt.date
) -> ValuationReport:
    """A correction (更正) is a new report superseding the old one; the old one is never changed."""
    old = scope.get_visible(session, ValuationReport, report_id, principal)
    if old.task_id is None:
        raise errors.EXTERNAL_REPORT()
    task = intake.assigned_task(session, principal, old.task_id, TaskKind.VALUATION, TaskKind.INTERNAL_VALUATION)
    _signer(principal)
    if session.scalar(select(ValuationReport.id).where(ValuationReport.supersedes_id == old.id)) is not None:
        raise errors.SUPERSEDED()
    checked = check_report(draft, today, frozenset(intake_queries.asset_ids(session, task.application_id)))
    return _store(session, principal, task, checked, today, old.id)


def get_report(session: Session, principal: Principal, report_id: int) -> ValuationReport:
    return scope.get_visible(session, ValuationReport, report_id, principal)


def reports_of(session: Session, principal: Principal, application_id: int) -> list[ValuationReport]:
    stmt = scope.scoped(ValuationReport, principal).where(ValuationReport.application_id == application_id)
    return list(session.scalars(stmt.order_by(ValuationReport.id)))


# --- Bulk record of external reports (外部评估报告批量记录), for the simulated valuation history ---------------------
# (Imports appended with the functions, so that parallel additions to this face merge cleanly.)


_REPORT_COLUMNS = (
    "id", "report_no", "source", "valuer_id", "client_id", "internal", "method", "assumptions",
    "valuation_date", "valid_until", "total_fen", "currency", "submitted_on", "submitted_at",
)  # fmt: skip


@dataclass(frozen=True)
class ExternalReport:
    """An external valuation report (外部评估报告) of one IP, engaged by ``client_id`` (usually its owner)."""

    report_no: str
    valuer_id: int
    client_id: int
    ip_asset_id: int
    value: Decimal  # yuan, whole fen
    method: str
    assumptions: str  # JSON object
    valuation_date: dt.date
    valid_until: dt.date
    submitted_on: dt.date


def record_external_reports(session: Session, reports: Sequence[ExternalReport]) -> int:
    """Record many external reports of one IP each in a few statements (explicit ids after the highest one).

    Unaudited one by one: the caller audits the batch once. Returns the reports written."""
    if not reports:
        return 0
    first = int(session.scalar(select(func.coalesce(func.max(ValuationReport.id), 0))) or 0) + 1
    stamp = bulk_timestamp(session)
    fen = [to_fen(r.value) for r in reports]
    rows = [
        (
            first + k, r.report_no, "external", r.valuer_id, r.client_id, False, r.method, r.assumptions,
            r.valuation_date.isoformat(), r.valid_until.isoformat(), f, "CNY", r.submitted_on.isoformat(), stamp,
        )
        for k, (r, f) in enumerate(zip(reports, fen, strict=True))
    ]  # fmt: skip
    bulk_copy(session, "valuation_report", _REPORT_COLUMNS, [rows], reset_id_sequence=True)
    items = [(first + k, r.ip_asset_id, f) for k, (r, f) in enumerate(zip(reports, fen, strict=True))]
    bulk_copy(session, "valuation_report_item", ("report_id", "ip_asset_id", "value_fen"), [items])
    return len(rows)
