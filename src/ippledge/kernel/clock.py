"""The business date (营业日) when a caller gives none: today in China Standard Time.

Rules never read the clock; the edges (API, CLI) pass the date they read, and a service called without one
(``today=None``) asks here, so a value date can always be held against the business date.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

CHINA: Final = dt.timezone(dt.timedelta(hours=8))  # China Standard Time, no daylight saving


def business_date() -> dt.date:
    """Today in China."""
    return dt.datetime.now(CHINA).date()
