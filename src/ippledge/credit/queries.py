"""Published read face (查询接口) of credit: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ValuationUsed:
    """One valuation a credit decision relied on: the report (``None``: valued without a report) and the value."""

    report_id: int | None
    value: Decimal


@dataclass(frozen=True)
class DecisionBasis:
    """What a credit decision (授信决定) priced and relied on: the deciding bank, the 1-year LPR it priced against
    (basis points) and the valuations of the pledged IP."""

    id: int
    bank_id: int
    lpr_bp: int
    valuations: tuple[ValuationUsed, ...]


def decision_basis(session: Session, decision_id: int) -> DecisionBasis | None:
    """The decision's pricing basis and valuations, or ``None`` for an unknown id (no caller scoping)."""
    from ippledge.credit.tables import CreditDecision

    row = session.get(CreditDecision, decision_id)
    if row is None:
        return None
    used = tuple(
        ValuationUsed(None if v.get("report_id") is None else int(v["report_id"]), Decimal(v.get("value") or 0))
        for v in json.loads(row.valuations)
    )
    return DecisionBasis(row.id, row.bank_id, row.lpr_bp, used)
