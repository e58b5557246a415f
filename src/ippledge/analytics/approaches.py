"""Market and cost approaches (市场法、成本法): cross-checks beside the income approach.

Market approach: the ``k`` comparables of the same subtype nearest in score, each adjusted for the score gap
(``exp(beta x gap / 10)``: +10 points ~ +16% at the default beta, an assumption), and their median. No transactions
are recorded yet, so the approach is optional: without comparables it gives NaN ("not applicable").
Cost approach: a replacement-cost proxy: typical cost to develop and protect such a right (assumption per subtype)
scaled by the score and written down for the part of the legal term used up (obsolescence).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

# Replacement cost, CNY (R&D, drafting, prosecution, official fees). Assumptions, not published figures.
REPLACEMENT_COST = {1: 300_000.0, 2: 60_000.0, 3: 20_000.0, 4: 15_000.0, 5: 80_000.0, 6: 10_000.0}


@dataclass(frozen=True)
class Comparables:
    """Recorded transactions or disposals: subtype code (see ``features.SUBTYPES``), score and price (yuan)."""

    subtype: I64
    score: F64
    price: F64

    @staticmethod
    def empty() -> Comparables:
        return Comparables(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))


def market_value(comps: Comparables | None, subtype: I64, score: F64, k: int = 5, beta: float = 0.15) -> F64:
    out = np.full(len(score), np.nan)
    if comps is None or not len(comps.price):
        return out
    for code in np.unique(comps.subtype).tolist():
        mine = np.flatnonzero(subtype == code)
        if not len(mine):
            continue
        sel = comps.subtype == code
        order = np.argsort(comps.score[sel], kind="stable")
        c_score, c_price = comps.score[sel][order], comps.price[sel][order]
        m = min(k, len(c_score))
        pos = np.searchsorted(c_score, score[mine])
        lo = np.clip(pos - m // 2, 0, len(c_score) - m)
        idx = lo[:, None] + np.arange(m)[None, :]
        adjusted = c_price[idx] * np.exp(beta * (score[mine, None] - c_score[idx]) / 10.0)
        out[mine] = np.median(adjusted, axis=1)
    return out


def cost_value(subtype: I64, score: F64, legal_left: F64, term: F64) -> F64:
    base = np.zeros(len(score))
    for code, cost in REPLACEMENT_COST.items():
        base[subtype == code] = cost
    remaining = np.where(subtype == 4, 1.0, np.clip(legal_left / np.maximum(term, 1.0), 0.0, 1.0))
    out: F64 = base * (0.5 + score / 100.0) * remaining
    return out
