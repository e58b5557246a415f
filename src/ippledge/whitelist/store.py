"""Whitelist persistence (白名单存取). Private to the capability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ippledge.db import among
from ippledge.whitelist.model import TERMINAL, ListStatus
from ippledge.whitelist.tables import (
    PushFeedback,
    PushItem,
    Whitelist,
    WhitelistCriteria,
    WhitelistMember,
    WhitelistPush,
)

_CHUNK = 5_000
MAX_PUSH = 500  # firms per push (a list's top firms, or an event's attending firms)


def next_version(session: Session, code: str) -> int:
    return (
        int(session.scalar(select(func.max(WhitelistCriteria.version_no)).where(WhitelistCriteria.code == code)) or 0)
        + 1
    )


def criteria(session: Session) -> list[WhitelistCriteria]:
    return list(
        session.scalars(select(WhitelistCriteria).order_by(WhitelistCriteria.code, WhitelistCriteria.version_no))
    )


def lists(session: Session, status: str | None) -> list[Whitelist]:
    stmt = select(Whitelist).order_by(Whitelist.id)
    if status is not None:
        stmt = stmt.where(Whitelist.status == status)
    return list(session.scalars(stmt))


def members(session: Session, list_id: int, limit: int | None = None) -> list[WhitelistMember]:
    stmt = select(WhitelistMember).where(WhitelistMember.whitelist_id == list_id).order_by(WhitelistMember.rank)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def reasons(session: Session, list_id: int, party_ids: Sequence[int]) -> dict[int, str]:
    """``enterprise -> reasons (JSON)`` of these members of one list."""
    stmt = select(WhitelistMember.enterprise_id, WhitelistMember.reasons).where(
        WhitelistMember.whitelist_id == list_id, WhitelistMember.enterprise_id.in_(sorted(set(party_ids)))
    )
    return {int(e): str(r) for e, r in session.execute(stmt)}


def pushes(
    session: Session, visible: Select[WhitelistPush], list_id: int | None, event_id: int | None = None
) -> list[WhitelistPush]:
    stmt = visible.order_by(WhitelistPush.id)
    if list_id is not None:
        stmt = stmt.where(WhitelistPush.whitelist_id == list_id)
    if event_id is not None:
        stmt = stmt.where(WhitelistPush.event_id == event_id)
    return list(session.scalars(stmt))


def items(session: Session, push_id: int) -> list[PushItem]:
    return list(session.scalars(select(PushItem).where(PushItem.push_id == push_id).order_by(PushItem.rank)))


def history(session: Session, item_ids: Sequence[int]) -> dict[int, list[PushFeedback]]:
    out: dict[int, list[PushFeedback]] = {}
    ids = sorted(set(item_ids))
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(PushFeedback)
            .where(PushFeedback.item_id.in_(ids[start : start + _CHUNK]))
            .order_by(PushFeedback.item_id, PushFeedback.id)
        )
        for f in session.scalars(stmt):
            out.setdefault(f.item_id, []).append(f)
    return out


def overdue_items(session: Session, today: dt.date) -> list[PushItem]:
    """Open items past their due date and not yet escalated for it, locked for update."""
    stmt = (
        select(PushItem)
        .where(
            PushItem.state.not_in([s.value for s in TERMINAL]),
            PushItem.due_on.is_not(None),
            PushItem.due_on < today,
            PushItem.escalated_on.is_(None),
        )
        .order_by(PushItem.id)
        .with_for_update()
    )
    return list(session.scalars(stmt))


def listed_on(session: Session, party_ids: Sequence[int], on: dt.date) -> dict[int, list[tuple[int, str, int]]]:
    """``enterprise -> [(list id, list name, rank)]`` of the published lists valid on ``on`` that name it."""
    ids = sorted(set(party_ids))
    out: dict[int, list[tuple[int, str, int]]] = {}
    stmt = (
        select(WhitelistMember.enterprise_id, Whitelist.id, Whitelist.name, WhitelistMember.rank)
        .join(Whitelist, Whitelist.id == WhitelistMember.whitelist_id)
        .where(
            among(WhitelistMember.enterprise_id, ids),
            Whitelist.status == ListStatus.PUBLISHED.value,
            Whitelist.valid_from <= on,
            Whitelist.valid_to >= on,
        )
        .order_by(WhitelistMember.enterprise_id, Whitelist.id)
    )
    for eid, lid, name, rank in session.execute(stmt):
        out.setdefault(int(eid), []).append((int(lid), str(name), int(rank)))
    return out


def items_pushed_between(session: Session, start: dt.date, end: dt.date) -> list[tuple[PushItem, dt.date]]:
    stmt = (
        select(PushItem, WhitelistPush.pushed_on)
        .join(WhitelistPush, WhitelistPush.id == PushItem.push_id)
        .where(WhitelistPush.pushed_on >= start, WhitelistPush.pushed_on <= end)
        .order_by(PushItem.id)
    )
    return [(i, d) for i, d in session.execute(stmt)]


def pushed_banks(session: Session, list_id: int) -> set[int]:
    return {int(b) for b in session.scalars(select(WhitelistPush.bank_id).where(WhitelistPush.whitelist_id == list_id))}


def event_banks(session: Session, event_id: int) -> set[int]:
    return {int(b) for b in session.scalars(select(WhitelistPush.bank_id).where(WhitelistPush.event_id == event_id))}
