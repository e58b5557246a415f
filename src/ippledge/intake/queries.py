"""Published read face (查询接口) of intake: what other capabilities may read.

Typed, and party-scoped where a caller is given. Valuation and credit read applications and tasks through here and
act on tasks through ``intake.service``; neither sees intake's tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import QueryableAttribute, Session

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.intake import progress, store
from ippledge.intake.model import WINDOW_LIMIT_DAYS, ApplicationStatus, TaskKind, TaskStatus, due_on
from ippledge.intake.tables import Application, Task, WindowReceipt
from ippledge.kernel.calendar import default_calendar

# -- applications and tasks as valuation and credit read them --------------------------------------------------------


@dataclass(frozen=True)
class ApplicationFacts:
    """A financing application (融资申请) as other capabilities read it."""

    id: int
    application_no: str
    applicant_id: int
    amount: Decimal
    currency: str
    term_months: int
    status: ApplicationStatus
    submitted_on: dt.date


def _facts(app: Application) -> ApplicationFacts:
    return ApplicationFacts(
        app.id,
        app.application_no,
        app.applicant_id,
        app.amount,
        app.currency,
        app.term_months,
        ApplicationStatus(app.status),
        app.submitted_on,
    )


def visible_application(session: Session, principal: Principal, application_id: int) -> ApplicationFacts:
    """An application the caller may see (its applicant; a consented party holding a task on it; the platform and
    the regulator); 404 for anyone else."""
    return _facts(scope.get_visible(session, Application, application_id, principal))


def application_facts(session: Session, application_id: int) -> ApplicationFacts | None:
    """An application by id, or ``None`` (no caller scoping: the caller has checked)."""
    app = session.get(Application, application_id)
    return None if app is None else _facts(app)


def asset_ids(session: Session, application_id: int) -> list[int]:
    """The IP the application offers (ascending ids)."""
    return store.asset_ids(session, application_id)


def applicants(session: Session, application_ids: Iterable[int]) -> dict[int, int]:
    """``application id -> applicant party id`` for the ids that name an application."""
    ids = sorted(set(application_ids))
    out: dict[int, int] = {}
    for start in range(0, len(ids), 5_000):
        stmt = select(Application.id, Application.applicant_id).where(Application.id.in_(ids[start : start + 5_000]))
        out.update((int(a), int(p)) for a, p in session.execute(stmt))
    return out


def is_applicant(application_id: ColumnElement[Any] | QueryableAttribute[Any], party_id: int) -> ColumnElement[bool]:
    """SQL condition: the application ``application_id`` (a column of the caller's row) was lodged by ``party_id``.

    For another capability's scope rule (``access.scope``): its rows tied to an application become visible to the
    applicant."""
    return exists(select(Application.id).where(Application.id == application_id, Application.applicant_id == party_id))


@dataclass(frozen=True)
class TaskRef:
    """A party task (任务) as other capabilities see it: what, whose, for which bank, in which state."""

    id: int
    application_id: int
    kind: TaskKind
    assignee_id: int
    bank_id: int
    status: TaskStatus


def task_ref(task: Task) -> TaskRef:
    """The typed view of a task row (for intake's own modules)."""
    return TaskRef(
        task.id, task.application_id, TaskKind(task.kind), task.assignee_id, task.bank_id, TaskStatus(task.status)
    )


def done_task_assignees(session: Session, application_id: int, bank_id: int, kind: TaskKind) -> list[int]:
    """The parties that completed a task of ``kind`` on the application for this bank (e.g. the underwriters)."""
    stmt = select(Task.assignee_id).where(
        Task.application_id == application_id,
        Task.bank_id == bank_id,
        Task.kind == kind.value,
        Task.status == TaskStatus.DONE.value,
    )
    return sorted(set(session.scalars(stmt)))


# Reads for the edges (the demo's time per step).


@dataclass(frozen=True)
class TaskTimes:
    """When a task (办理任务) of one kind was opened, fell due and was closed."""

    kind: str
    opened_on: dt.date
    due_on: dt.date
    closed_on: dt.date


def closed_task_times(session: Session) -> list[TaskTimes]:
    """Every closed task's dates, in id order. Unscoped: for the platform's own reports (the demo)."""
    stmt = select(Task.kind, Task.opened_on, Task.due_on, Task.closed_on).where(Task.closed_on.is_not(None))
    rows = session.execute(stmt.order_by(Task.id))
    return [TaskTimes(k, o, d, c) for k, o, d, c in rows if c is not None]


def branches_of_application(session: Session, application_id: int) -> dict[int, int]:
    """``bank id -> branch id``: the bank unit that accepted each bank's review of the application (the reviewer's
    posting when they accepted it); banks whose review was not yet accepted, or accepted by someone not posted, are
    left out."""
    stmt = select(Task.bank_id, Task.branch_id).where(
        Task.application_id == application_id, Task.kind == TaskKind.BANK_REVIEW.value, Task.branch_id.is_not(None)
    )
    return {int(bank): int(branch) for bank, branch in session.execute(stmt) if branch is not None}


def active_tasks(
    session: Session, principal: Principal, application_ids: Iterable[int], as_of: dt.date
) -> dict[int, list[progress.TaskView]]:
    """``application id -> its open and accepted tasks`` the caller may see (the task scope rule), with holder,
    deadline and working days elapsed as on ``as_of``: a queue's page in one read instead of a timeline per row."""
    ids = sorted(set(application_ids))
    if not ids:
        return {}
    stmt = (
        scope.scoped(Task, principal)
        .where(Task.application_id.in_(ids), Task.status.in_(store.ACTIVE))
        .order_by(Task.application_id, Task.due_on, Task.id)
    )
    out: dict[int, list[progress.TaskView]] = {i: [] for i in ids}
    for view in progress.views(session, list(session.scalars(stmt)), as_of):
        out[view.application_id].append(view)
    return out


def overdue_tasks(session: Session, principal: Principal, as_of: dt.date) -> list[progress.TaskView]:
    """Open and accepted tasks the caller may see (the task scope rule) past their working-day limit on ``as_of``,
    by deadline: the overseers' view of overdue work across institutions, in one read."""
    stmt = (
        scope.scoped(Task, principal)
        .where(Task.status.in_(store.ACTIVE), Task.due_on <= as_of)
        .order_by(Task.due_on, Task.id)
    )
    return [v for v in progress.views(session, list(session.scalars(stmt)), as_of) if v.overdue]


# -- the centre's window: what it has not handled yet ---------------------------------------------------------------


@dataclass(frozen=True)
class WindowPending:
    """A live application the window has not accepted or returned yet, with its working-day deadline."""

    application_id: int
    application_no: str
    applicant_id: int
    submitted_on: dt.date
    due_on: dt.date
    overdue: bool


def unhandled_at_window(session: Session, principal: Principal, as_of: dt.date) -> list[WindowPending]:
    """Live applications the caller may see (their scope rule) with no window receipt: received and not yet checked
    against the one-time checklist (``window_decide`` not called). The deadline is ``WINDOW_LIMIT_DAYS`` working days
    after submission; overdue first, then by deadline. One read."""
    live = (ApplicationStatus.SUBMITTED.value, ApplicationStatus.IN_REVIEW.value)
    stmt = (
        scope.scoped(Application, principal)
        .where(
            Application.status.in_(live),
            Application.withdrawn_on.is_(None),
            ~exists().where(WindowReceipt.application_id == Application.id),
        )
        .order_by(Application.submitted_on, Application.id)
    )
    cal = default_calendar()
    out = []
    for a in session.scalars(stmt):
        due = due_on(a.submitted_on, WINDOW_LIMIT_DAYS, cal)
        out.append(WindowPending(a.id, a.application_no, a.applicant_id, a.submitted_on, due, due < as_of))
    out.sort(key=lambda w: (not w.overdue, w.due_on, w.application_id))
    return out
