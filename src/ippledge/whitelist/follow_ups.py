"""Follow-up of pushed firms (跟进与督办): one implementation for a whitelist push and for an event's follow-up tasks.

Both open the same rows (``WhitelistPush`` / ``PushItem``: a list's top firms, or an event's attending firms, for one
bank), start the same working-day clock (``model.TimeLimits``), take the same forward-only feedback with decline
reason codes, and are escalated to the regulator by the same run when overdue. Flushes only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.text import check_name
from ippledge.outbox import events
from ippledge.whitelist import errors, model, store
from ippledge.whitelist.guards import require_operator
from ippledge.whitelist.model import DeclineReason, FeedbackState, TimeLimits
from ippledge.whitelist.tables import PushFeedback, PushItem, WhitelistPush


@dataclass(frozen=True)
class Firm:
    """A firm to follow up, with its place in the push (the list rank, or the sign-up order of an event)."""

    enterprise_id: int
    rank: int


def check_limits(limits: TimeLimits) -> None:
    if not all(1 <= d <= 60 for d in (limits.first_contact_days, limits.next_step_days)):
        raise errors.PUSH_LIMITS(max=store.MAX_PUSH)


def check_banks(session: Session, bank_ids: Sequence[int]) -> None:
    """Every id names an active bank, or the whole push is refused naming the others."""
    banks = access_queries.parties(session, bank_ids)
    bad = sorted(
        b for b in set(bank_ids) if b not in banks or banks[b].kind is not PartyKind.BANK or not banks[b].active
    )
    if bad or not bank_ids:
        raise errors.PUSH_BANKS(party_ids=bad)


def open_push(
    session: Session,
    actor: str,
    bank_id: int,
    firms: Sequence[Firm],
    today: dt.date,
    limits: TimeLimits,
    *,
    whitelist_id: int | None = None,
    event_id: int | None = None,
) -> tuple[WhitelistPush, list[PushItem]]:
    """One push to one bank with an item per firm, each due for first contact ``limits`` working days on."""
    assert (whitelist_id is None) != (event_id is None), "a push comes from a list or from an event"
    due = limits.due(default_calendar(), FeedbackState.PUSHED, today)
    push = WhitelistPush(
        whitelist_id=whitelist_id,
        event_id=event_id,
        bank_id=bank_id,
        pushed_on=today,
        first_contact_days=limits.first_contact_days,
        next_step_days=limits.next_step_days,
        firms=len(firms),
        pushed_by=actor,
    )
    session.add(push)
    session.flush()
    items = [
        PushItem(
            push_id=push.id,
            whitelist_id=whitelist_id,
            event_id=event_id,
            bank_id=bank_id,
            enterprise_id=f.enterprise_id,
            rank=f.rank,
            state=FeedbackState.PUSHED.value,
            state_on=today,
            due_on=due,
            furthest=FeedbackState.PUSHED.value,
        )
        for f in firms
    ]
    session.add_all(items)
    session.flush()
    return push, items


def open_event_follow_ups(
    session: Session,
    principal: Principal,
    event_id: int,
    bank_ids: Sequence[int],
    firms: Sequence[Firm],
    today: dt.date,
    limits: TimeLimits = TimeLimits(),
) -> list[tuple[WhitelistPush, list[PushItem]]]:
    """An event's follow-up tasks (活动后续对接): for each invited bank, one push of the attending firms, worked and
    escalated exactly as a whitelist push. Once per event and bank."""
    require_operator(principal)
    check_limits(limits)
    check_banks(session, bank_ids)
    again = store.event_banks(session, event_id) & set(bank_ids)
    if again:
        raise errors.PUSH_AGAIN(party_ids=sorted(again))
    out = [
        open_push(session, principal.actor, b, firms, today, limits, event_id=event_id) for b in sorted(set(bank_ids))
    ]
    for push, _ in out:
        audit.record(session, principal, "whitelist.event_follow_ups", "whitelist_push", push.id, {"event": event_id})
    return out


def _visible_item(session: Session, principal: Principal, item_id: int) -> PushItem:
    stmt = scope.scoped(PushItem, principal).where(PushItem.id == item_id).with_for_update()
    item = session.scalars(stmt).first()
    if item is None:
        raise errors.ITEM_NOT_FOUND(id=item_id)
    return item


def report_feedback(
    session: Session,
    principal: Principal,
    item_id: int,
    to: str,
    today: dt.date,
    reason_code: str | None = None,
    note: str = "",
    branch: str | None = None,
) -> PushItem:
    """The bank reports a step on a pushed firm; the next step's due date follows in working days."""
    item = _visible_item(session, principal, item_id)
    if principal.party_kind is not PartyKind.BANK or principal.party_id != item.bank_id:
        raise errors.FEEDBACK_BANK_ONLY()
    principal.require(Role.CREDIT_OFFICER, Role.APPROVER, Role.ADMIN)
    allowed = ", ".join(s.value for s in FeedbackState if s is not FeedbackState.PUSHED)
    try:
        target = FeedbackState(to)
    except ValueError:
        raise errors.FEEDBACK_STATE(to=to, allowed=allowed) from None
    current = FeedbackState(item.state)
    if not model.can_move(current, target):
        raise errors.FEEDBACK_MOVE(state=current.value, to=target.value)
    reasons = ", ".join(r.value for r in DeclineReason)
    if target is FeedbackState.DECLINED:
        if reason_code not in {r.value for r in DeclineReason} or (
            reason_code == DeclineReason.OTHER and not note.strip()
        ):
            raise errors.DECLINE_REASON(allowed=reasons)
    elif reason_code is not None:
        raise errors.DECLINE_REASON(allowed=reasons)
    push = session.get(WhitelistPush, item.push_id)
    assert push is not None
    limits = TimeLimits(push.first_contact_days, push.next_step_days)
    session.add(
        PushFeedback(
            item_id=item.id,
            from_state=current.value,
            to_state=target.value,
            on=today,
            reason_code=reason_code,
            note=note,
            actor=principal.actor,
        )
    )
    item.state = target.value
    item.state_on = today
    item.due_on = limits.due(default_calendar(), target, today)
    item.escalated_on = None  # a new step starts a new time limit
    if target is not FeedbackState.DECLINED:
        item.furthest = target.value
    item.decline_reason = reason_code
    if branch is not None:
        item.branch = check_name(branch, "branch")
    session.flush()
    audit.record(
        session, principal, "whitelist.feedback", "whitelist_push_item", item.id, {"to": target.value, "on": str(today)}
    )
    return item


