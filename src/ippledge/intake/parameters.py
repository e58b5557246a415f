"""Intake parameters as data (受理参数): task time limits, green-channel whitelist, internal-valuation threshold.

Only the platform operator (贷款服务中心) records them; every record is audited and takes effect from its date, so an
application opened before a change keeps the limits it was given.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as access
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.intake import errors
from ippledge.intake.model import Channel, TaskKind, check_limit_days, check_reason
from ippledge.intake.tables import GreenChannelEntry, InternalValuationThreshold, TaskTimeLimit
from ippledge.kernel.money import positive_money, to_fen


def _operator(principal: Principal) -> None:
    principal.require_kind(PartyKind.PLATFORM)
    principal.require(Role.OPERATOR, Role.ADMIN)


def set_time_limit(
    session: Session,
    principal: Principal,
    kind: TaskKind,
    channel: Channel,
    working_days: int,
    effective_from: dt.date,
    note: str | None = None,
) -> TaskTimeLimit:
    _operator(principal)
    check_limit_days(working_days)
    stmt = select(TaskTimeLimit.id).where(
        TaskTimeLimit.task_kind == kind.value,
        TaskTimeLimit.channel == channel.value,
        TaskTimeLimit.effective_from == effective_from,
    )
    if session.scalar(stmt) is not None:
        raise errors.LIMIT_EXISTS()
    row = TaskTimeLimit(
        task_kind=kind.value,
        channel=channel.value,
        working_days=working_days,
        effective_from=effective_from,
        note=note,
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    payload = {"kind": kind.value, "channel": channel.value, "days": working_days, "from": effective_from.isoformat()}
    audit.record(session, principal, "intake.time_limit_set", "task_time_limit", row.id, payload)
    return row


def add_green_channel(
    session: Session, principal: Principal, party_id: int, since: dt.date, until: dt.date | None, reason: str
) -> GreenChannelEntry:
    """Whitelist a firm for the green channel (绿色通道)."""
    _operator(principal)
    text = check_reason(reason)
    party = access.parties(session, [party_id]).get(party_id)
    if party is None or party.kind is not PartyKind.ENTERPRISE:
        raise errors.GREEN_PARTY(party_id=party_id)
    if until is not None and until < since:
        raise errors.GREEN_DATES()
    row = GreenChannelEntry(party_id=party_id, since=since, until=until, reason=text, created_by=principal.actor)
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "intake.green_channel_added",
        "green_channel_entry",
        row.id,
        {"party_id": party_id, "since": since.isoformat(), "until": until and until.isoformat(), "reason": text},
    )
    return row


def green_channel_entries(session: Session) -> list[GreenChannelEntry]:
    return list(session.scalars(select(GreenChannelEntry).order_by(GreenChannelEntry.id)))


def set_internal_valuation_threshold(
    session: Session, principal: Principal, amount: Decimal | str | int, effective_from: dt.date, note: str | None
) -> InternalValuationThreshold:
    _operator(principal)
    value = positive_money(amount)
    if session.scalar(
        select(InternalValuationThreshold.id).where(InternalValuationThreshold.effective_from == effective_from)
    ):
        raise errors.THRESHOLD_EXISTS()
    row = InternalValuationThreshold(amount=value, effective_from=effective_from, note=note, created_by=principal.actor)
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "intake.threshold_set",
        "internal_valuation_threshold",
        row.id,
        {"amount_fen": to_fen(value), "from": effective_from.isoformat()},
    )
    return row
