"""Console pages (网页工作台), one module per role's daily path; decision records 0021 and 0028.

Importing this package registers every page on ``router``; the catch-all 404 page is on ``fallback_router``, which
``mount_console`` includes last.
"""

from __future__ import annotations

from ippledge.console.pages import (  # noqa: F401  (importing a module registers its pages)
    alerts,
    bank,
    disposal,
    disposal_agent,
    disposal_open,
    disposal_settle,
    filings,
    firm,
    fund,
    fund_outlook,
    gateway,
    home,
    insurer,
    loan,
    loan_actions,
    loan_servicing,
    outreach,
    outreach_file,
    overdue,
    registry,
    regulator,
    reverse_push,
    settings,
    signin,
    subsidy,
    valuer,
    whitelist,
    window,
)
from ippledge.console.pages.base import PREFIX, STATIC_DIR, router
from ippledge.console.pages.fallback import fallback_router

__all__ = ["PREFIX", "STATIC_DIR", "fallback_router", "router"]
