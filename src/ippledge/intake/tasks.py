"""Party tasks (任务): opening with a working-day limit, accept / decline / complete, cancellation, overdue flags.

Each task's limit comes from the data in force on the day it opens (``task_time_limit``, else the defaults in
``intake.model``); a firm in the green channel when it applied gets the green limits. Every change is audited;
assignment and overdue are announced on the outbox to the party concerned.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.intake import errors, store
from ippledge.intake.model import (
    Channel,
    TaskKind,
    TaskStatus,
    application_status,
    check_reason,
    due_on,
    next_status,
)
from ippledge.intake.tables import Application, Task
from ippledge.kernel.calendar import default_calendar
from ippledge.outbox import events

Actor = Principal | str

# Who, in the assignee party, works on each kind of task.
ASSIGNEE_ROLES: dict[TaskKind, frozenset[Role]] = {
    TaskKind.BANK_REVIEW: frozenset({Role.CREDIT_OFFICER, Role.APPROVER}),
    TaskKind.VALUATION: frozenset({Role.VALUER}),
    TaskKind.INTERNAL_VALUATION: frozenset({Role.CREDIT_OFFICER}),
    TaskKind.UNDERWRITING: frozenset({Role.UNDERWRITER}),
    TaskKind.PLEDGE_REGISTRATION: frozenset({Role.CREDIT_OFFICER}),
    TaskKind.IP_REVIEW: frozenset({Role.OPERATOR, Role.APPROVER}),
}


def _actor_name(actor: Actor) -> str:
    return actor.actor if isinstance(actor, Principal) else actor


def open_task(
    session: Session, actor: Actor, app: Application, kind: TaskKind, assignee_id: int, bank_id: int, today: dt.date
) -> Task:
    channel = Channel.GREEN if app.green_channel else Channel.STANDARD
    days = store.limit_days(session, kind, channel, today)
    task = Task(
        application_id=app.id,
        kind=kind.value,
        assignee_id=assignee_id,
        bank_id=bank_id,
        status=TaskStatus.OPEN.value,
        channel=channel.value,
        limit_days=days,
        opened_on=today,
        due_on=due_on(today, days, default_calendar()),
        opened_by=_actor_name(actor),
    )
    session.add(task)
    session.flush()
    payload = {
        "application_id": app.id,
        "kind": kind.value,
        "assignee_id": assignee_id,
        "bank_id": bank_id,
        "due_on": task.due_on.isoformat(),
        "channel": channel.value,
    }
    audit.record(session, actor, "intake.task_opened", "intake_task", task.id, payload)
    events.publish(session, "intake.task_assigned", {"task_id": task.id, **payload}, assignee_id)
    return task


def refresh_status(session: Session, app: Application) -> str:
    """Recompute the application's status from its bank reviews."""
    tasks = store.tasks_of(session, app.id)
    reviews = [TaskStatus(t.status) for t in tasks if t.kind == TaskKind.BANK_REVIEW.value]
    started = any(t.status != TaskStatus.OPEN.value or t.kind != TaskKind.BANK_REVIEW.value for t in tasks)
    app.status = application_status(app.withdrawn_on is not None, reviews, started).value
    session.flush()
    return app.status


def transition(
    session: Session,
    actor: Actor,
    task: Task,
    action: str,
    today: dt.date,
    reason: str | None = None,
    result_ref: str | None = None,
) -> Task:
    """Move ``task`` by ``action`` (accept, decline, complete, cancel), audit it and refresh the application."""
    before = task.status
    task.status = next_status(TaskStatus(task.status), action).value
    if action == "accept":
        task.accepted_on = today
        if isinstance(actor, Principal) and actor.party_id == task.bank_id == task.assignee_id:
            posting = access.posting_of(session, actor.user_id)  # the bank's own work carries the taker's branch
            task.branch_id = None if posting is None else posting.branch_id
    else:
        task.closed_on = today
    if reason is not None:
        task.reason = reason
    if result_ref is not None:
        task.result_ref = result_ref
    session.flush()
    audit.record(
        session,
        actor,
        f"intake.task_{task.status}",
        "intake_task",
        task.id,
        {"from": before, "reason": reason, "result": result_ref},
    )
    app = session.get(Application, task.application_id)
    assert app is not None
    refresh_status(session, app)
    return task


