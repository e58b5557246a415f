"""Early recall (提前收回) of an active loan: the bank declares it due at once (``model.recall`` for the rule).

``recall`` (the bank's approver; monitoring's early-recall action calls it when its checker approves):

1. refuses a loan that is not active (repaid, written off: ``lending.recall_state``, 409), one recalled already
   (``lending.recalled_already``, 409), a recall date before the business date (``lending.recall_date``, 422) and a
   loan with no principal left to fall due after the recall date (``lending.recall_nothing``, 409);
2. rewrites the schedule: the instalment running on the recall date falls due on it with every principal not yet
   due and the interest to that date; the later ones go. The maturity becomes the recall date. A floating-rate
   clause ends (there is no later period left to reprice);
3. keeps the interest receivable equal to what is owed: when the closes have already accrued the days up to the
   recall date, the accrued interest is set to the recalled instalment's interest exactly (a posting either way);
   otherwise only what was accrued beyond it is reversed and the next closes accrue the rest. A non-accrual loan's
   adjustment goes to its off-balance interest (表外利息) first;
4. from the recall date, unpaid recalled principal is overdue: days past due and penalty interest count from it.

Nothing is written when a step refuses. Flushes only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal, Role
from ippledge.ledger import service as ledger
from ippledge.lending import store
from ippledge.lending.contracts import require_bank_staff
from ippledge.lending.errors import REASON_REQUIRED, RECALL_DATE, RECALL_NOTHING, RECALL_STATE, RECALLED_ALREADY
from ippledge.lending.model import postings
from ippledge.lending.model.delinquency import is_non_accrual
from ippledge.lending.model.recall import Row, recall_plan
from ippledge.lending.tables import Loan, LoanFloatingRate
from ippledge.outbox.events import publish

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Recall:
    loan_id: int
    recalled_on: dt.date
    period: int
    principal_due: Decimal
    interest: Decimal
    interest_adjustment: Decimal  # posted to the interest receivable (or off balance) now, + or -
    dropped_periods: tuple[int, ...]


def recall(session: Session, approver: Principal, loan_id: int, on: dt.date, reason: str, today: dt.date) -> Recall:
    """提前收回 on ``on`` (not before ``today``), decided by the bank's approver (see the module docstring)."""
    store.visible_loan(session, approver, loan_id)
    loan = store.lock_loan(session, loan_id)
    require_bank_staff(approver, loan, Role.APPROVER)
    if loan.status != "active":
        raise RECALL_STATE(status=loan.status)
    if loan.recalled_on is not None:
        raise RECALLED_ALREADY(recalled_on=loan.recalled_on.isoformat())
    if not (reason or "").strip():
        raise REASON_REQUIRED(action_zh="提前收回", action_en="an early recall")
    if on < today:
        raise RECALL_DATE(recall_on=on.isoformat(), today=today.isoformat())
    rows = store.instalments(session, loan.id)
    facts = [
        Row(
            r.period, r.start_date, r.due_date, r.principal, r.paid_principal, r.paid_interest, r.settled_on is not None
        )
        for r in rows
    ]
    plan = recall_plan(facts, on, loan.annual_rate)
    if plan is None:
        raise RECALL_NOTHING()
    by_period = {r.period: r for r in rows}
    current = by_period[plan.period]
    accrued_before = current.interest_accrued + sum((by_period[p].interest_accrued for p in plan.dropped), ZERO)
    for p in plan.dropped:
        session.delete(by_period[p])
    current.principal = current.paid_principal + plan.principal_due
    current.interest, current.due_date, current.start_date = plan.interest, on, plan.start_date
    # every day of the shortened period closed already: owe exactly its interest; else reverse only the excess
    closed_all = loan.accrued_through is not None and loan.accrued_through >= on - dt.timedelta(days=1)
    target = plan.interest if closed_all else min(accrued_before, plan.interest)
    delta = target - accrued_before
    current.interest_accrued = target
    if delta:
        _post_adjustment(session, approver, loan, delta, today)
    loan.maturity_date, loan.recalled_on = on, on
    session.execute(delete(LoanFloatingRate).where(LoanFloatingRate.loan_id == loan.id))
    session.flush()
    result = Recall(loan.id, on, plan.period, plan.principal_due, plan.interest, delta, plan.dropped)
    payload = {
        "loan_id": loan.id,
        "recalled_on": on.isoformat(),
        "decided_on": today.isoformat(),
        "period": plan.period,
        "principal_due": str(plan.principal_due),
        "interest": str(plan.interest),
        "interest_adjustment": str(delta),
        "dropped_periods": list(plan.dropped),
        "reason": reason.strip(),
    }
    audit.record(session, approver, "lending.recalled", "loan", loan.id, payload)
    publish(session, "lending.recalled", payload, loan.bank_id, also=(loan.borrower_id,))
    return result


def _post_adjustment(session: Session, actor: Principal, loan: Loan, delta: Decimal, day: dt.date) -> None:
    """Bring the interest receivable to what the recalled instalment owes: a non-accrual loan's off-balance memo
    first (its interest was never income), the rest on balance sheet."""
    off = ZERO
    if is_non_accrual(loan.dpd):
        off = delta if delta > 0 else max(delta, -loan.interest_off)
    on_balance = delta - off
    key = f"recall:{loan.id}:{day.isoformat()}"
    if off:
        ledger.post(session, actor, postings.interest_off(loan.bank_id, loan.id, off, day, f"{key}:off"))
        loan.interest_off += off
    if on_balance:
        ledger.post(session, actor, postings.interest_accrual(loan.bank_id, loan.id, on_balance, day, f"{key}:accrual"))
