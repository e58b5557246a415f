"""Published reads of whitelists (白名单查询): criteria, lists with their members, pushes with each firm's feedback,
and the pushed firms of a period as the conversion funnel (``demand.queries.funnel``) reads them. Pushes are scoped
to the bank they went to; lists and criteria to the platform and the regulator."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access import queries as access_queries
from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.gateway import service as gateway_service
from ippledge.gateway.model import Purpose
from ippledge.whitelist import errors, guards, store
from ippledge.whitelist.tables import PushItem, Whitelist, WhitelistCriteria, WhitelistPush


@dataclass(frozen=True)
class CriteriaView:
    id: int
    code: str
    version_no: int
    name: str
    rules: dict[str, Any]
    effective_from: dt.date
    created_by: str


def _criteria(row: WhitelistCriteria) -> CriteriaView:
    return CriteriaView(
        row.id, row.code, row.version_no, row.name, json.loads(row.rules), row.effective_from, row.created_by
    )


def criteria_list(session: Session, principal: Principal) -> list[CriteriaView]:
    guards.require_overseer(principal)
    return [_criteria(r) for r in store.criteria(session)]


def criteria(session: Session, principal: Principal, criteria_id: int) -> CriteriaView:
    guards.require_overseer(principal)
    row = session.get(WhitelistCriteria, criteria_id)
    if row is None:
        raise errors.CRITERIA_NOT_FOUND(id=criteria_id)
    return _criteria(row)


@dataclass(frozen=True)
class MemberView:
    rank: int
    enterprise_id: int
    name: str
    uscc: str | None
    score: float
    reasons: list[dict[str, Any]]


@dataclass(frozen=True)
class ListView:
    id: int
    criteria_id: int
    name: str
    as_of: dt.date
    valid_from: dt.date
    valid_to: dt.date
    status: str
    considered: int
    unknown: int
    built_by: str
    reviewed_by: str | None
    review_note: str | None
    published_on: dt.date | None
    members: list[MemberView]


def list_view(session: Session, row: Whitelist, with_members: bool = True) -> ListView:
    members: list[MemberView] = []
    if with_members:
        rows = store.members(session, row.id)
        parties = access_queries.parties(session, [m.enterprise_id for m in rows])
        members = [
            MemberView(
                m.rank,
                m.enterprise_id,
                parties[m.enterprise_id].name,
                parties[m.enterprise_id].uscc,
                m.score,
                json.loads(m.reasons),
            )
            for m in rows
        ]
    return ListView(
        row.id,
        row.criteria_id,
        row.name,
        row.as_of,
        row.valid_from,
        row.valid_to,
        row.status,
        row.considered,
        row.unknown,
        row.built_by,
        row.reviewed_by,
        row.review_note,
        row.published_on,
        members,
    )


def whitelists(session: Session, principal: Principal, status: str | None = None) -> list[ListView]:
    guards.require_overseer(principal)
    return [list_view(session, r, with_members=False) for r in store.lists(session, status)]


def whitelist(session: Session, principal: Principal, list_id: int) -> ListView:
    guards.require_overseer(principal)
    row = session.get(Whitelist, list_id)
    if row is None:
        raise errors.LIST_NOT_FOUND(id=list_id)
    return list_view(session, row)


@dataclass(frozen=True)
class StepView:
    from_state: str | None
    to_state: str
    on: dt.date
    reason_code: str | None
    note: str
    actor: str


@dataclass(frozen=True)
class ItemView:
    id: int
    rank: int
    enterprise_id: int
    name: str
    uscc: str | None
    state: str
    state_on: dt.date
    due_on: dt.date | None
    overdue: bool
    escalated_on: dt.date | None
    furthest: str
    decline_reason: str | None
    branch: str | None
    history: list[StepView]
    reasons: list[dict[str, Any]]  # why the firm is on the list (empty for an event's follow-up)
    consented: dict[str, dict[str, Any]]  # source -> fields the firm lets this bank see now (record 0032)


@dataclass(frozen=True)
class PushView:
    id: int
    whitelist_id: int | None
    event_id: int | None  # an event's follow-up tasks (no list)
    bank_id: int
    pushed_on: dt.date
    first_contact_days: int
    next_step_days: int
    firms: int
    items: list[ItemView]


def _consented(
    session: Session, reader: Principal | None, rows: Sequence[PushItem], today: dt.date
) -> dict[int, dict[str, dict[str, Any]]]:
    """What each pushed firm lets the bank reading the push see under its consents for the purpose ``whitelist``,
    read now through the gateway (logged there). Only the receiving bank reads: the platform and the regulator see
    the reasons alone, as does a bank without consent."""
    if reader is None or reader.party_kind is not PartyKind.BANK:
        return {}
    firms = [i.enterprise_id for i in rows if i.bank_id == reader.party_id]
    return gateway_service.consented_data(session, reader, firms, Purpose.WHITELIST, today)


def _reasons(session: Session, rows: Sequence[PushItem]) -> dict[tuple[int, int], list[dict[str, Any]]]:
    out: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for list_id in sorted({i.whitelist_id for i in rows if i.whitelist_id is not None}):
        found = store.reasons(session, list_id, [i.enterprise_id for i in rows if i.whitelist_id == list_id])
        out.update({(list_id, e): json.loads(r) for e, r in found.items()})
    return out


def _items(
    session: Session, rows: Sequence[PushItem], today: dt.date, reader: Principal | None = None
) -> list[ItemView]:
    parties = access_queries.parties(session, [i.enterprise_id for i in rows])
    steps = store.history(session, [i.id for i in rows])
    reasons = _reasons(session, rows)
    seen = _consented(session, reader, rows, today)
    from ippledge.whitelist.model import FeedbackState, overdue

    return [
        ItemView(
            i.id,
            i.rank,
            i.enterprise_id,
            parties[i.enterprise_id].name,
            parties[i.enterprise_id].uscc,
            i.state,
            i.state_on,
            i.due_on,
            overdue(i.due_on, FeedbackState(i.state), today),
            i.escalated_on,
            i.furthest,
            i.decline_reason,
            i.branch,
            [StepView(s.from_state, s.to_state, s.on, s.reason_code, s.note, s.actor) for s in steps.get(i.id, [])],
            reasons.get((i.whitelist_id, i.enterprise_id), []) if i.whitelist_id is not None else [],
            seen.get(i.enterprise_id, {}),
        )
        for i in rows
    ]


def push_view(
    session: Session, push: WhitelistPush, today: dt.date, with_items: bool = True, reader: Principal | None = None
) -> PushView:
    items = _items(session, store.items(session, push.id), today, reader) if with_items else []
    return PushView(
        push.id,
        push.whitelist_id,
        push.event_id,
        push.bank_id,
        push.pushed_on,
        push.first_contact_days,
        push.next_step_days,
        push.firms,
        items,
    )


def pushes(
    session: Session,
    principal: Principal,
    today: dt.date,
    list_id: int | None = None,
    event_id: int | None = None,
) -> list[PushView]:
    """The caller's pushes (a bank: those it received, an event's follow-up tasks included), without their firms."""
    rows = store.pushes(session, scope.scoped(WhitelistPush, principal), list_id, event_id)
    return [push_view(session, p, today, with_items=False) for p in rows]


def push(session: Session, principal: Principal, push_id: int, today: dt.date) -> PushView:
    row = scope.get_visible(session, WhitelistPush, push_id, principal)
    return push_view(session, row, today, reader=principal)


def item(session: Session, principal: Principal, item_id: int, today: dt.date) -> ItemView:
    row = scope.get_visible(session, PushItem, item_id, principal)
    return _items(session, [row], today, principal)[0]


_NO = "declined"


@dataclass(frozen=True)
class PushedFirm:
    """One pushed firm as the conversion funnel counts it (漏斗): list, bank, branch, date pushed, the furthest step
    reached and whether it was declined."""

    item_id: int
    whitelist_id: int | None
    event_id: int | None
    bank_id: int
    branch: str | None
    enterprise_id: int
    pushed_on: dt.date
    furthest: str
    declined: bool


def pushed_firms(session: Session, start: dt.date, end: dt.date) -> list[PushedFirm]:
    """Every firm pushed from ``start`` to ``end`` inclusive, by item id (unscoped: aggregates for overseers)."""
    out = []
    for i, on in store.items_pushed_between(session, start, end):
        declined = i.state == _NO
        out.append(
            PushedFirm(i.id, i.whitelist_id, i.event_id, i.bank_id, i.branch, i.enterprise_id, on, i.furthest, declined)
        )
    return out


def listed_on(session: Session, party_ids: Sequence[int], on: dt.date) -> dict[int, list[tuple[int, str, int]]]:
    """``enterprise -> [(list id, name, rank)]`` of the published lists valid on ``on`` naming it."""
    return store.listed_on(session, party_ids, on)


def item_reasons(session: Session, principal: Principal, item_id: int) -> MemberView | None:
    """Why a pushed firm is on the list (its rank score and each criterion's verdict): what the push event already
    sent the receiving bank, for its console. Another bank's item is a 404, as ``item`` is."""
    row = scope.get_visible(session, PushItem, item_id, principal)
    if row.whitelist_id is None:  # an event's follow-up task: the firm attended, no list ranked it
        return None
    member = next((m for m in store.members(session, row.whitelist_id) if m.enterprise_id == row.enterprise_id), None)
    if member is None:
        return None
    party = access_queries.parties(session, [member.enterprise_id])[member.enterprise_id]
    return MemberView(
        member.rank, member.enterprise_id, party.name, party.uscc, member.score, json.loads(member.reasons)
    )


def overdue_items(session: Session, principal: Principal, today: dt.date) -> list[tuple[int, ItemView]]:
    """``(bank, item)`` of the pushed firms the caller may see (the item's scope rule) still open and past their
    follow-up limit, by deadline: the overseers' view across banks, in one read."""
    from ippledge.whitelist.model import TERMINAL

    stmt = (
        scope.scoped(PushItem, principal)
        .where(
            PushItem.state.not_in([s.value for s in TERMINAL]),
            PushItem.due_on.is_not(None),
            PushItem.due_on < today,
        )
        .order_by(PushItem.due_on, PushItem.id)
    )
    rows = list(session.scalars(stmt))
    return [(r.bank_id, i) for r, i in zip(rows, _items(session, rows, today), strict=True) if i.overdue]
