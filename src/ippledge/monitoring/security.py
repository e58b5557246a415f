"""追加担保 / 补充质押 (request for additional security) as a post-loan action with maker-checker.

1. A credit officer of the lending bank requests more security on a loan that has a pledge in force, with the
   reason and, optionally, the watch-list entry it answers (an LTV breach, a lost or short-lived right):
   ``request_security`` (state ``proposed``, decided within ``ACTIONS[...].act_within`` working days).
2. A different approver decides (``actions.decide`` with ``approved`` as this kind's handler): approved, the request
   goes to the borrower (state ``requested``, event ``monitoring.action`` to bank and borrower) with its own time
   limit, ``complete_within`` working days from the approval; the escalation mark is cleared for the new limit.
3. When the borrower offers more IP, the officer records the offer (``record_offer``): a pledge change filing that
   adds the IP to the loan's pledge is drafted and confirmed by the bank through the pledge capability's face
   (``pledge.service.create_change_filing`` with ``add_asset_ids``); the pledgor's own confirmation is its
   consent, it submits, and the registry pre-checks the added IP like a new pledge (owner, legal state, no other
   pledge in force) and registers the change (state ``filed``).
4. The monitoring pass after each close settles filed requests (``settle_filed``): the change registered, the
   action is ``done`` (the watch entry it answers is cured); refused or withdrawn, it is ``requested`` again, so
   another offer can be recorded within the same limit.

Open past its limit in any of ``proposed``/``requested``/``filed``, the pass escalates it (``actions.
escalate_overdue``). Another bank's loan or action is a 404; an offer out of order a 409. Flushes only.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.calendar import default_calendar
from ippledge.lending import queries as lending_queries
from ippledge.monitoring import errors, model
from ippledge.monitoring.actions import _bank_loan, _new_action, _pending, _publish, visible_action
from ippledge.monitoring.model import ACTIONS, ActionKind, ActionState, WatchState
from ippledge.monitoring.tables import MonitoringAction, WatchEntry, WatchHistory
from ippledge.outbox import events
from ippledge.pledge import queries as pledge_queries
from ippledge.pledge import service as pledge_service
from ippledge.pledge.model import FilingStatus

SUBJECT = "security"
SYSTEM = "system:monitoring"


def _pledges_in_force(session: Session, loan_id: int) -> list[int]:
    out = []
    for pid in lending_queries.pledges_of_loan(session, loan_id):
        standing = pledge_queries.pledge_standing(session, pid)
        if standing is not None and standing.in_force:
            out.append(pid)
    return out


def request_security(
    session: Session, maker: Principal, loan_id: int, reason: str, day: dt.date, watch_entry_id: int | None = None
) -> MonitoringAction:
    """An officer requests additional security (追加担保) on the loan; an approver decides."""
    loan = _bank_loan(session, maker, loan_id, Role.CREDIT_OFFICER)
    if not (reason or "").strip():
        raise errors.REASON_REQUIRED()
    if watch_entry_id is not None:
        entry = session.get(WatchEntry, watch_entry_id)
        if entry is None or entry.loan_id != loan.id:
            raise errors.WATCH_NOT_FOUND(entry_id=watch_entry_id)
    if not _pledges_in_force(session, loan.id):
        raise errors.NO_PLEDGE_IN_FORCE()
    _pending(session, loan.id, SUBJECT)
    act_by = default_calendar().add_working_days(day, ACTIONS[ActionKind.ADDITIONAL_SECURITY].act_within)
    details: dict[str, Any] = {"reason": reason.strip(), "watch_entry_id": watch_entry_id}
    return _new_action(session, maker, loan, ActionKind.ADDITIONAL_SECURITY, SUBJECT, day, act_by, details)


def approved(
    session: Session,
    checker: Principal,
    action: MonitoringAction,
    loan: lending_queries.LoanSummary,
    details: dict[str, Any],
    day: dt.date,
) -> None:
    """The approver approved the request: it goes to the borrower with its own time limit."""
    within = ACTIONS[ActionKind.ADDITIONAL_SECURITY].complete_within or 0
    action.act_by = default_calendar().add_working_days(day, within)
    action.escalated_on = None  # a new limit: escalated once more if it passes too
    action.state = ActionState.REQUESTED.value
    details.update({"requested_on": day.isoformat(), "provide_by": action.act_by.isoformat()})


def record_offer(
    session: Session,
    officer: Principal,
    action_id: int,
    asset_ids: list[int],
    day: dt.date,
    pledge_id: int | None = None,
    ip_numbers: list[str] | None = None,
) -> MonitoringAction:
    """The borrower offered more IP: the bank drafts and confirms the change filing adding it to the pledge."""
    action = visible_action(session, officer, action_id)
    if officer.party_kind is not PartyKind.BANK or officer.party_id != action.bank_id:
        raise errors.ACTION_NOT_FOUND(action_id=action_id)
    if action.kind != ActionKind.ADDITIONAL_SECURITY.value:
        raise errors.NOT_A_SECURITY_REQUEST(kind=action.kind)
    if action.state != ActionState.REQUESTED.value:
        raise errors.ACTION_STATE(state=action.state, what_zh="登记补充质物", what_en="given an offer of IP")
    loan = _bank_loan(session, officer, action.loan_id, Role.CREDIT_OFFICER)
    in_force = _pledges_in_force(session, loan.id)
    if not in_force:
        raise errors.NO_PLEDGE_IN_FORCE()
    if pledge_id is not None and pledge_id not in in_force:
        raise errors.NOT_LOAN_PLEDGE(pledge_id=pledge_id)
    pid = pledge_id if pledge_id is not None else in_force[0]
    asset_ids = pledge_service.resolve_assets(session, ip_numbers or [], asset_ids)
    change = pledge_service.PledgeChangeRequest(add_asset_ids=asset_ids)
    filing = pledge_service.create_change_filing(session, officer, pid, change, day)
    pledge_service.confirm(session, officer, filing.id)
    details = json.loads(action.details)
    details.update(
        {"filing_id": filing.id, "pledge_id": pid, "offered_asset_ids": sorted(asset_ids), "offered_on": str(day)}
    )
    action.state = ActionState.FILED.value
    action.details = json.dumps(details, sort_keys=True, ensure_ascii=False)
    session.flush()
    audit.record(session, officer, "monitoring.security_offered", "monitoring_action", action.id, details)
    _publish(session, action, loan.borrower_id, action.state)
    return action


def settle_filed(session: Session, day: dt.date) -> int:
    """Filed requests whose change filing the registry decided: registered -> done (and the watch entry it answers
    cured); refused or withdrawn -> requested again. The count settled (done) on ``day``."""
    stmt = select(MonitoringAction).where(
        MonitoringAction.kind == ActionKind.ADDITIONAL_SECURITY.value,
        MonitoringAction.state == ActionState.FILED.value,
    )
    done = 0
    for action in list(session.scalars(stmt)):
        details = json.loads(action.details)
        standing = pledge_queries.filing_standing(session, int(details["filing_id"]))
        if standing is None or standing.status not in (
            FilingStatus.REGISTERED.value,
            FilingStatus.REFUSED.value,
            FilingStatus.WITHDRAWN.value,
        ):
            continue  # still with the parties or the registry
        loan = lending_queries.loan_summary(session, action.loan_id)
        if loan is None:  # pragma: no cover - actions always have their loan
            continue
        if standing.status == FilingStatus.REGISTERED.value:
            action.state, action.decided_on, action.decided_by = ActionState.DONE.value, day, SYSTEM
            details["registered_on"] = str(standing.decided_on or day)
            details["cured_watch_entry_id"] = _cure(session, details.get("watch_entry_id"), action.id, day)
            done += 1
        else:
            action.state = ActionState.REQUESTED.value
            details.pop("filing_id")
            details.setdefault("failed_filings", []).append(
                {"filing_id": standing.id, "status": standing.status, "codes": list(standing.refusal_codes)}
            )
        action.details = json.dumps(details, sort_keys=True, ensure_ascii=False)
        session.flush()
        audit.record(session, SYSTEM, f"monitoring.action_{action.state}", "monitoring_action", action.id, details)
        _publish(session, action, loan.borrower_id, action.state)
    return done


def _cure(session: Session, entry_id: int | None, action_id: int, day: dt.date) -> int | None:
    """Cure the watch entry the request answered, if it is still active."""
    if entry_id is None:
        return None
    entry = session.get(WatchEntry, int(entry_id))
    if entry is None or WatchState(entry.state) not in model.ACTIVE_STATES:
        return None
    before = entry.state
    entry.state, entry.updated_on = WatchState.CURED.value, day
    note = f"补充质押已登记（措施{action_id}） additional security registered (action {action_id})"
    session.add(
        WatchHistory(entry_id=entry.id, from_state=before, to_state=entry.state, on=day, actor=SYSTEM, note=note)
    )
    payload = {"entry_id": entry.id, "loan_id": entry.loan_id, "rule": entry.rule, "from": before, "to": entry.state}
    events.publish(session, "monitoring.watch_changed", {**payload, "on": day.isoformat()}, entry.bank_id)
    return entry.id
