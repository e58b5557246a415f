"""One-stop application queries (受理查询): scope rules, time limits and green channel as of a date, task lists.

An application is visible to its applicant; to a party the applicant consented to *and* that holds (or requested) a
task on it; and to the platform operator and the regulator. Everyone else gets 404 (``access.scope``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.intake.model import DEFAULT_INTERNAL_VALUATION_THRESHOLD, DEFAULT_LIMITS, Channel, TaskKind, TaskStatus
from ippledge.intake.tables import (
    Application,
    ApplicationAsset,
    DataConsent,
    GreenChannelEntry,
    InternalValuationThreshold,
    Task,
    TaskTimeLimit,
)

READERS = frozenset({PartyKind.PLATFORM, PartyKind.REGULATOR})
ACTIVE = (TaskStatus.OPEN.value, TaskStatus.ACCEPTED.value)


def consent_active(application_id: Any, party_id: int) -> Any:
    return exists(
        select(DataConsent.id).where(
            DataConsent.application_id == application_id,
            DataConsent.party_id == party_id,
            DataConsent.revoked_on.is_(None),
        )
    )


def _application_custom(p: Principal) -> Any:
    has_task = exists(
        select(Task.id).where(
            Task.application_id == Application.id, or_(Task.assignee_id == p.party_id, Task.bank_id == p.party_id)
        )
    )
    return and_(consent_active(Application.id, p.party_id), has_task)


def _task_custom(p: Principal) -> Any:
    mine = and_(
        or_(Task.assignee_id == p.party_id, Task.bank_id == p.party_id), consent_active(Task.application_id, p.party_id)
    )
    applicant = exists(
        select(Application.id).where(Application.id == Task.application_id, Application.applicant_id == p.party_id)
    )
    return or_(mine, applicant)


def asset_ids(session: Session, application_id: int) -> list[int]:
    stmt = select(ApplicationAsset.ip_asset_id).where(ApplicationAsset.application_id == application_id)
    return sorted(session.scalars(stmt))


def tasks_of(session: Session, application_id: int) -> list[Task]:
    stmt = select(Task).where(Task.application_id == application_id).order_by(Task.id)
    return list(session.scalars(stmt))


def consents_of(session: Session, application_id: int) -> list[DataConsent]:
    stmt = select(DataConsent).where(DataConsent.application_id == application_id).order_by(DataConsent.id)
    return list(session.scalars(stmt))


def has_consent(session: Session, application_id: int, party_id: int) -> bool:
    stmt = select(DataConsent.id).where(
        DataConsent.application_id == application_id,
        DataConsent.party_id == party_id,
        DataConsent.revoked_on.is_(None),
    )
    return session.scalar(stmt) is not None


def find_task(session: Session, application_id: int, kind: TaskKind, bank_id: int, active_only: bool) -> Task | None:
    stmt = select(Task).where(Task.application_id == application_id, Task.kind == kind.value, Task.bank_id == bank_id)
    if active_only:
        stmt = stmt.where(Task.status.in_(ACTIVE))
    return session.scalars(stmt.order_by(Task.id.desc())).first()


def in_green_channel(session: Session, party_id: int, as_of: dt.date) -> bool:
    stmt = select(GreenChannelEntry.id).where(
        GreenChannelEntry.party_id == party_id,
        GreenChannelEntry.since <= as_of,
        or_(GreenChannelEntry.until.is_(None), GreenChannelEntry.until >= as_of),
    )
    return session.scalar(stmt) is not None


def limit_days(session: Session, kind: TaskKind, channel: Channel, as_of: dt.date) -> int:
    """The newest recorded limit in effect on ``as_of``, else the default."""
    stmt = (
        select(TaskTimeLimit.working_days)
        .where(
            TaskTimeLimit.task_kind == kind.value,
            TaskTimeLimit.channel == channel.value,
            TaskTimeLimit.effective_from <= as_of,
        )
        .order_by(TaskTimeLimit.effective_from.desc())
    )
    days = session.scalars(stmt).first()
    return DEFAULT_LIMITS[channel][kind] if days is None else days


def internal_valuation_threshold(session: Session, as_of: dt.date) -> Decimal:
    stmt = (
        select(InternalValuationThreshold.amount)
        .where(InternalValuationThreshold.effective_from <= as_of)
        .order_by(InternalValuationThreshold.effective_from.desc())
    )
    amount = session.scalars(stmt).first()
    return DEFAULT_INTERNAL_VALUATION_THRESHOLD if amount is None else amount


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(
        Application,
        scope.ScopeRule(
            party_columns=("applicant_id",),
            readers=READERS,
            what_zh="融资申请",
            what_en="application",
            custom=_application_custom,
        ),
    )
    scope.register(
        Task, scope.ScopeRule(party_columns=(), readers=READERS, what_zh="任务", what_en="task", custom=_task_custom)
    )