def assigned_task(session: Session, principal: Principal, task_id: int, *kinds: TaskKind) -> Task:
    """A task the caller's party holds, worked by a user with the right role; other parties' tasks are 404."""
    task = scope.get_visible(session, Task, task_id, principal)
    if task.assignee_id != principal.party_id or (kinds and TaskKind(task.kind) not in kinds):
        raise errors.NOT_ASSIGNEE()
    principal.require(*ASSIGNEE_ROLES[TaskKind(task.kind)])
    return task


def accept(session: Session, principal: Principal, task_id: int, today: dt.date) -> Task:
    task = assigned_task(session, principal, task_id)
    return transition(session, principal, task, "accept", today)


def decline(session: Session, principal: Principal, task_id: int, reason: str, today: dt.date) -> Task:
    """The assignee declines with a reason (拒绝); a declined bank review also cancels that bank's other tasks."""
    task = assigned_task(session, principal, task_id)
    text = check_reason(reason)
    transition(session, principal, task, "decline", today, reason=text)
    if task.kind == TaskKind.BANK_REVIEW.value:
        app = session.get(Application, task.application_id)
        assert app is not None
        cancel_active(session, principal, app, f"bank declined: {text}", today, bank_id=task.bank_id)
    return task


def complete_underwriting(
    session: Session, principal: Principal, task_id: int, note: str | None, today: dt.date
) -> Task:
    """The insurer or guarantor finishes its underwriting (核保/担保审核完成)."""
    task = assigned_task(session, principal, task_id, TaskKind.UNDERWRITING)
    return transition(session, principal, task, "complete", today, reason=(note or "").strip() or None)


def complete_with_note(session: Session, principal: Principal, task_id: int, note: str | None, today: dt.date) -> Task:
    """An insurer or guarantor finishes its underwriting, or an IP operations institution its IP review (知识产权审查
    意见 in ``reason``)."""
    task = assigned_task(session, principal, task_id, TaskKind.UNDERWRITING, TaskKind.IP_REVIEW)
    return transition(session, principal, task, "complete", today, reason=(note or "").strip() or None)


def cancel_active(
    session: Session,
    actor: Actor,
    app: Application,
    reason: str,
    today: dt.date,
    bank_id: int | None = None,
    assignee_id: int | None = None,
) -> int:
    n = 0
    for task in store.tasks_of(session, app.id):
        if not TaskStatus(task.status).active:
            continue
        if bank_id is not None and task.bank_id != bank_id:
            continue
        if assignee_id is not None and task.assignee_id != assignee_id:
            continue
        transition(session, actor, task, "cancel", today, reason=reason)
        n += 1
    return n


def flag_overdue(session: Session, as_of: dt.date) -> int:
    """Mark every active task past its last day as overdue (逾期) once; running it again changes nothing.

    The daily close calls this. Returns how many tasks were newly flagged.
    """
    stmt = (
        select(Task)
        .where(Task.status.in_(store.ACTIVE), Task.due_on < as_of, Task.overdue_flagged_on.is_(None))
        .order_by(Task.id)
    )
    n = 0
    for task in session.scalars(stmt).all():
        task.overdue_flagged_on = as_of
        payload = {
            "application_id": task.application_id,
            "kind": task.kind,
            "assignee_id": task.assignee_id,
            "due_on": task.due_on.isoformat(),
            "as_of": as_of.isoformat(),
        }
        audit.record(session, "system:close", "intake.task_overdue", "intake_task", task.id, payload)
        events.publish(session, "intake.task_overdue", {"task_id": task.id, **payload}, task.assignee_id)
        n += 1
    session.flush()
    return n


def require_active_review(session: Session, app: Application, bank_id: int) -> Task:
    review = store.find_task(session, app.id, TaskKind.BANK_REVIEW, bank_id, active_only=True)
    if review is None:
        raise errors.REVIEW_CLOSED(application_id=app.id)
    return review


def start_review(session: Session, principal: Principal, review: Task, today: dt.date) -> None:
    """A bank's first action on an application accepts its review task."""
    if review.status == TaskStatus.OPEN.value:
        transition(session, principal, review, "accept", today)


def bank_principal(principal: Principal) -> None:
    principal.require_kind(PartyKind.BANK)
    principal.require(Role.CREDIT_OFFICER)
