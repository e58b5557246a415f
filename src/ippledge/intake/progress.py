"""Application timeline (办理进度): who holds each task, since when, for how many working days, against which limit.

Views are read-only; ``as_of`` is the business date the elapsed days and overdue flags are measured against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ippledge.access import queries as access
from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.intake import store
from ippledge.intake.model import TaskStatus, elapsed_working_days, is_overdue
from ippledge.intake.tables import Application, Task
from ippledge.kernel.calendar import default_calendar


@dataclass(frozen=True)
class TaskView:
    id: int
    application_id: int
    kind: str
    assignee_id: int
    assignee_name: str
    bank_id: int
    status: str
    channel: str
    opened_on: dt.date
    since: dt.date  # when the current holder took it (accepted) or got it (opened)
    due_on: dt.date
    limit_days: int
    working_days_elapsed: int
    overdue: bool
    closed_on: dt.date | None
    reason: str | None
    result_ref: str | None


def task_view(task: Task, party_name: str, as_of: dt.date) -> TaskView:
    status = TaskStatus(task.status)
    end = task.closed_on if task.closed_on is not None and not status.active else as_of
    return TaskView(
        id=task.id,
        application_id=task.application_id,
        kind=task.kind,
        assignee_id=task.assignee_id,
        assignee_name=party_name,
        bank_id=task.bank_id,
        status=task.status,
        channel=task.channel,
        opened_on=task.opened_on,
        since=task.accepted_on or task.opened_on,
        due_on=task.due_on,
        limit_days=task.limit_days,
        working_days_elapsed=elapsed_working_days(task.opened_on, end, default_calendar()),
        overdue=is_overdue(status, task.due_on, as_of, task.closed_on),
        closed_on=task.closed_on,
        reason=task.reason,
        result_ref=task.result_ref,
    )


def views(session: Session, rows: list[Task], as_of: dt.date) -> list[TaskView]:
    names = access.names_of(session, {t.assignee_id for t in rows})
    return [task_view(t, names.get(t.assignee_id, ""), as_of) for t in rows]


def timeline(
    session: Session, principal: Principal, application_id: int, as_of: dt.date
) -> tuple[Application, list[TaskView]]:
    """The application and every task on it the caller may see (the applicant sees every party's)."""
    app = scope.get_visible(session, Application, application_id, principal)
    visible = scope.scoped(Task, principal).where(Task.application_id == app.id).order_by(Task.id)
    return app, views(session, list(session.scalars(visible)), as_of)


def my_tasks(
    session: Session, principal: Principal, as_of: dt.date, overdue: bool | None = None, status: str | None = None
) -> list[TaskView]:
    """Tasks the caller's party holds; ``overdue=True`` keeps the active ones past their last day."""
    stmt = scope.scoped(Task, principal).where(Task.assignee_id == principal.party_id)
    if status is not None:
        stmt = stmt.where(Task.status == status)
    if overdue is True:
        stmt = stmt.where(Task.status.in_(store.ACTIVE), Task.due_on < as_of)
    elif overdue is False:
        stmt = stmt.where(~(Task.status.in_(store.ACTIVE) & (Task.due_on < as_of)))
    return views(session, list(session.scalars(stmt.order_by(Task.due_on, Task.id))), as_of)
