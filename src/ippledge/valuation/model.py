"""Valuation report rules (评估报告规则): methods, key assumptions, validity. Pure, no I/O.

A report states a value per IP and in total, the approach (income 收益法, market 市场法, cost 成本法; DOMAIN.md §6),
its key assumptions as a JSON object (known keys are range-checked, others are kept as given), the valuation date and
the date until which it may be relied on (typically one year). A submitted report never changes; a correction is a
new report that supersedes it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ippledge.kernel.calendar import add_months
from ippledge.kernel.money import positive_money
from ippledge.valuation import errors

MAX_ASSUMPTIONS = 50
MAX_ASSUMPTIONS_CHARS = 20_000
DEFAULT_VALIDITY_MONTHS = 12


class Method(StrEnum):
    INCOME = "income"  # 收益法
    MARKET = "market"  # 市场法
    COST = "cost"  # 成本法


# Known assumption keys and their accepted closed ranges (None = unbounded on that side).
KNOWN_RANGES: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "royalty_rate": (Decimal(0), Decimal(1)),
    "discount_rate": (Decimal(0), Decimal(1)),
    "tax_rate": (Decimal(0), Decimal(1)),
    "profit_split": (Decimal(0), Decimal(1)),
    "growth_rate": (Decimal(-1), Decimal(1)),
    "remaining_life_years": (Decimal(0), Decimal(50)),
    "revenue_basis": (Decimal(0), None),
}


def _number(key: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise errors.ASSUMPTION_TYPE(key=key)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise errors.ASSUMPTION_TYPE(key=key) from None
    if not number.is_finite():
        raise errors.ASSUMPTION_TYPE(key=key)
    return number


def validate_assumptions(value: object) -> dict[str, Any]:
    """A JSON object with string keys; known keys within their ranges; the whole serialisable and small."""
    if not isinstance(value, Mapping):
        raise errors.ASSUMPTIONS_OBJECT()
    if len(value) > MAX_ASSUMPTIONS:
        raise errors.ASSUMPTIONS_SIZE(max_count=MAX_ASSUMPTIONS, max_chars=MAX_ASSUMPTIONS_CHARS)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise errors.ASSUMPTION_KEY()
        if key in KNOWN_RANGES:
            low, high = KNOWN_RANGES[key]
            number = _number(key, item)
            if (low is not None and number < low) or (high is not None and number > high):
                raise errors.ASSUMPTION_RANGE(
                    key=key,
                    low=None if low is None else str(low),
                    high=None if high is None else str(high),
                )
        out[key] = item
    try:
        text = json.dumps(out, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        raise errors.ASSUMPTIONS_OBJECT() from None
    if len(text) > MAX_ASSUMPTIONS_CHARS:
        raise errors.ASSUMPTIONS_SIZE(max_count=MAX_ASSUMPTIONS, max_chars=MAX_ASSUMPTIONS_CHARS)
    return out


@dataclass(frozen=True)
class ReportDraft:
    items: Sequence[tuple[int, Decimal | str | int]]  # (ip_asset_id, value)
    method: str
    assumptions: object
    valuation_date: dt.date
    valid_until: dt.date | None = None
    total: Decimal | str | int | None = None


@dataclass(frozen=True)
class CheckedReport:
    items: tuple[tuple[int, Decimal], ...]
    total: Decimal
    method: Method
    assumptions: dict[str, Any]
    valuation_date: dt.date
    valid_until: dt.date


def check_report(draft: ReportDraft, as_of: dt.date, allowed_assets: frozenset[int]) -> CheckedReport:
    """Validate a report before anything is stored; every value is positive money, the total is their sum."""
    try:
        method = Method(draft.method)
    except ValueError:
        raise errors.METHOD(method=draft.method) from None
    if not draft.items:
        raise errors.NO_ITEMS()
    ids = [a for a, _ in draft.items]
    if len(set(ids)) != len(ids):
        raise errors.DUPLICATE_ITEM()
    if stray := sorted(set(ids) - allowed_assets):
        raise errors.IP_NOT_IN_APPLICATION(ids=stray)
    items = tuple((a, positive_money(v)) for a, v in draft.items)
    total = sum((v for _, v in items), Decimal("0.00"))
    if draft.total is not None and positive_money(draft.total) != total:
        raise errors.TOTAL_MISMATCH(sum=str(total))
    if draft.valuation_date > as_of:
        raise errors.DATE_FUTURE()
    valid_until = draft.valid_until or add_months(draft.valuation_date, DEFAULT_VALIDITY_MONTHS)
    if valid_until <= draft.valuation_date:
        raise errors.VALIDITY()
    return CheckedReport(
        items, total, method, validate_assumptions(draft.assumptions), draft.valuation_date, valid_until
    )


def is_valid_on(valuation_date: dt.date, valid_until: dt.date, as_of: dt.date) -> bool:
    """A report may be relied on from its valuation date to its validity date, both included."""
    return valuation_date <= as_of <= valid_until
