"""Recording realised disposal outcomes (记录处置成交结果): the command disposal calls when a lot ends.

Valuation derives the lot's kind and field from the register itself (the way the engine classes IP: the most common
kind among the lot's assets, a patent before a mark before a work on a tie; the IPC class of its first patent), so
the calibration's cells match the engine's. Recording the same reference twice replaces the row (a lot ends once;
a correction wins). Flushes, never commits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal
from ippledge.registry import queries as registry
from ippledge.valuation.outcomes.tables import RealisedSale

_KIND_ORDER = ("patent", "trademark", "copyright")


@dataclass(frozen=True)
class SaleRecord:
    """An ended disposal as the disposer reports it."""

    reference: str
    channel: str
    asset_ids: Sequence[int]
    report_ids: Sequence[int]
    appraised: Decimal
    model_value: Decimal | None
    sold: bool
    price: Decimal | None
    rounds: int
    closed_on: dt.date


def classify(session: Session, asset_ids: Sequence[int]) -> tuple[str, str]:
    """``(kind, field)`` of a lot: its most common IP kind and the IPC class (3 chars) of its first patent."""
    summaries = registry.asset_summaries(session, asset_ids)
    kinds = Counter(s.kind.value for s in summaries.values())
    if not kinds:
        return "unknown", ""
    top = max(kinds.values())
    kind = next(k for k in (*_KIND_ORDER, *sorted(kinds)) if kinds.get(k) == top)
    if kind != "patent":
        return kind, ""
    patents = sorted(a for a, s in summaries.items() if s.kind.value == "patent")
    ipc = registry.ipc_main_of(session, patents)
    field = next(((ipc.get(a) or "").strip()[:3].upper() for a in patents if ipc.get(a)), "")
    return kind, field


def record_realised_sale(session: Session, principal: Principal | str, sale: SaleRecord) -> RealisedSale:
    """成交结果: keep one ended disposal (replacing an earlier record of the same reference)."""
    kind, field = classify(session, sale.asset_ids)
    row = session.scalars(select(RealisedSale).where(RealisedSale.reference == sale.reference)).first()
    if row is None:
        row = RealisedSale(reference=sale.reference)
        session.add(row)
    row.channel, row.kind, row.ipc_field = sale.channel, kind, field
    row.asset_ids = json.dumps(sorted(int(a) for a in sale.asset_ids))
    row.report_ids = json.dumps(sorted({int(r) for r in sale.report_ids}))
    row.appraised, row.model_value = sale.appraised, sale.model_value
    row.sold, row.price = sale.sold, sale.price if sale.sold else None
    row.rounds, row.closed_on = sale.rounds, sale.closed_on
    session.flush()
    audit.record(
        session,
        principal,
        "valuation.realised_sale",
        "valuation_realised_sale",
        row.id,
        {"reference": sale.reference, "sold": sale.sold, "price": None if row.price is None else str(row.price)},
    )
    return row
