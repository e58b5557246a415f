"""How the demo's banks work a pushed firm (白名单/活动跟进): each next step a few working days after the last, with
the bank's chance of getting that far; a step that does not come is recorded as declined with a reason (a firm never
reached is 无法联系企业), so a worked firm ends approved or declined instead of sitting overdue in the inbox.

The chances and gaps are the demo's own assumptions (seeded), not published figures. Every step goes through
``whitelist.service.report_feedback``, as the bank officer's console form does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.kernel.calendar import WorkingCalendar
from ippledge.whitelist import service as whitelist
from ippledge.whitelist.model import DeclineReason, FeedbackState

# Reasons a bank gives when a later step does not come (OTHER needs a note: not used by the demo).
LATER_REASONS: tuple[DeclineReason, ...] = tuple(
    r for r in DeclineReason if r not in (DeclineReason.OTHER, DeclineReason.CANNOT_REACH)
)


def work_item(
    session: Session,
    officer: Principal,
    item_id: int,
    start: dt.date,
    steps: Sequence[tuple[FeedbackState, float]],
    today: dt.date,
    calendar: WorkingCalendar,
    rng: np.random.Generator,
    branch: str,
    gap: tuple[int, int] = (2, 9),
) -> FeedbackState:
    """Work one pushed firm from ``start``: each step ``gap`` working days after the last, taken with its chance,
    else declined with a reason; a step that would fall after ``today`` is left for later (not yet due). Returns
    the state reached."""
    state = FeedbackState.PUSHED
    day = start
    for n, (step, chance) in enumerate(steps):
        day = calendar.add_working_days(day, int(rng.integers(*gap)))
        if day > today:
            return state
        if rng.random() < chance:
            whitelist.report_feedback(session, officer, item_id, step.value, day, branch=branch)
            state = step
            continue
        reason = DeclineReason.CANNOT_REACH if n == 0 else LATER_REASONS[int(rng.integers(len(LATER_REASONS)))]
        whitelist.report_feedback(
            session, officer, item_id, FeedbackState.DECLINED.value, day, reason_code=reason.value
        )
        return FeedbackState.DECLINED
    return state
