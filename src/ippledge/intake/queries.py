"""Published read face (查询接口) of intake: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

# Reads for the edges (the demo's time per step).
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.intake.tables import Task


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
