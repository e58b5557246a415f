"""提前收回 (early recall) as a post-loan action with maker-checker.

A credit officer of the lending bank proposes to recall an active loan, with the reason and, optionally, a recall
date (not before the business date; default: the day the approver decides). A different approver decides
(``actions.decide`` with ``approved`` as this kind's handler): approving accelerates the loan through lending's
face (``lending.service.recall``: every principal not yet due falls due on the recall date, with the interest to
that date; days past due then count from it). A repaid or written-off loan is refused (409) at the proposal and
again at the decision; another bank's loan is a 404. Flushes only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access.model import Principal, Role
from ippledge.kernel.calendar import default_calendar
from ippledge.lending import queries as lending_queries
from ippledge.lending import service as lending_service
from ippledge.monitoring import errors
from ippledge.monitoring.actions import _bank_loan, _new_action, _pending
from ippledge.monitoring.model import ACTIONS, ActionKind, ActionState
from ippledge.monitoring.tables import MonitoringAction

SUBJECT = "recall"


def propose_recall(
    session: Session, maker: Principal, loan_id: int, reason: str, day: dt.date, recall_on: dt.date | None = None
) -> MonitoringAction:
    """An officer proposes 提前收回; an approver decides."""
    loan = _bank_loan(session, maker, loan_id, Role.CREDIT_OFFICER)
    if not (reason or "").strip():
        raise errors.REASON_REQUIRED()
    if recall_on is not None and recall_on < day:
        raise errors.RECALL_DATE(recall_on=recall_on.isoformat(), today=day.isoformat())
    _pending(session, loan.id, SUBJECT)
    act_by = default_calendar().add_working_days(day, ACTIONS[ActionKind.EARLY_RECALL].act_within)
    details: dict[str, Any] = {"reason": reason.strip(), "recall_on": recall_on.isoformat() if recall_on else None}
    return _new_action(session, maker, loan, ActionKind.EARLY_RECALL, SUBJECT, day, act_by, details)


def approved(
    session: Session,
    checker: Principal,
    action: MonitoringAction,
    loan: lending_queries.LoanSummary,
    details: dict[str, Any],
    day: dt.date,
) -> None:
    """Approved: the loan is accelerated on the proposed date, or on the decision day when that has passed."""
    proposed = dt.date.fromisoformat(details["recall_on"]) if details.get("recall_on") else day
    on = max(proposed, day)
    done = lending_service.recall(session, checker, loan.id, on, str(details["reason"]), day)
    details.update(
        {
            "recalled_on": done.recalled_on.isoformat(),
            "period": done.period,
            "principal_due": str(done.principal_due),
            "interest": str(done.interest),
            "interest_adjustment": str(done.interest_adjustment),
        }
    )
    action.state = ActionState.DONE.value
