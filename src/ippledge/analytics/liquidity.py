"""Collateral value (抵质押物价值): what a forced sale within the disposal horizon is expected to recover.

collateral = value x sell-through probability x (1 - forced-sale discount). Defaults (DOMAIN.md §6-7): auctions
sell well under half of the lots (CTEX IP auctions ~40%; Ocean Tomo's fell from 62% to 6 of 81 lots), so
sell-through 0.40. Discount: a judicial auction starts at >= 80% of the valuation and each re-auction may lower the
reserve by <= 20% (80%, 64%, 51%); assuming sales spread over the first and second rounds with little bidding above
the reserve, a sold lot fetches ~70% of the valuation: discount 0.30 (assumption). ``LiquidityModel.fit`` learns
both from recorded disposals (value, sold, price) with the defaults as a prior worth ``prior_weight`` disposals, so
a handful of records moves the estimate only a little and an empty history gives the defaults.

``cells`` carries figures calibrated per IP kind and IPC class from realised disposals (``valuation.outcomes``):
``(kind, field) -> (sell-through, discount)``, a kind-level figure under field ``""``. An asset takes its kind and
field's cell, else its kind's, else the model's own figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]


class LiquidityModel:
    def __init__(
        self,
        sell_through: float = 0.40,
        discount: float = 0.30,
        prior_weight: float = 20.0,
        cells: Mapping[tuple[str, str], tuple[float, float]] | None = None,
    ) -> None:
        self.cells = dict(cells or {})
        self.sell_through = sell_through
        self.discount = discount
        self.prior_weight = prior_weight
        self.sell_through_ = sell_through
        self.discount_ = discount
        self.n_disposals_ = 0

    def fit(self, values: F64, sold: NDArray[np.bool_], prices: F64) -> Self:
        """Shrink towards the defaults: sell-through = (prior x w + sold) / (w + n); same for the discount."""
        values = np.asarray(values, np.float64)
        sold = np.asarray(sold, bool)
        prices = np.asarray(prices, np.float64)
        ok = values > 0
        values, sold, prices = values[ok], sold[ok], prices[ok]
        w, n, k = self.prior_weight, len(values), int(sold.sum())
        self.n_disposals_ = n
        self.sell_through_ = (self.sell_through * w + k) / (w + n)
        shortfall = float(np.clip(1.0 - prices[sold] / values[sold], 0.0, 1.0).sum()) if k else 0.0
        self.discount_ = (self.discount * w + shortfall) / (w + k)
        return self

    @property
    def factor(self) -> float:
        return self.sell_through_ * (1.0 - self.discount_)

    def factors(self, kinds: NDArray[np.str_] | None = None, fields: NDArray[np.str_] | None = None) -> F64 | float:
        """The recovery factor of each asset (its cell's, else its kind's, else the model's); one number when there
        are no cells or no kinds given. One comparison per kind with cells and a binary search of the kind's
        fields, so the cost barely grows with the number of cells (``benchmarks/liquidity_cells.py``)."""
        if not self.cells or kinds is None:
            return self.factor
        kinds = np.asarray(kinds)
        fields = np.full(len(kinds), "") if fields is None else np.asarray(fields)
        out: F64 = np.full(len(kinds), self.factor)
        for kind in sorted({k for k, _ in self.cells}):
            at = np.flatnonzero(kinds == kind)
            if not len(at):
                continue
            if (whole := self.cells.get((kind, ""))) is not None:
                out[at] = whole[0] * (1.0 - whole[1])
            named = sorted((f, st * (1.0 - d)) for (k, f), (st, d) in self.cells.items() if k == kind and f)
            if not named:
                continue
            keys = np.array([f for f, _ in named])
            values = np.array([v for _, v in named], np.float64)
            mine = fields[at]
            pos = np.minimum(np.searchsorted(keys, mine), len(keys) - 1)
            hit = keys[pos] == mine
            out[at[hit]] = values[pos[hit]]
        return out

    def collateral(
        self,
        value: F64,
        pledgeable: NDArray[np.bool_],
        kinds: NDArray[np.str_] | None = None,
        fields: NDArray[np.str_] | None = None,
    ) -> F64:
        """Expected forced-sale recovery; nothing for a right that cannot be pledged or sold (lapsed, frozen)."""
        out: F64 = np.where(pledgeable, value * self.factors(kinds, fields), 0.0)
        return out

    def assumptions(self) -> dict[str, Any]:
        return {
            "sell_through": round(self.sell_through_, 6),
            "forced_sale_discount": round(self.discount_, 6),
            "recovery_factor": round(self.factor, 6),
            "disposals_learned_from": self.n_disposals_,
            "prior": {"sell_through": self.sell_through, "discount": self.discount, "weight": self.prior_weight},
            "basis": "collateral = P50 value x sell-through x (1 - forced-sale discount)",
            "calibrated_cells": {
                f"{kind}/{field}" if field else kind: {
                    "sell_through": round(st, 6),
                    "forced_sale_discount": round(d, 6),
                }
                for (kind, field), (st, d) in sorted(self.cells.items())
            },
        }
