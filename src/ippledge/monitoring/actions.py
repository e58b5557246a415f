"""Post-loan actions (贷后措施) as commands with maker-checker and time limits in working days.

代缴年费 (``ActionKind.ANNUITY_PAYMENT``): when a pledged patent's annuity is due or in its grace (the monitoring pass
has warned: ``annuity_due`` / ``annuity_grace``), a credit officer of the lending bank proposes to pay it on the
pledgor's behalf (``propose_annuity_payment``: an ``access`` approval is opened; the quote carries the surcharge of
the proposal day). A different approver of the bank decides (``decide``): on approval, in one transaction,

1. the register records the payment (``registry.service.pay_on_behalf``: the same refusals as the owner's own
   payment, and the surcharge of the decision day, DOMAIN.md §3), so register ageing never turns it into a CF01;
2. the amount paid is posted to the loan as an advance (``lending.service.post_advance``: Dr the loan's advance
   receivable / Cr the bank's cash); the borrower owes it and the next repayment settles it first;
3. the loan's ``annuity_in_grace`` watch-list entry is cured when no other annuity of its pledged IP is late.

Anything refused on the way (the annuity paid meanwhile, grace over, loan repaid) rolls the whole decision back.
An action on a loan the caller's bank does not hold is a 404; out of order (decided twice, grace over) a 409.
The monitoring pass after each close escalates proposals still undecided after ``act_by`` (``escalate_overdue``).
Flushes only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import service as access
from ippledge.access.model import MONITORING_ACTION, PartyKind, Principal, Role
from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.money import to_fen
from ippledge.lending import queries as lending_queries
from ippledge.lending import service as lending_service
from ippledge.monitoring import errors, model
from ippledge.monitoring.model import ACTIONS, ActionKind, ActionState, WatchState
from ippledge.monitoring.tables import MonitoringAction, WatchEntry, WatchHistory
from ippledge.outbox import events
from ippledge.pledge import queries as pledge_queries
from ippledge.registry import queries as registry_queries
from ippledge.registry import service as registry_service
from ippledge.registry.model import grace_end, surcharge_rate

SYSTEM = "system:monitoring"


@dataclass(frozen=True)
class ActionView:
    id: int
    loan_id: int
    bank_id: int
    kind: str
    state: str
    subject: str
    approval_id: int
    proposed_on: dt.date
    proposed_by: str
    act_by: dt.date
    escalated_on: dt.date | None
    decided_on: dt.date | None
    decided_by: str | None
    entry_id: int | None
    details: dict[str, Any]


def view(action: MonitoringAction) -> ActionView:
    return ActionView(
        action.id,
        action.loan_id,
        action.bank_id,
        action.kind,
        action.state,
        action.subject,
        action.approval_id,
        action.proposed_on,
        action.proposed_by,
        action.act_by,
        action.escalated_on,
        action.decided_on,
        action.decided_by,
        action.entry_id,
        json.loads(action.details),
    )


def _bank_loan(session: Session, principal: Principal, loan_id: int, *roles: Role) -> lending_queries.LoanSummary:
    """The loan of the caller's bank (another bank's or an unknown loan: 404), active (else 409)."""
    if principal.party_kind is not PartyKind.BANK:
        raise errors.NOT_THE_BANK()
    loan = lending_queries.loan_summary(session, loan_id)
    if loan is None or loan.bank_id != principal.party_id:
        raise errors.LOAN_NOT_FOUND(loan_id=loan_id)
    principal.require(*roles)
    if loan.status != "active":
        raise errors.LOAN_NOT_ACTIVE(status=loan.status)
    return loan


def _pledged_in_force(session: Session, loan_id: int) -> list[int]:
    """The IP under the loan's pledges in force."""
    out: list[int] = []
    for pid in lending_queries.pledges_of_loan(session, loan_id):
        standing = pledge_queries.pledge_standing(session, pid)
        if standing is not None and standing.in_force:
            out.extend(pledge_queries.pledge_asset_ids(session, pid))
    return sorted(set(out))


