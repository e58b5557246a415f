"""Chinese working-day calendar (中国工作日历): statutory holidays (法定节假日), make-up working days (调休).

Registry time limits are counted in working days ("decide within 3 working days of submission"), and a
Saturday can be a working day when the State Council moves a rest day next to a holiday. Holiday data comes
from the ``chinesecalendar`` package (import ``chinese_calendar``), which covers the years it was published
for. Outside that coverage the policy is explicit: by default Monday-Friday are working days
(``outside_coverage="weekdays"``), or the calendar refuses to guess (``"raise"``). Callers can add holidays
or working days as data, for years the package does not cover yet or for local rules. Every function takes
its dates explicitly; there is no hidden today.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import chinese_calendar

from ippledge.kernel.errors import CALENDAR_CONFLICT, CALENDAR_NOT_COVERED

OutsideCoverage = Literal["weekdays", "raise"]


@cache
def _package_days() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    # Snapshot the package tables once: its is_workday() rescans them (min/max of all keys) on every call.
    holidays = frozenset(chinese_calendar.holidays)
    workdays = frozenset(chinese_calendar.workdays)
    return holidays, workdays


def package_coverage() -> range:
    """Years for which ``chinese_calendar`` publishes holidays (e.g. ``range(2004, 2027)``)."""
    years = [d.year for d in _package_days()[0]]
    return range(min(years), max(years) + 1)


def _as_date(d: dt.date) -> dt.date:
    # datetime is a subclass of date but never equal to one; compare calendar days only.
    return d.date() if isinstance(d, dt.datetime) else d


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable working-day calendar.

    ``extra_holidays`` and ``extra_working_days`` override everything else; ``coverage`` is the range of years
    where the package's holiday tables apply; ``outside_coverage`` says what happens in other years.
    """

    extra_holidays: frozenset[dt.date] = frozenset()
    extra_working_days: frozenset[dt.date] = frozenset()
    coverage: range = field(default_factory=package_coverage)
    outside_coverage: OutsideCoverage = "weekdays"

    def __post_init__(self) -> None:
        clash = self.extra_holidays & self.extra_working_days
        if clash:
            days = ", ".join(sorted(d.isoformat() for d in clash))
            raise CALENDAR_CONFLICT(days=days)

    def covered(self, year: int) -> bool:
        """True when the package's holiday tables apply to ``year``."""
        return year in self.coverage

    def is_working_day(self, d: dt.date) -> bool:
        """True on working days, including make-up Saturdays and Sundays (调休上班)."""
        d = _as_date(d)
        if d in self.extra_working_days:
            return True
        if d in self.extra_holidays:
            return False
        weekday = d.weekday() < 5
        if self.covered(d.year):
            holidays, workdays = _package_days()
            return d in workdays or (weekday and d not in holidays)
        if self.outside_coverage == "raise":
            raise CALENDAR_NOT_COVERED(year=d.year, first=self.coverage.start, last=self.coverage.stop - 1)
        return weekday

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after ``d``."""
        day = _as_date(d) + dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``start``, not counting ``start`` itself.

        A time limit of "3 working days from submission" ends on ``add_working_days(submitted, 3)``.
        ``n == 0`` gives ``start`` when it is a working day, else the next working day (the first day an
        office can act). ``n`` must not be negative.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        day = _as_date(start)
        if n == 0:
            return day if self.is_working_day(day) else self.next_working_day(day)
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Number of working days in the half-open interval (a, b]; negative when ``b`` is before ``a``."""
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))


@cache
def default_calendar() -> WorkingCalendar:
    """The national calendar from the package data, Monday-Friday outside its coverage (shared, immutable)."""
    return WorkingCalendar()


def add_months(d: dt.date, n: int) -> dt.date:
    """``d`` moved by ``n`` calendar months (may be negative), clamped to the month's end.

    31 Jan + 1 month = 28 or 29 Feb. Schedules should add k months to the anchor date rather than chain
    calls, or 31 Jan -> 29 Feb -> 29 Mar drifts off the month end.
    """
    index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    return d.replace(year=year, month=month, day=min(d.day, monthrange(year, month)[1]))


def last_months(today: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """``(first day, end)`` of the ``months`` calendar months up to ``today``'s, oldest first; the last month ends on
    ``today`` (月末 for the months before it): the points of a chart of the last year by month."""
    first = today.replace(day=1)
    out = []
    for k in range(months - 1, -1, -1):
        start = add_months(first, -k)
        out.append((start, min(add_months(start, 1) - dt.timedelta(days=1), today)))
    return out


def days_between(a: dt.date, b: dt.date) -> int:
    """Calendar days from ``a`` to ``b`` (negative when ``b`` is earlier); interest accrues per day."""
    return (_as_date(b) - _as_date(a)).days