def escalate_overdue(session: Session, principal: Principal | str, today: dt.date) -> int:
    """Report every follow-up past its working-day limit to the regulator(s) and the bank, once per limit (督办)."""
    if isinstance(principal, Principal):
        require_operator(principal)
    overdue = store.overdue_items(session, today)
    if not overdue:
        return 0
    regulators = access_queries.party_ids(session, PartyKind.REGULATOR)
    actor = principal.actor if isinstance(principal, Principal) else principal
    for item in overdue:
        item.escalated_on = today
        session.add(
            PushFeedback(
                item_id=item.id,
                from_state=item.state,
                to_state=item.state,
                on=today,
                note=f"逾期未跟进（应于{item.due_on}前） overdue since {item.due_on}: escalated to the regulator",
                actor=actor,
            )
        )
    session.flush()
    events.publish_many(
        session,
        [
            (
                "whitelist.follow_up_overdue",
                {
                    "item_id": i.id,
                    "push_id": i.push_id,
                    "whitelist_id": i.whitelist_id,
                    "event_id": i.event_id,
                    "bank_id": i.bank_id,
                    "enterprise_id": i.enterprise_id,
                    "state": i.state,
                    "due_on": str(i.due_on),
                    "as_of": str(today),
                },
                i.bank_id,
                regulators,
            )
            for i in overdue
        ],
    )
    audit.record(session, principal, "whitelist.escalated", "whitelist", "-", {"items": len(overdue), "on": str(today)})
    return len(overdue)
