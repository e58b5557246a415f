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
下调分类建议 (``ActionKind.DOWNGRADE``): an officer proposes a worse grade with the reason; approving sets it through
``lending.service.set_grade`` (the floor and the classification rules still apply there). 现场走访
(``SITE_VISIT``): an officer plans a visit; it is done when an officer records the findings (and evidence
references) within the limit. 贷后检查 (``INSPECTION``): the monitoring pass opens each loan's inspections by
``model.INSPECTION_POLICY`` — the first within 15 days of disbursement, then every 90 days — due on their date, and
an officer records the findings.

追加担保 and 提前收回 live in ``security.py`` and ``recall.py``; approving them runs their handler
(``decisions.HANDLERS``) inside ``decide``.

An action on a loan the caller's bank does not hold is a 404; out of order (decided twice, grace over, findings on a
decided kind, a decision on a visit) a 409. The monitoring pass after each close escalates actions still open after
``act_by`` (``escalate_overdue``). Flushes only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access_queries
from ippledge.access import service as access
from ippledge.access.model import MONITORING_ACTION, PartyKind, Principal, Role
from ippledge.db import insert_ids
from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.money import to_fen
from ippledge.lending import queries as lending_queries
from ippledge.lending import service as lending_service
from ippledge.lending.model.classification import parse_grade
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
    approval_id: int | None
    proposed_on: dt.date
    proposed_by: str
    branch_id: int | None
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
        action.branch_id,
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


def _pending(session: Session, loan_id: int, subject: str) -> None:
    pending = session.scalars(
        select(MonitoringAction.id).where(
            MonitoringAction.loan_id == loan_id,
            MonitoringAction.subject == subject,
            MonitoringAction.state.in_([s.value for s in model.OPEN_ACTION_STATES]),
        )
    ).first()
    if pending is not None:
        raise errors.ACTION_PENDING(action_id=pending)


def _new_action(
    session: Session,
    maker: Principal | str,
    loan: lending_queries.LoanSummary,
    kind: ActionKind,
    subject: str,
    day: dt.date,
    act_by: dt.date,
    details: dict[str, Any],
) -> MonitoringAction:
    approval_id = None
    if kind in model.DECIDED:
        assert isinstance(maker, Principal)
        approval_id = access.propose(session, maker, MONITORING_ACTION, loan.id, kind.value, details).id
    actor = maker.actor if isinstance(maker, Principal) else maker
    posting = access_queries.posting_of(session, maker.user_id) if isinstance(maker, Principal) else None
    action = MonitoringAction(
        loan_id=loan.id,
        bank_id=loan.bank_id,
        kind=kind.value,
        state=ActionState.PROPOSED.value,
        subject=subject,
        approval_id=approval_id,
        proposed_on=day,
        proposed_by=actor[:64],
        branch_id=None if posting is None else posting.branch_id,
        act_by=act_by,
        details=json.dumps(details, sort_keys=True, ensure_ascii=False),
    )
    session.add(action)
    session.flush()
    audit.record(session, maker, "monitoring.action_proposed", "monitoring_action", action.id, details)
    _publish(session, action, loan.borrower_id, action.state)
    return action


def propose_downgrade(
    session: Session, maker: Principal, loan_id: int, grade: str, reason: str, day: dt.date
) -> MonitoringAction:
    """下调分类建议: an officer proposes a worse grade than the loan's, with the reason; an approver decides."""
    loan = _bank_loan(session, maker, loan_id, Role.CREDIT_OFFICER)
    if not (reason or "").strip():
        raise errors.REASON_REQUIRED()
    wanted, current = parse_grade(grade), parse_grade(loan.grade)
    if wanted <= current:
        raise errors.NOT_A_DOWNGRADE(
            current=current.code, current_zh=current.zh, requested=wanted.code, requested_zh=wanted.zh
        )
    _pending(session, loan.id, "grade")
    rule = ACTIONS[ActionKind.DOWNGRADE]
    act_by = default_calendar().add_working_days(day, rule.act_within)
    details = {"from_grade": current.code, "grade": wanted.code, "reason": reason.strip()}
    return _new_action(session, maker, loan, ActionKind.DOWNGRADE, "grade", day, act_by, details)