def _open_annuity(session: Session, asset_id: int, year_no: int, on: dt.date) -> registry_queries.OpenAnnuity:
    annuity = registry_queries.open_annuity(session, asset_id, year_no)
    if annuity is None:
        raise errors.ANNUITY_NOT_OPEN(asset_id=asset_id, year_no=year_no)
    if on > grace_end(annuity.due_date):
        raise errors.ANNUITY_LAPSED(grace_ends=grace_end(annuity.due_date).isoformat())
    return annuity


def _publish(session: Session, action: MonitoringAction, borrower_id: int, state: str) -> None:
    payload = {
        "action_id": action.id,
        "loan_id": action.loan_id,
        "kind": action.kind,
        "state": state,
        "act_by": action.act_by.isoformat(),
        "details": json.loads(action.details),
    }
    events.publish(session, "monitoring.action", payload, action.bank_id, also=(borrower_id,))


def propose_annuity_payment(
    session: Session, maker: Principal, loan_id: int, asset_id: int, year_no: int, day: dt.date
) -> MonitoringAction:
    """An officer proposes 代缴年费 for one unpaid annuity of IP pledged in force for the loan (quote of ``day``)."""
    loan = _bank_loan(session, maker, loan_id, Role.CREDIT_OFFICER)
    if asset_id not in _pledged_in_force(session, loan.id):
        raise errors.NOT_PLEDGED(asset_id=asset_id)
    annuity = _open_annuity(session, asset_id, year_no, day)
    subject = f"annuity:{asset_id}:{year_no}"
    pending = session.scalars(
        select(MonitoringAction.id).where(
            MonitoringAction.loan_id == loan.id,
            MonitoringAction.subject == subject,
            MonitoringAction.state == ActionState.PROPOSED.value,
        )
    ).first()
    if pending is not None:
        raise errors.ACTION_PENDING(action_id=pending)
    rate = surcharge_rate(annuity.due_date, day)
    quote = model.amount_due(annuity.amount, annuity.due_date, day)
    details = {
        "asset_id": asset_id,
        "year_no": year_no,
        "due_date": annuity.due_date.isoformat(),
        "grace_ends": grace_end(annuity.due_date).isoformat(),
        "fee_fen": to_fen(annuity.amount),
        "quoted_surcharge_rate": str(rate),
        "quoted_fen": to_fen(quote),
    }
    rule = ACTIONS[ActionKind.ANNUITY_PAYMENT]
    act_by = model.action_act_by(default_calendar().add_working_days(day, rule.act_within), annuity.due_date)
    approval = access.propose(session, maker, MONITORING_ACTION, loan.id, ActionKind.ANNUITY_PAYMENT.value, details)
    action = MonitoringAction(
        loan_id=loan.id,
        bank_id=loan.bank_id,
        kind=ActionKind.ANNUITY_PAYMENT.value,
        state=ActionState.PROPOSED.value,
        subject=subject,
        approval_id=approval.id,
        proposed_on=day,
        proposed_by=maker.actor[:64],
        act_by=act_by,
        details=json.dumps(details, sort_keys=True),
    )
    session.add(action)
    session.flush()
    audit.record(session, maker, "monitoring.action_proposed", "monitoring_action", action.id, details)
    _publish(session, action, loan.borrower_id, action.state)
    return action


def visible_action(session: Session, principal: Principal, action_id: int) -> MonitoringAction:
    action = session.scalars(scope.scoped(MonitoringAction, principal).where(MonitoringAction.id == action_id)).first()
    if action is None:
        raise errors.ACTION_NOT_FOUND(action_id=action_id)
    return action


