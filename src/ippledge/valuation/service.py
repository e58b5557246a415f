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

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access.model import PartyKind, Principal
from ippledge.db import utcnow
from ippledge.intake import store as intake_store
from ippledge.intake import tasks
from ippledge.intake.model import TaskKind, TaskStatus
from ippledge.intake.tables import Application, Task
from ippledge.kernel.errors import ConflictError, PermissionDeniedError
from ippledge.kernel.money import from_fen, to_fen
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
        raise PermissionDeniedError(
            "评估报告须由具名用户签署", "a report is signed by a named user", code="valuation.signer"
        )


def submit_report(
    session: Session, principal: Principal, task_id: int, draft: ReportDraft, today: dt.date
) -> ValuationReport:
    """The valuer (or the bank, for an internal valuation) submits its report; the task is done."""
    task = tasks.assigned_task(session, principal, task_id, TaskKind.VALUATION, TaskKind.INTERNAL_VALUATION)
    _signer(principal)
    if task.status != TaskStatus.ACCEPTED.value:
        raise ConflictError(
            "须先接受任务才能提交报告",
            "accept the task before submitting a report",
            code="valuation.task_not_accepted",
            details={"status": task.status},
        )
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
        raise ConflictError(
            "外部历史报告不能在平台上更正",
            "an external historical report cannot be corrected on the platform",
            code="valuation.external_report",
        )
    task = tasks.assigned_task(session, principal, old.task_id, TaskKind.VALUATION, TaskKind.INTERNAL_VALUATION)
    _signer(principal)
    if session.scalar(select(ValuationReport.id).where(ValuationReport.supersedes_id == old.id)) is not None:
        raise ConflictError("该报告已被更正", "this report has already been superseded", code="valuation.superseded")
    checked = check_report(draft, today, frozenset(intake_store.asset_ids(session, task.application_id)))
    return _store(session, principal, task, checked, today, old.id)


def get_report(session: Session, principal: Principal, report_id: int) -> ValuationReport:
    return scope.get_visible(session, ValuationReport, report_id, principal)


def items_of(session: Session, report_id: int) -> list[tuple[int, Decimal]]:
    stmt = (
        select(ValuationReportItem)
        .where(ValuationReportItem.report_id == report_id)
        .order_by(ValuationReportItem.ip_asset_id)
    )
    return [(i.ip_asset_id, from_fen(i.value_fen)) for i in session.scalars(stmt)]


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


def register_rules() -> None:
    """Called by the composition root (``ippledge.wiring``), never on import."""
    scope.register(
        ValuationReport,
        scope.ScopeRule(
            party_columns=("valuer_id", "bank_id", "client_id"),
            readers=frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR}),
            what_zh="评估报告",
            what_en="valuation report",
            custom=lambda p: exists(
                select(Application.id).where(
                    and_(Application.id == ValuationReport.application_id, Application.applicant_id == p.party_id)
                )
            ),
        ),
    )


# --- Bulk record of external reports (外部评估报告批量记录), for the simulated valuation history ---------------------
# (Imports appended with the functions, so that parallel additions to this face merge cleanly.)
from collections.abc import Sequence  # noqa: E402

from sqlalchemy import func  # noqa: E402

from ippledge.db import bulk_copy, bulk_timestamp  # noqa: E402

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