def plan_site_visit(session: Session, officer: Principal, loan_id: int, purpose: str, day: dt.date) -> MonitoringAction:
    """现场走访: an officer plans a visit to the borrower, to be done (findings recorded) within the limit."""
    loan = _bank_loan(session, officer, loan_id, Role.CREDIT_OFFICER)
    if not (purpose or "").strip():
        raise errors.REASON_REQUIRED()
    _pending(session, loan.id, "site_visit")
    act_by = default_calendar().add_working_days(day, ACTIONS[ActionKind.SITE_VISIT].act_within)
    details = {"purpose": purpose.strip()}
    return _new_action(session, officer, loan, ActionKind.SITE_VISIT, "site_visit", day, act_by, details)


def record_findings(
    session: Session, officer: Principal, action_id: int, findings: str, evidence: list[str], day: dt.date
) -> MonitoringAction:
    """A site visit or an inspection is done: an officer of the bank records what was found and the evidence."""
    action = visible_action(session, officer, action_id)
    if officer.party_kind is not PartyKind.BANK or officer.party_id != action.bank_id:
        raise errors.ACTION_NOT_FOUND(action_id=action_id)
    kind = ActionKind(action.kind)
    if kind in model.DECIDED:
        raise errors.NEEDS_DECISION(kind=kind.value)
    if action.state != ActionState.PROPOSED.value:
        raise errors.ACTION_STATE(state=action.state, what_zh="再次填写发现", what_en="completed again")
    loan = _bank_loan(session, officer, action.loan_id, Role.CREDIT_OFFICER)
    if not (findings or "").strip():
        raise errors.FINDINGS_REQUIRED()
    details = json.loads(action.details)
    details.update({"findings": findings.strip(), "evidence": [e.strip() for e in evidence if e.strip()]})
    details["late"] = day > action.act_by
    action.state, action.decided_on, action.decided_by = ActionState.DONE.value, day, officer.actor[:64]
    action.details = json.dumps(details, sort_keys=True, ensure_ascii=False)
    session.flush()
    audit.record(session, officer, "monitoring.action_done", "monitoring_action", action.id, details)
    _publish(session, action, loan.borrower_id, action.state)
    return action


def open_inspections(session: Session, loans: list[lending_queries.LoanSummary], day: dt.date) -> int:
    """贷后检查 by ``model.INSPECTION_POLICY``: open each active loan's inspections that come within reach on ``day``
    (the first at disbursement, due 15 days later; the next ones 15 days before their due date), once each."""
    if not loans:
        return 0
    ids = [ln.id for ln in loans]
    opened: dict[int, int] = {}
    for start in range(0, len(ids), 5_000):
        stmt = (
            select(MonitoringAction.loan_id, func.count())
            .where(
                MonitoringAction.loan_id.in_(ids[start : start + 5_000]),
                MonitoringAction.kind == ActionKind.INSPECTION.value,
            )
            .group_by(MonitoringAction.loan_id)
        )
        opened.update({int(lid): int(n) for lid, n in session.execute(stmt)})
    lead = model.INSPECTION_POLICY.first_within_days
    rows: list[dict[str, Any]] = []
    borrower: dict[int, int] = {}
    for loan in loans:
        if loan.status != "active" or loan.disbursed_on is None:
            continue
        for k in model.inspections_to_open(loan.disbursed_on, opened.get(loan.id, 0), day, lead):
            due = model.inspection_due(loan.disbursed_on, k)
            details = {"number": k, "due": due.isoformat()}
            rows.append(
                {
                    "loan_id": loan.id,
                    "bank_id": loan.bank_id,
                    "kind": ActionKind.INSPECTION.value,
                    "state": ActionState.PROPOSED.value,
                    "subject": f"inspection:{k}",
                    "approval_id": None,
                    "proposed_on": day,
                    "proposed_by": SYSTEM,
                    "act_by": due,
                    "details": json.dumps(details, sort_keys=True),
                }
            )
            borrower[loan.id] = loan.borrower_id
    if not rows:
        return 0
    # One bulk insert for every inspection of the day, ids back in order (no ORM object per row: decision 0033).
    new_ids = insert_ids(session, cast(Table, MonitoringAction.__table__), rows)
    items: list[tuple[str, dict[str, Any], int | None, list[int]]] = []
    for action_id, a in zip(new_ids, rows, strict=True):
        payload = {
            "action_id": action_id,
            "loan_id": a["loan_id"],
            "kind": a["kind"],
            "state": a["state"],
            "act_by": a["act_by"].isoformat(),
            "details": json.loads(a["details"]),
        }
        items.append(("monitoring.action", payload, a["bank_id"], [borrower[a["loan_id"]]]))
    events.publish_many(session, items)
    audit.record(session, SYSTEM, "monitoring.inspections_opened", "monitoring_run", day.isoformat(), {"n": len(rows)})
    return len(rows)


