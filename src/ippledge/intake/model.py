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
# Assumption (no published figure for the window itself): the window checks an application's documents within one
# working day of its submission, the Beijing window's one-day figure (DOMAIN.md, time limits).
WINDOW_LIMIT_DAYS = 1
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


# -- the window's one-time checklist (一次性告知) -------------------------------------------------------------------
# What the centre's window asks a firm to bring with an application. The list is an *assumption* drawn from the
# pledge-registration and loan practice the article describes (licence, the representative, accounts, the owners'
# resolution, one title document per IP); a centre that asks for more records it here. Whatever is missing is told
# once, in full, when the window returns the application (一次性告知), never one item per visit.


class WindowOutcome(StrEnum):
    ACCEPTED = "accepted"  # 窗口受理
    RETURNED = "returned"  # 退回补正


@dataclass(frozen=True)
class Document:
    """One document the window checks: ``code`` (``ip:<asset id>`` for an IP's title document), its name in both
    languages and, for an IP, the asset's number."""

    code: str
    zh: str
    en: str
    ref: str | None = None


BASE_DOCUMENTS: tuple[Document, ...] = (
    Document("business_licence", "营业执照（副本）", "Business licence (copy)"),
    Document("legal_rep_id", "法定代表人身份证明", "Legal representative's identity document"),
    Document("financials", "近两年财务报表", "Financial statements of the last two years"),
    Document("resolution", "同意以知识产权出质的股东会或董事会决议", "Owners' resolution consenting to the IP pledge"),
)
IP_DOCUMENTS: dict[str, tuple[str, str]] = {
    "patent": ("专利证书及最近一期年费缴纳凭证", "Patent certificate and the latest annuity receipt"),
    "trademark": ("商标注册证", "Trademark registration certificate"),
    "copyright": ("著作权登记证书", "Copyright registration certificate"),
}


def required_documents(assets: Iterable[tuple[int, str, str]]) -> list[Document]:
    """Every document the window asks for an application offering ``assets`` (asset id, IP kind, number)."""
    docs = list(BASE_DOCUMENTS)
    for asset_id, kind, number in assets:
        zh, en = IP_DOCUMENTS.get(kind, ("权属证明", "Proof of title"))
        docs.append(Document(f"ip:{asset_id}", zh, en, number))
    return docs


def window_missing(required: Iterable[Document], presented: Iterable[str], accept: bool) -> list[Document]:
    """What is missing from ``presented``. A code the checklist does not hold is refused; so is accepting with
    anything missing: the window then returns the application with the whole list."""
    required = list(required)
    known = {d.code for d in required}
    given = set(presented)
    if unknown := sorted(given - known):
        raise errors.WINDOW_DOCUMENT(codes=unknown)
    missing = [d for d in required if d.code not in given]
    if accept and missing:
        raise errors.DOCUMENTS_MISSING(missing="、".join(d.zh for d in missing))
    return missing
