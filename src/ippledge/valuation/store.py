"""Valuation report reads (评估报告数据): a report's items, the superseded reports, and who may see a report.

A report is visible to its valuer, the commissioning bank, its client (the applicant), the applicant of its
application, the platform operator and the regulator (``access.scope``).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.intake import queries as intake
from ippledge.valuation.tables import ValuationReport, ValuationReportItem


def items_of(session: Session, report_id: int) -> list[tuple[int, Decimal]]:
    stmt = (
        select(ValuationReportItem)
        .where(ValuationReportItem.report_id == report_id)
        .order_by(ValuationReportItem.ip_asset_id)
    )
    return [(i.ip_asset_id, i.value) for i in session.scalars(stmt)]


def superseded_ids(session: Session) -> set[int]:
    """Every report a correction has superseded."""
    return set(session.scalars(select(ValuationReport.supersedes_id).where(ValuationReport.supersedes_id.is_not(None))))


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(
        ValuationReport,
        scope.ScopeRule(
            party_columns=("valuer_id", "bank_id", "client_id"),
            readers=frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR}),
            what_zh="评估报告",
            what_en="valuation report",
            custom=lambda p: intake.is_applicant(ValuationReport.application_id, p.party_id),
        ),
    )
