"""Disposal as other capabilities and reports read it (published read face): the outcomes of closed auction rounds."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.disposal.learning import RoundOutcome
from ippledge.disposal.tables import DisposalAuction, DisposalLot

CLOSED = ("failed", "won", "paid", "reneged")
SOLD = ("won", "paid", "reneged")


def round_outcomes(session: Session) -> list[RoundOutcome]:
    """Every closed auction round (not the sale stage): its start share of the appraisal, sold or not, and the
    realised price share; the lot's IP kind (its first asset's; ``portfolio`` when the kinds differ)."""
    stmt = (
        select(DisposalAuction, DisposalLot.appraisal, DisposalLot.facts)
        .join(DisposalLot, DisposalLot.id == DisposalAuction.lot_id)
        .where(DisposalAuction.stage == "auction", DisposalAuction.status.in_(CLOSED))
        .order_by(DisposalAuction.id)
    )
    out: list[RoundOutcome] = []
    for row, appraisal, facts in session.execute(stmt):
        kinds = {str(f.get("kind")) for f in json.loads(facts).values()}
        kind = kinds.pop() if len(kinds) == 1 else "portfolio"
        sold = row.status in SOLD
        out.append(
            RoundOutcome(
                ip_kind=kind,
                reserve_ratio=float(row.start_price / appraisal),
                sold=sold,
                price_ratio=float(row.price / appraisal) if sold and row.price is not None else None,
            )
        )
    return out
