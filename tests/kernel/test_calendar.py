"""Chinese working-day calendar (中国工作日历), checked against the State Council holiday notices."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ippledge.kernel.calendar import (
    WorkingCalendar,
    add_months,
    days_between,
    default_calendar,
    package_coverage,
)
from ippledge.kernel.errors import ValidationError

D = dt.date
CAL = default_calendar()


def test_national_day_2024() -> None:
    # 国办发明电〔2023〕7号: 10月1日至7日放假调休; 9月29日（周日）、10月12日（周六）上班.
    for day in range(1, 8):
        assert not CAL.is_working_day(D(2024, 10, day))
    assert D(2024, 9, 29).weekday() == 6 and CAL.is_working_day(D(2024, 9, 29))
    assert D(2024, 10, 12).weekday() == 5 and CAL.is_working_day(D(2024, 10, 12))
    assert CAL.is_working_day(D(2024, 10, 8))


def test_spring_festival_2024_and_2025() -> None:
    # 2024: 2月10日至17日放假, 2月4日（周日）、2月18日（周日）上班.
    assert not any(CAL.is_working_day(D(2024, 2, day)) for day in range(10, 18))
    assert CAL.is_working_day(D(2024, 2, 4)) and CAL.is_working_day(D(2024, 2, 18))
    # 2025: 1月28日至2月4日放假, 1月26日（周日）、2月8日（周六）上班.
    assert D(2025, 1, 26).weekday() == 6 and CAL.is_working_day(D(2025, 1, 26))
    assert CAL.is_working_day(D(2025, 2, 8))
    assert not CAL.is_working_day(D(2025, 1, 28)) and not CAL.is_working_day(D(2025, 2, 4))


def test_ordinary_weekends_and_weekdays() -> None:
    assert not CAL.is_working_day(D(2024, 11, 16))  # Saturday
    assert CAL.is_working_day(D(2024, 11, 18))  # Monday


def test_add_working_days_over_national_day() -> None:
    assert CAL.add_working_days(D(2024, 9, 30), 1) == D(2024, 10, 8)
    # Submitted Friday 27 Sep 2024: 3 working days are Sun 29 Sep (make-up), Mon 30 Sep, Tue 8 Oct.
    assert CAL.add_working_days(D(2024, 9, 27), 3) == D(2024, 10, 8)


def test_add_zero_working_days() -> None:
    assert CAL.add_working_days(D(2024, 9, 30), 0) == D(2024, 9, 30)
    assert CAL.add_working_days(D(2024, 10, 1), 0) == D(2024, 10, 8)
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2024, 10, 1), -1)


def test_next_working_day_is_strictly_after() -> None:
    assert CAL.next_working_day(D(2024, 9, 30)) == D(2024, 10, 8)
    assert CAL.next_working_day(D(2024, 11, 18)) == D(2024, 11, 19)
    assert CAL.next_working_day(D(2024, 9, 27)) == D(2024, 9, 29)


def test_working_days_between_is_half_open() -> None:
    assert CAL.working_days_between(D(2024, 9, 30), D(2024, 10, 8)) == 1
    # (28 Sep, 12 Oct]: Sun 29 and Mon 30 Sep, 8-11 Oct and the make-up Saturday 12 Oct.
    assert CAL.working_days_between(D(2024, 9, 28), D(2024, 10, 12)) == 7
    assert CAL.working_days_between(D(2024, 10, 8), D(2024, 9, 30)) == -1
    assert CAL.working_days_between(D(2024, 10, 1), D(2024, 10, 1)) == 0


def test_datetimes_count_as_their_date() -> None:
    assert CAL.is_working_day(dt.datetime(2024, 9, 29, 10, 30))
    assert CAL.add_working_days(dt.datetime(2024, 9, 30, 18), 1) == D(2024, 10, 8)


def test_coverage_is_explicit() -> None:
    assert package_coverage().start == 2004
    assert CAL.coverage == package_coverage()
    assert CAL.covered(2024) and not CAL.covered(2003)
    last = CAL.coverage.stop  # first uncovered year
    assert not CAL.covered(last)
    # Outside coverage the default policy is Monday-Friday.
    monday = D(last, 1, 1) + dt.timedelta(days=(7 - D(last, 1, 1).weekday()) % 7)
    assert CAL.is_working_day(monday)
    assert not CAL.is_working_day(monday + dt.timedelta(days=5))
    # 1 Jan is a holiday in every covered year, but outside coverage a weekday 1 Jan counts as working.
    assert not CAL.is_working_day(D(2024, 1, 1))
    strict = WorkingCalendar(outside_coverage="raise")
    with pytest.raises(ValidationError) as exc:
        strict.is_working_day(monday)
    assert exc.value.code == "calendar.not_covered"
    assert strict.is_working_day(D(2024, 9, 29))


def test_extra_days_override_package_and_fallback() -> None:
    cal = WorkingCalendar(
        extra_holidays=frozenset({D(2030, 10, 1), D(2024, 9, 30)}),
        extra_working_days=frozenset({D(2030, 9, 29), D(2024, 10, 2)}),
    )
    assert not cal.is_working_day(D(2030, 10, 1))  # Tuesday, declared a holiday
    assert cal.is_working_day(D(2030, 9, 29))  # Sunday, declared a working day
    assert not cal.is_working_day(D(2024, 9, 30))
    assert cal.is_working_day(D(2024, 10, 2))
    assert CAL.is_working_day(D(2024, 9, 30))  # the default calendar is untouched


def test_conflicting_extra_days_are_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        WorkingCalendar(
            extra_holidays=frozenset({D(2030, 1, 1)}), extra_working_days=frozenset({D(2030, 1, 1)})
        )
    assert exc.value.code == "calendar.conflict"


def test_calendar_is_immutable_and_shared() -> None:
    assert default_calendar() is CAL
    with pytest.raises(AttributeError):
        CAL.coverage = range(2000, 2001)  # type: ignore[misc]


days = st.dates(min_value=D(2004, 1, 1), max_value=D(2035, 12, 31))


@given(start=days, n=st.integers(0, 40))
def test_add_working_days_properties(start: dt.date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    assert end >= start
    expected = n if n > 0 or CAL.is_working_day(start) else 1
    assert CAL.working_days_between(start, end) == expected


@given(a=days, b=days, c=days)
def test_working_days_between_is_additive(a: dt.date, b: dt.date, c: dt.date) -> None:
    assert CAL.working_days_between(a, c) == CAL.working_days_between(a, b) + CAL.working_days_between(b, c)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2024, 1, 15), -1, D(2023, 12, 15)),
        (D(2024, 5, 31), 1, D(2024, 6, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 1, 31), 36, D(2027, 1, 31)),
        (D(2024, 1, 31), 0, D(2024, 1, 31)),
    ],
)
def test_add_months(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_months(start, n) == expected


@given(d=st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)), n=st.integers(-1200, 1200))
def test_add_months_properties(d: dt.date, n: int) -> None:
    moved = add_months(d, n)
    assert (moved.year * 12 + moved.month) - (d.year * 12 + d.month) == n
    assert moved.day == min(d.day, monthrange(moved.year, moved.month)[1])
    if d.day <= 28:
        assert add_months(moved, -n) == d


def test_days_between() -> None:
    assert days_between(D(2024, 1, 1), D(2025, 1, 1)) == 366
    assert days_between(D(2025, 1, 1), D(2024, 1, 1)) == -366
