"""Learning from outcomes (处置结果学习): how sell-through falls as the start price rises, fitted on past rounds, and
the start share that maximises the expected price at the start. Pure (NumPy), deterministic.

Each closed auction round is one observation: its start price over the lot's appraisal (``r``), and whether someone
bid (``sold``: won, paid or reneged — a winner who then reneged still showed demand at that price). The fit is a
logistic regression ``P(sold | r) = 1 / (1 + exp(-(a + b r)))`` by Newton's method with a small ridge penalty (so
a sample where every round sold, or none did, still gives a finite answer). The suggested start share maximises
``r x P(sold | r)`` over the shares the rules allow (never below the rule set's minimum), on a 0.5-point grid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ippledge.disposal import errors

RIDGE = 1e-2  # the penalty on a and b: keeps the fit finite under separation; small against any real sample
GRID_STEP = 0.005


@dataclass(frozen=True)
class RoundOutcome:
    """One closed auction round as the fit sees it."""

    ip_kind: str
    reserve_ratio: float  # start price / appraisal
    sold: bool
    price_ratio: float | None  # the winning price / appraisal, when sold


@dataclass(frozen=True)
class SellThroughFit:
    a: float
    b: float
    rounds: int
    sold: int

    def p_sold(self, r: float) -> float:
        return 1 / (1 + math.exp(-(self.a + self.b * r)))


def fit_sell_through(obs: Sequence[RoundOutcome], iterations: int = 50) -> SellThroughFit:
    """The logistic fit of sold against the start share (``disposal.simulation`` when there is no round)."""
    if not obs:
        raise errors.SIMULATION(reason="no closed auction round to learn from")
    x = np.column_stack([np.ones(len(obs)), np.array([o.reserve_ratio for o in obs])])
    y = np.array([1.0 if o.sold else 0.0 for o in obs])
    w = np.zeros(2)
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (y - p) - RIDGE * w
        hess = (x.T * (p * (1 - p))) @ x + RIDGE * np.eye(2)
        step = np.linalg.solve(hess, grad)
        w = w + step
        if float(np.abs(step).max()) < 1e-10:
            break
    return SellThroughFit(float(w[0]), float(w[1]), len(obs), int(y.sum()))


def suggest_start_share(fit: SellThroughFit, floor: float, ceiling: float = 1.0) -> tuple[float, float]:
    """The start share in [floor, ceiling] that maximises ``r x P(sold | r)``, and that sell-through."""
    grid = np.arange(floor, ceiling + GRID_STEP / 2, GRID_STEP)
    p = 1 / (1 + np.exp(-(fit.a + fit.b * grid)))
    best = int(np.argmax(grid * p))
    return round(float(grid[best]), 4), float(p[best])


@dataclass(frozen=True)
class KindSummary:
    ip_kind: str
    rounds: int
    sell_through: float
    mean_price_ratio: float | None
    fit: SellThroughFit
    suggested_share: float
    suggested_sell_through: float


def summarise(obs: Sequence[RoundOutcome], floor: float) -> list[KindSummary]:
    """Per IP kind (and ``all``): rounds, sell-through, mean realised price over the appraisal, the fit and the
    suggested start share."""
    groups: dict[str, list[RoundOutcome]] = {"all": list(obs)}
    for o in obs:
        groups.setdefault(o.ip_kind, []).append(o)
    out: list[KindSummary] = []
    for kind, rows in sorted(groups.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        if not rows:
            continue
        fit = fit_sell_through(rows)
        share, p = suggest_start_share(fit, floor)
        prices = [o.price_ratio for o in rows if o.sold and o.price_ratio is not None]
        out.append(
            KindSummary(
                ip_kind=kind,
                rounds=len(rows),
                sell_through=fit.sold / len(rows),
                mean_price_ratio=sum(prices) / len(prices) if prices else None,
                fit=fit,
                suggested_share=share,
                suggested_sell_through=p,
            )
        )
    return out
