"""One-stop application rules (一站式受理规则): task kinds, states, time limits, green channel. Pure, no I/O.

The loan service centre (贷款服务中心) takes an enterprise's application once and turns it into tasks (任务) for
each party. Every task kind has a time limit in working days (办理时限); whitelisted firms in the green channel
(绿色通道) get shorter ones. The limits below are *assumptions* used as defaults until the platform operator records
its own as data (``task_time_limit``); the article asks for "clear approval time limits" without giving numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ippledge.intake import errors
from ippledge.kernel.calendar import WorkingCalendar


class TaskKind(StrEnum):
    BANK_REVIEW = "bank_review"  # 银行审查
    VALUATION = "valuation"  # 外部评估
    INTERNAL_VALUATION = "internal_valuation"  # 银行内部评估
    UNDERWRITING = "underwriting"  # 保险/担保审核
    PLEDGE_REGISTRATION = "pledge_registration"  # 质押登记
    IP_REVIEW = "ip_review"  # 知识产权审查 by the IP operations institution (Zhongguancun model)


TASK_KIND_ZH: dict[TaskKind, str] = {
    TaskKind.BANK_REVIEW: "银行审查",
    TaskKind.VALUATION: "资产评估",
    TaskKind.INTERNAL_VALUATION: "银行内部评估",
    TaskKind.UNDERWRITING: "保险或担保审核",
    TaskKind.PLEDGE_REGISTRATION: "质押登记",
    TaskKind.IP_REVIEW: "知识产权审查（运营机构）",
}


class TaskStatus(StrEnum):
    OPEN = "open"  # 待接收
    ACCEPTED = "accepted"  # 办理中
    DECLINED = "declined"  # 已拒绝
    DONE = "done"  # 已完成
    CANCELLED = "cancelled"  # 已取消

    @property
    def active(self) -> bool:
        return self in (TaskStatus.OPEN, TaskStatus.ACCEPTED)


class Channel(StrEnum):
    STANDARD = "standard"
    GREEN = "green"  # 绿色通道


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"  # 已受理
    IN_REVIEW = "in_review"  # 审查中
    APPROVED = "approved"  # 已获批
    DECLINED = "declined"  # 未获批
    WITHDRAWN = "withdrawn"  # 已撤回


# Assumptions (no published figures): working days per task kind; green channel roughly half, at least 1.
DEFAULT_LIMITS: dict[Channel, dict[TaskKind, int]] = {
    Channel.STANDARD: {
        TaskKind.BANK_REVIEW: 5,
        TaskKind.VALUATION: 7,
        TaskKind.INTERNAL_VALUATION: 3,
        TaskKind.UNDERWRITING: 5,
        TaskKind.PLEDGE_REGISTRATION: 3,
        TaskKind.IP_REVIEW: 5,  # assumption: as long as the bank's own review
    },
    Channel.GREEN: {
        TaskKind.BANK_REVIEW: 3,
        TaskKind.VALUATION: 4,
        TaskKind.INTERNAL_VALUATION: 2,
        TaskKind.UNDERWRITING: 3,
        TaskKind.PLEDGE_REGISTRATION: 1,
        TaskKind.IP_REVIEW: 3,  # assumption: as the green-channel bank review
    },
}
# Beijing 2025 plan: banks may value IP internally (no external valuer) for loans under 10m CNY (DOMAIN.md §4).
DEFAULT_INTERNAL_VALUATION_THRESHOLD = Decimal("10000000.00")
MAX_TERM_MONTHS = 120
MAX_ASSETS = 200


def due_on(opened_on: dt.date, working_days: int, calendar: WorkingCalendar) -> dt.date:
    """The last day of a limit of ``working_days`` counted from the day after ``opened_on``."""
    return calendar.add_working_days(opened_on, working_days)


def elapsed_working_days(opened_on: dt.date, until: dt.date, calendar: WorkingCalendar) -> int:
    """Working days a task has been held: those after ``opened_on`` up to and including ``until``."""
    return max(0, calendar.working_days_between(opened_on, until))


def is_overdue(status: TaskStatus, due: dt.date, as_of: dt.date, closed_on: dt.date | None = None) -> bool:
    """An active task past its last day; a closed task that was closed after it (finished late)."""
    if status.active:
        return as_of > due
    return closed_on is not None and closed_on > due and status is TaskStatus.DONE


def application_status(withdrawn: bool, reviews: Iterable[TaskStatus], any_started: bool) -> ApplicationStatus:
    """Derived from the bank reviews: one done = approved; all closed without approval = declined."""
    if withdrawn:
        return ApplicationStatus.WITHDRAWN
    states = list(reviews)
    if TaskStatus.DONE in states:
        return ApplicationStatus.APPROVED
    if states and not any(s.active for s in states):
        return ApplicationStatus.DECLINED
    return ApplicationStatus.IN_REVIEW if any_started else ApplicationStatus.SUBMITTED


@dataclass(frozen=True)
class Transition:
    action: str
    allowed_from: frozenset[TaskStatus]
    to: TaskStatus


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition("accept", frozenset({TaskStatus.OPEN}), TaskStatus.ACCEPTED),
    "decline": Transition("decline", frozenset({TaskStatus.OPEN, TaskStatus.ACCEPTED}), TaskStatus.DECLINED),
    "complete": Transition("complete", frozenset({TaskStatus.OPEN, TaskStatus.ACCEPTED}), TaskStatus.DONE),
    "cancel": Transition("cancel", frozenset({TaskStatus.OPEN, TaskStatus.ACCEPTED}), TaskStatus.CANCELLED),
}


def next_status(current: TaskStatus, action: str) -> TaskStatus:
    """The state after ``action``; a task already closed (or in the wrong state) refuses with 409."""
    t = TRANSITIONS[action]
    if current not in t.allowed_from:
        raise errors.TASK_STATE(status=current.value, action=action)
    return t.to


def check_term(term_months: int) -> int:
    if not 1 <= term_months <= MAX_TERM_MONTHS:
        raise errors.TERM(term_months=term_months, max_months=MAX_TERM_MONTHS)
    return term_months


def check_reason(reason: str | None) -> str:
    """The reason, stripped; none given is refused."""
    text = (reason or "").strip()
    if not text:
        raise errors.REASON_REQUIRED()
    return text


def check_limit_days(days: int) -> int:
    if not 1 <= days <= 60:
        raise errors.LIMIT_DAYS(working_days=days)
    return days
