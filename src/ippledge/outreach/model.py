"""Event rules (对接活动规则): kinds, who may sign up when, attendance and the sign-up file. Pure: no I/O.

The platform operator or the regulator announces an event (培训、路演、入园惠企) with a date, a capacity and the banks
invited. Firms sign up until the end of the event's day while places remain; attendance is recorded on or after the
day; then each invited bank gets a follow-up task per attending firm, worked like a whitelist push (record 0032).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final


class EventKind(StrEnum):
    TRAINING = "training"  # 政策与业务培训
    ROADSHOW = "roadshow"  # 融资路演
    PARK_CAMPAIGN = "park_campaign"  # 入园惠企


KIND_ZH: Final[dict[EventKind, str]] = {
    EventKind.TRAINING: "培训",
    EventKind.ROADSHOW: "路演",
    EventKind.PARK_CAMPAIGN: "入园惠企",
}
MAX_CAPACITY: Final = 5_000  # places at one event (a large park campaign); above this is a typo
MAX_BANKS: Final = 50
SIGNUP_COLUMNS: Final = ("uscc",)  # a sign-up file: one firm a line, by USCC; other columns are ignored


class SignupSource(StrEnum):
    FIRM = "firm"  # the firm signed itself up
    OPERATOR = "operator"  # entered by the platform operator
    IMPORT = "import"  # a line of a sign-up file


def event_problems(
    title: str, held_on: dt.date, capacity: int, bank_ids: list[int], today: dt.date
) -> list[tuple[str, str, str]]:
    """Every bad part of an event to be announced, as ``(field, zh, en)``."""
    out: list[tuple[str, str, str]] = []
    if not title.strip():
        out.append(("title", "活动名称不能为空", "the title is empty"))
    if held_on < today:
        out.append(("held_on", "活动日期早于今天", "the event date is before today"))
    if not 1 <= capacity <= MAX_CAPACITY:
        out.append(("capacity", f"名额应为1至{MAX_CAPACITY}", f"capacity is 1 to {MAX_CAPACITY}"))
    if not 1 <= len(set(bank_ids)) <= MAX_BANKS:
        out.append(("bank_ids", f"应邀请1至{MAX_BANKS}家银行", f"invite 1 to {MAX_BANKS} banks"))
    return out


def signup_closed(held_on: dt.date, today: dt.date) -> bool:
    """Sign-ups close at the end of the event's day."""
    return today > held_on


def is_full(signed_up: int, capacity: int) -> bool:
    return signed_up >= capacity


def held(held_on: dt.date, today: dt.date) -> bool:
    """Attendance and follow-ups only once the event has taken place."""
    return today >= held_on
