"""Builders for pledge tests: a settable business date and the body of a pledge filing.

The IP assets a pledge needs come from ``tests.registry.factories.add_patent``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class Clock:
    """Stands in for ``ippledge.web.deps.business_date`` so a test can move the registry's calendar day."""

    def __init__(self, today: dt.date) -> None:
        self.today = today

    def __call__(self) -> dt.date:
        return self.today


def install_clock(app: Any, today: dt.date) -> Clock:
    from ippledge.web.deps import business_date

    clock = Clock(today)
    app.dependency_overrides[business_date] = clock
    return clock


def filing_body(registry_id: int, pledgor_id: int, pledgee_id: int, numbers: list[str], **kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "registry_id": registry_id,
        "pledgor_id": pledgor_id,
        "pledgee_id": pledgee_id,
        "ip_numbers": numbers,
        "debt_type": "流动资金贷款",
        "debt_amount": "5000000.00",
        "debt_start": "2024-09-30",
        "debt_end": "2027-09-29",
        "security_scope": "主债权本金、利息、违约金及实现质权的费用",
    }
    body.update(kw)
    return body