def decide(
    session: Session, checker: Principal, action_id: int, approve: bool, reason: str | None, day: dt.date
) -> MonitoringAction:
    """The approver's decision; approving carries the action out (see the module docstring)."""
    action = visible_action(session, checker, action_id)
    if checker.party_kind is not PartyKind.BANK or checker.party_id != action.bank_id:
        raise errors.ACTION_NOT_FOUND(action_id=action_id)  # the regulator reads, never decides
    if action.state != ActionState.PROPOSED.value:
        raise errors.ACTION_STATE(state=action.state, what_zh="再次决定", what_en="decided again")
    loan = _bank_loan(session, checker, action.loan_id, Role.APPROVER)
    access.decide(session, checker, action.approval_id, approve, reason)
    details = json.loads(action.details)
    action.decided_on, action.decided_by = day, checker.actor[:64]
    if not approve:
        action.state = ActionState.REJECTED.value
        details["reason"] = reason
        action.details = json.dumps(details, sort_keys=True)
        session.flush()
        audit.record(session, checker, "monitoring.action_rejected", "monitoring_action", action.id, {"reason": reason})
        _publish(session, action, loan.borrower_id, action.state)
        return action
    asset_id, year_no = int(details["asset_id"]), int(details["year_no"])
    if asset_id not in _pledged_in_force(session, loan.id):
        raise errors.NOT_PLEDGED(asset_id=asset_id)
    _open_annuity(session, asset_id, year_no, day)
    row = registry_service.pay_on_behalf(
        session, loan.bank_id, asset_id, year_no, day, f"monitoring_action:{action.id}"
    )
    paid = row.paid or Decimal("0.00")
    memo = f"代缴年费 annuity year {year_no} of IP {asset_id}"
    action.entry_id = lending_service.post_advance(session, checker, loan.id, paid, day, f"action:{action.id}", memo)
    details.update(
        {"paid_on": day.isoformat(), "paid_fen": to_fen(paid), "surcharge_rate": str(surcharge_rate(row.due_date, day))}
    )
    details["cured_watch_entry_id"] = _cure_annuity_watch(session, checker, loan.id, day, action.id)
    action.state = ActionState.DONE.value
    action.details = json.dumps(details, sort_keys=True)
    session.flush()
    audit.record(session, checker, "monitoring.action_done", "monitoring_action", action.id, details)
    _publish(session, action, loan.borrower_id, action.state)
    return action


def _cure_annuity_watch(session: Session, checker: Principal, loan_id: int, day: dt.date, action_id: int) -> int | None:
    """Cure the loan's ``annuity_in_grace`` entry once none of its pledged IP has an annuity past due left."""
    late = registry_queries.open_annuities(session, _pledged_in_force(session, loan_id), dt.date.min, day)
    if late:
        return None
    rule = ACTIONS[ActionKind.ANNUITY_PAYMENT].cures
    active = [s.value for s in model.ACTIVE_STATES]
    entry = session.scalars(
        select(WatchEntry).where(WatchEntry.loan_id == loan_id, WatchEntry.rule == rule, WatchEntry.state.in_(active))
    ).first()
    if entry is None:
        return None
    before = entry.state
    entry.state, entry.updated_on = WatchState.CURED.value, day
    note = f"已代缴年费（措施{action_id}） annuity paid on the pledgor's behalf (action {action_id})"
    session.add(
        WatchHistory(
            entry_id=entry.id, from_state=before, to_state=entry.state, on=day, actor=checker.actor[:64], note=note
        )
    )
    payload = {"entry_id": entry.id, "loan_id": loan_id, "rule": rule, "from": before, "to": entry.state}
    events.publish(session, "monitoring.watch_changed", {**payload, "on": day.isoformat()}, entry.bank_id)
    return entry.id


def escalate_overdue(session: Session, day: dt.date) -> int:
    """Proposals still undecided after their time limit are escalated once (``monitoring.action``, state
    ``overdue``, to the bank and the borrower); the count escalated on ``day``."""
    stmt = select(MonitoringAction).where(
        MonitoringAction.state == ActionState.PROPOSED.value,
        MonitoringAction.act_by < day,
        MonitoringAction.escalated_on.is_(None),
    )
    n = 0
    for action in session.scalars(stmt):
        action.escalated_on = day
        loan = lending_queries.loan_summary(session, action.loan_id)
        _publish(session, action, loan.borrower_id if loan else action.bank_id, "overdue")
        audit.record(session, SYSTEM, "monitoring.action_overdue", "monitoring_action", action.id, {"on": str(day)})
        n += 1
    session.flush()
    return n


def actions(
    session: Session, principal: Principal, loan_id: int | None = None, state: str | None = None
) -> list[ActionView]:
    """The actions of the caller's bank (platform and regulator: all), oldest first."""
    stmt = scope.scoped(MonitoringAction, principal).order_by(MonitoringAction.id)
    if loan_id is not None:
        stmt = stmt.where(MonitoringAction.loan_id == loan_id)
    if state is not None:
        stmt = stmt.where(MonitoringAction.state == state)
    return [view(a) for a in session.scalars(stmt)]