def propose_annuity_payment(
    session: Session, maker: Principal, loan_id: int, asset_id: int, year_no: int, day: dt.date
) -> MonitoringAction:
    """An officer proposes 代缴年费 for one unpaid annuity of IP pledged in force for the loan (quote of ``day``)."""
    loan = _bank_loan(session, maker, loan_id, Role.CREDIT_OFFICER)
    if asset_id not in _pledged_in_force(session, loan.id):
        raise errors.NOT_PLEDGED(asset_id=asset_id)
    annuity = _open_annuity(session, asset_id, year_no, day)
    subject = f"annuity:{asset_id}:{year_no}"
    _pending(session, loan.id, subject)
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
    return _new_action(session, maker, loan, ActionKind.ANNUITY_PAYMENT, subject, day, act_by, details)


def visible_action(session: Session, principal: Principal, action_id: int) -> MonitoringAction:
    action = session.scalars(scope.scoped(MonitoringAction, principal).where(MonitoringAction.id == action_id)).first()
    if action is None:
        raise errors.ACTION_NOT_FOUND(action_id=action_id)
    return action


# What approving an action of a kind does, beyond the two kinds carried out here (``decisions.HANDLERS``): it
# updates ``details`` in place and sets ``action.state`` (``done``, or ``requested`` for a request to the borrower).
Handler = Callable[[Session, Principal, MonitoringAction, lending_queries.LoanSummary, dict[str, Any], dt.date], None]


def decide(
    session: Session,
    checker: Principal,
    action_id: int,
    approve: bool,
    reason: str | None,
    day: dt.date,
    handlers: Mapping[ActionKind, Handler] | None = None,
) -> MonitoringAction:
    """The approver's decision; approving carries the action out (see the module docstring)."""
    action = visible_action(session, checker, action_id)
    if checker.party_kind is not PartyKind.BANK or checker.party_id != action.bank_id:
        raise errors.ACTION_NOT_FOUND(action_id=action_id)  # the regulator reads, never decides
    kind = ActionKind(action.kind)
    if kind not in model.DECIDED or action.approval_id is None:
        raise errors.NOT_DECIDED_HERE(kind=kind.value)
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
    handler = (handlers or {}).get(kind)
    if handler is not None:
        handler(session, checker, action, loan, details, day)
        action.details = json.dumps(details, sort_keys=True, ensure_ascii=False)
        session.flush()
        audit.record(session, checker, f"monitoring.action_{action.state}", "monitoring_action", action.id, details)
        _publish(session, action, loan.borrower_id, action.state)
        return action
    if kind is ActionKind.DOWNGRADE:
        lending_service.set_grade(session, checker, loan.id, details["grade"], details["reason"], day)
        action.state = ActionState.DONE.value
        action.details = json.dumps(details, sort_keys=True, ensure_ascii=False)
        session.flush()
        audit.record(session, checker, "monitoring.action_done", "monitoring_action", action.id, details)
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
    """Actions of active loans still open after their time limit are escalated once (``monitoring.action``, state
    ``overdue``, to the bank and the borrower); the count escalated on ``day``."""
    stmt = select(MonitoringAction).where(
        MonitoringAction.state.in_([s.value for s in model.OPEN_ACTION_STATES]),
        MonitoringAction.act_by < day,
        MonitoringAction.escalated_on.is_(None),
    )
    n = 0
    for action in list(session.scalars(stmt)):
        loan = lending_queries.loan_summary(session, action.loan_id)
        if loan is None or loan.status != "active":  # repaid or written off meanwhile: nothing left to chase
            continue
        action.escalated_on = day
        _publish(session, action, loan.borrower_id, "overdue")
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
