"""Trademark terms (商标有效期与续展): where a mark stands against its ten-year term, and renewal (Trademark Law
art. 40). Pure, no I/O; re-exported by ``registry.model``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from ippledge.kernel.calendar import add_months
from ippledge.registry import errors


def _add_years(d: dt.date, years: int) -> dt.date:
    return add_months(d, 12 * years)


# --- trademark renewal (商标续展): Trademark Law art. 40 -------------------------------------------------------------

RENEWAL_WINDOW_MONTHS = 12  # renewal may be filed in the last 12 months of the term
RENEWAL_GRACE_MONTHS = 6  # 宽展期: six more months after expiry, then the mark is cancelled


class MarkTerm(StrEnum):
    """Where a registered mark stands against its ten-year term on a date."""

    RUNNING = "running"  # more than 12 months left
    RENEWABLE = "renewable"  # last 12 months: renewal may be filed
    IN_GRACE = "in_grace"  # 宽展期: expired, still renewable; not a valid mark to pledge
    LAPSED = "lapsed"  # grace passed unrenewed: the registration ends (期满未续展)


def renewal_grace_end(expiry: dt.date) -> dt.date:
    return add_months(expiry, RENEWAL_GRACE_MONTHS)


def mark_term(expiry: dt.date, as_of: dt.date) -> MarkTerm:
    if as_of <= expiry:
        return MarkTerm.RENEWABLE if as_of > add_months(expiry, -RENEWAL_WINDOW_MONTHS) else MarkTerm.RUNNING
    return MarkTerm.IN_GRACE if as_of <= renewal_grace_end(expiry) else MarkTerm.LAPSED


def renewed_expiry(expiry: dt.date, on: dt.date) -> dt.date:
    """The new last day after a renewal filed on ``on``: ten more years from the old term's end (art. 40).

    Raises ``ConflictError`` outside the window (earlier than 12 months before expiry, or after the grace)."""
    term = mark_term(expiry, on)
    if term is MarkTerm.RUNNING:
        raise errors.RENEWAL_TOO_EARLY(expiry=expiry.isoformat(), opens=add_months(expiry, -12).isoformat())
    if term is MarkTerm.LAPSED:
        raise errors.RENEWAL_TOO_LATE(expiry=expiry.isoformat(), grace_end=renewal_grace_end(expiry).isoformat())
    return _add_years(expiry + dt.timedelta(days=1), 10) - dt.timedelta(days=1)
