"""Vectorised helpers for the simulator (向量化工具): calendar arithmetic on ``datetime64[D]`` and identifiers.

Millions of records are generated, so dates and check digits are computed on whole arrays. The rules are the
kernel's (``kernel.calendar.add_months``, ``kernel.identifiers.patent_application``); tests compare both.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Dates = npt.NDArray[np.datetime64]
Ints = npt.NDArray[np.int64]
NAT = np.datetime64("NaT", "D")


def ymd(dates: Dates) -> tuple[Ints, Ints, Ints]:
    """Year, month (1-12) and day (1-31) of each date."""
    months = dates.astype("M8[M]")
    year = dates.astype("M8[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months.astype("M8[D]")).astype(np.int64) + 1
    return year, month, day


def add_months(dates: Dates, months: Ints | int) -> Dates:
    """Each date moved by whole months, clamped to the month's end (as ``kernel.calendar.add_months``)."""
    year, month, day = ymd(dates)
    index = (year - 1970) * 12 + (month - 1) + np.asarray(months, dtype=np.int64)
    start = index.astype("M8[M]")
    month_days = ((start + 1).astype("M8[D]") - start.astype("M8[D]")).astype(np.int64)
    result: Dates = start.astype("M8[D]") + (np.minimum(day, month_days) - 1)
    return result


def add_years(dates: Dates, years: Ints | int) -> Dates:
    return add_months(dates, np.asarray(years, dtype=np.int64) * 12)


def whole_years_between(start: Dates, end: Dates) -> Ints:
    """Completed years from ``start`` to ``end`` (anniversary counting, as a patent year is counted)."""
    sy, sm, sd = ymd(start)
    ey, em, ed = ymd(end)
    before_anniversary = (em < sm) | ((em == sm) & (ed < sd))
    result: Ints = ey - sy - before_anniversary.astype(np.int64)
    return result


def random_dates_in_years(rng: np.random.Generator, years: Ints) -> Dates:
    """A uniformly random day within each given year."""
    starts = (years - 1970).astype("M8[Y]").astype("M8[D]")
    lengths = ((years + 1 - 1970).astype("M8[Y]").astype("M8[D]") - starts).astype(np.int64)
    offsets = (rng.random(len(years)) * lengths).astype(np.int64)
    result: Dates = starts + offsets
    return result


def growth_years(rng: np.random.Generator, n: int, first: int, last: int, growth: float) -> Ints:
    """Years ``first..last`` drawn with weights rising by ``growth`` a year (recent-heavy filings)."""
    years = np.arange(first, last + 1)
    weights = (1.0 + growth) ** (years - first)
    drawn: Ints = rng.choice(years, size=n, p=weights / weights.sum()).astype(np.int64)
    return drawn


def sample_until(n: int, draw: Callable[[int], dict[str, np.ndarray]], accept: str) -> dict[str, np.ndarray]:
    """Draw batches until ``n`` rows pass the boolean column ``accept`` (rejection sampling, deterministic)."""
    parts: list[dict[str, np.ndarray]] = []
    have = 0
    while not parts or have < n:  # at least one batch, so that n == 0 still yields typed empty columns
        batch = draw(max(64, int((n - have) * 1.3)))
        keep = batch.pop(accept)
        parts.append({k: v[keep] for k, v in batch.items()})
        have += int(keep.sum())
    return {k: np.concatenate([p[k] for p in parts])[:n] for k in parts[0]}


def unique_draw(rng: np.random.Generator, groups: Ints, low: Ints | int, high: Ints | int) -> Ints:
    """An integer in ``[low, high)`` for each row, unique within rows of the same group (redraws collisions)."""
    n = len(groups)
    values = rng.integers(low, high, size=n, dtype=np.int64)
    low_a = np.broadcast_to(np.asarray(low, dtype=np.int64), (n,))
    high_a = np.broadcast_to(np.asarray(high, dtype=np.int64), (n,))
    while True:
        key = groups * (1 << 32) + values
        _, first = np.unique(key, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            return values
        values[dup] = rng.integers(low_a[dup], high_a[dup], dtype=np.int64)


_PATENT_WEIGHTS = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5], dtype=np.int64)


def patent_application_numbers(years: Ints, type_digits: Ints, serials: Ints) -> list[str]:
    """Compact 13-character application numbers (2003 form): year + type + 7-digit serial + check character."""
    body = years * 100_000_000 + type_digits * 10_000_000 + serials
    digits = (body[:, None] // (10 ** np.arange(11, -1, -1, dtype=np.int64))) % 10
    check = (digits * _PATENT_WEIGHTS).sum(axis=1) % 11
    return [f"{b:012d}{'X' if c == 10 else c}" for b, c in zip(body.tolist(), check.tolist(), strict=True)]


def pick(rng: np.random.Generator, weights: dict[str, float] | dict[int, float], n: int) -> np.ndarray:
    """Draw ``n`` keys of ``weights`` with probability proportional to the values."""
    keys = np.array(list(weights))
    p = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]
