"""Early recall (提前收回, 宣布贷款提前到期): the rule that rewrites the schedule. Pure.

When the bank accelerates a loan (the contract's 加速到期 clause: breach of covenant, lost security, a borrower in
difficulty), every instalment not yet due on the recall date falls due on it at once:

- the instalment whose period contains the recall date becomes the one due on the recall date; it carries all the
  principal not yet due and the interest from its period's start to the recall date, counted 算头不算尾 at the
  daily rate (annual / 360) on that principal, rounded to the fen once;
- the instalments after it are dropped (they had not started, so nothing of theirs was earned);
- instalments already due are untouched: what was overdue stays overdue, and the days past due of the recalled
  principal count from the recall date (the oldest unpaid due date still wins when there are older arrears).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ippledge.lending.model.interest import interest_for_days, round_fen

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Row:
    """One instalment as the rule reads it."""

    period: int
    start_date: dt.date
    due_date: dt.date
    principal: Decimal
    paid_principal: Decimal
    paid_interest: Decimal
    settled: bool


@dataclass(frozen=True)
class RecallPlan:
    period: int  # the instalment that now falls due on the recall date
    start_date: dt.date
    principal_due: Decimal  # principal not yet due before the recall, now due on the recall date
    interest: Decimal  # the interest of that instalment: from its start to the recall date
    days: int
    dropped: tuple[int, ...]  # the later periods removed


def recall_plan(rows: list[Row], on: dt.date, annual_rate: Decimal) -> RecallPlan | None:
    """The schedule change of a recall on ``on`` (None: no principal falls due after ``on``: nothing to recall)."""
    future = sorted((r for r in rows if not r.settled and r.due_date > on), key=lambda r: r.period)
    if not future:
        return None
    current = future[0]
    rest = sum((r.principal - r.paid_principal for r in future), ZERO)
    if rest <= 0:
        return None
    start = min(current.start_date, on)
    days = (on - start).days
    interest = max(round_fen(interest_for_days(rest, annual_rate, days)), current.paid_interest)
    return RecallPlan(current.period, start, rest, interest, days, tuple(r.period for r in future[1:]))
