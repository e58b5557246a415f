"""Watch-list entries the pass cures itself (条件消除自动化解): a rule-opened entry whose condition the pass checks
every day is cured by the first pass that finds the condition gone, with the reason in its history.

Only rules whose condition the pass re-evaluates in full each day qualify (``SELF_CURING``):

- ``term_short`` (质物保护期短于贷款期限): gone when no IP pledged for the loan expires before it matures any more -- a
  term adjustment or extension (TG01/TP01) moved the expiry past the maturity, an early recall (提前收回) brought the
  maturity before the expiry, or the short-lived IP left the pledge. An extension (展期) moves the maturity later, so
  it can only raise the condition, never cure it; the pass after the extension's close re-checks it all the same
  (the finding's subject names the maturity, so a moved maturity that leaves the IP short is announced afresh and a
  cured entry's condition that returns opens a new entry).

Not the others: an annuity leaves the grace window unpaid as well as paid (the lapse then opens ``collateral_lost``);
the LTV is measured only at month-end revaluations; events and signals are one-off facts, not standing conditions.
Those are cured by the action that answers them (``actions``, ``security``) or by the officer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.monitoring.model import ACTIVE_STATES, WatchState
from ippledge.monitoring.tables import WatchEntry, WatchHistory
from ippledge.outbox import events

SYSTEM: Final = "system:monitoring"
# rule -> the note its cure records (zh, en)
SELF_CURING: Final[dict[str, str]] = {
    "term_short": "质物保护期已不早于贷款到期日（保护期延长、提前收回或质物变更），监测自动化解 "
    "the pledged IP now outlives the loan (term extended, maturity brought forward or IP released): cured by the pass",
}


def cure_gone(session: Session, day: dt.date, monitored: Collection[int], holding: set[tuple[int, str]]) -> int:
    """Cure every active self-curing entry of a ``monitored`` loan (checked by the pass of ``day``) whose
    ``(loan, rule)`` is not in ``holding`` (the conditions the pass found today); the number cured."""
    if not monitored:
        return 0
    stmt = select(WatchEntry).where(
        WatchEntry.rule.in_(list(SELF_CURING)), WatchEntry.state.in_([s.value for s in ACTIVE_STATES])
    )
    cured = 0
    for entry in session.scalars(stmt):
        if entry.loan_id not in monitored or (entry.loan_id, entry.rule) in holding:
            continue
        before, note = entry.state, SELF_CURING[entry.rule]
        entry.state, entry.updated_on = WatchState.CURED.value, day
        session.add(
            WatchHistory(entry_id=entry.id, from_state=before, to_state=entry.state, on=day, actor=SYSTEM, note=note)
        )
        payload = {"entry_id": entry.id, "loan_id": entry.loan_id, "rule": entry.rule, "from": before}
        events.publish(
            session, "monitoring.watch_changed", {**payload, "to": entry.state, "on": day.isoformat()}, entry.bank_id
        )
        moved = {"from": before, "to": entry.state}
        audit.record(session, SYSTEM, "monitoring.watch_moved", "watch_entry", entry.id, moved)
        cured += 1
    return cured
