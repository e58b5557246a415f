"""The registry's time limit to decide (审查时限, working or calendar days) and the registration numbers it gives
(质押登记号). Pure, no I/O."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from ippledge.kernel.calendar import WorkingCalendar
from ippledge.pledge import errors

DEFAULT_TIME_LIMIT_WORKING_DAYS = 3  # CNIPA service guide for patents and trademarks; CPCC copyright: 10
DEFAULT_OFFICE_CODE = "98"


class DayBasis(StrEnum):
    """How a registry's time limit counts: CNIPA in working days, the Copyright Protection Centre in calendar days
    (著作权质权登记办法 2011: 10 days)."""

    WORKING = "working"
    CALENDAR = "calendar"


def decision_due(
    submitted_on: dt.date, days: int, calendar: WorkingCalendar, basis: DayBasis = DayBasis.WORKING
) -> dt.date:
    """Last day the registry may decide: ``days`` working (or calendar) days after submission, not counting it."""
    if basis is DayBasis.CALENDAR:
        return submitted_on + dt.timedelta(days=days)
    return calendar.add_working_days(submitted_on, days)


def validate_day_basis(text: str) -> DayBasis:
    try:
        return DayBasis(text)
    except ValueError:
        raise errors.DAY_BASIS(basis=text) from None


def validate_time_limit(days: int) -> int:
    if not 1 <= days <= 60:
        raise errors.TIME_LIMIT_RANGE(days=days)
    return days


def validate_office_code(code: str) -> str:
    if len(code) != 2 or not code.isascii() or not code.isdigit():
        raise errors.OFFICE_CODE(office_code=code)
    return code


def registration_number(year: int, office_code: str, serial: int) -> str:
    """Pledge registration number (质押登记号) in the form CNIPA prints, e.g. ``Y2023980012345``.

    ``Y`` + 4-digit year of registration + 2-digit office code (per registry setting) + 7-digit serial that
    restarts every year at each registry.
    """
    validate_office_code(office_code)
    if not 1 <= serial <= 9_999_999 or not 1985 <= year <= 9999:
        raise ValueError(f"serial {serial} or year {year} out of range")
    return f"Y{year:04d}{office_code}{serial:07d}"
