"""Supervision persistence (监管统计存储): the recorded overall NPL ratios."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.supervision.model import Correction
from ippledge.supervision.tables import LoanCorrection, OverallNplRatio

PPM = Decimal(1_000_000)


def to_ppm(ratio: Decimal) -> int:
    return int((ratio * PPM).to_integral_value())


def from_ppm(ppm: int) -> Decimal:
    return (Decimal(ppm) / PPM).quantize(Decimal("0.000001"))


def overall_ratios(session: Session, period_end: dt.date, known_on: dt.date | None = None) -> dict[int, Decimal]:
    """Each bank's overall NPL ratio for the period ending ``period_end``: the newest record (made on or before
    ``known_on`` when given), by bank id."""
    r = OverallNplRatio
    stmt = select(r).where(r.period_end == period_end)
    if known_on is not None:
        stmt = stmt.where(r.recorded_on <= known_on)
    out: dict[int, Decimal] = {}
    for row in session.scalars(stmt.order_by(r.recorded_on, r.id)):
        out[row.bank_id] = from_ppm(row.ratio_ppm)
    return out


def corrections(session: Session) -> list[Correction]:
    """Every recorded grade correction (few: restatements), in record order."""
    c = LoanCorrection
    return [
        Correction(r.loan_id, r.grade, r.effective_on, r.recorded_on, r.id)
        for r in session.scalars(select(c).order_by(c.id))
    ]
