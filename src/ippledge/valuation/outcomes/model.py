"""Liquidity calibration from realised disposals (变现折扣校准). Pure, no I/O.

The model's collateral value is ``P50 x sell-through x (1 - forced-sale discount)`` with a prior of sell-through 0.40
and discount 0.30 (``analytics.liquidity``, DOMAIN.md §6-7). Each disposal that ended (a lot sold on the market, or
taken by the creditor in satisfaction 以物抵债, which counts as not sold) is an observation of one IP kind and field
(the IPC class, three characters, of the lot's main patent; empty for marks and works). The calibration has three
levels: the prior, the kind, and the kind within a field; each level's estimate shrinks toward its parent's with a
credibility weight (Bühlmann, ``w`` observations' worth):

* sell-through ``s = (w x s_parent + sold) / (w + n)`` once the level has at least ``min_lots`` lots, else the parent's;
* discount ``d = (w x d_parent + sum of shortfalls) / (w + sold)`` once it has at least ``min_sold`` market sales, else
  the parent's, where a sale's shortfall is ``1 - price / value`` clipped to [0, 1] and ``value`` is the model's P50 of
  the lot when the lot had one, else the appraisal.

So the credibility of a level with ``n`` observations is ``Z = n / (n + w)`` and ``estimate = Z x observed mean +
(1 - Z) x parent``. With ``w = 20`` (the engine's prior weight) and ``min_lots = 5``, ``min_sold = 3``, one disposal
never moves a figure on its own, and an empty history gives exactly the prior.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

PRIOR_SELL_THROUGH = 0.40  # DOMAIN.md §6: CTEX IP auctions sell ~40% of lots
PRIOR_DISCOUNT = 0.30  # DOMAIN.md §7: sold lots fetch ~70% of value across the first and second rounds
ALL = ""  # the field key of a kind-level cell


@dataclass(frozen=True)
class Params:
    """Calibration settings (versioned data; every answer names ``version``)."""

    version: str = "liquidity-calibration-2026.1"
    prior_sell_through: float = PRIOR_SELL_THROUGH
    prior_discount: float = PRIOR_DISCOUNT
    weight: float = 20.0  # the prior is worth this many disposals
    min_lots: int = 5  # fewer lots at a level: sell-through is the parent's
    min_sold: int = 3  # fewer market sales at a level: the discount is the parent's

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "prior_sell_through": self.prior_sell_through,
            "prior_discount": self.prior_discount,
            "weight": self.weight,
            "min_lots": self.min_lots,
            "min_sold": self.min_sold,
        }


@dataclass(frozen=True)
class Outcome:
    """One ended disposal: the lot's kind and field, the value it is measured against, and whether and at what price
    it sold on the market (``price`` is ignored when not ``sold``)."""

    kind: str
    field: str
    value: Decimal
    sold: bool
    price: Decimal | None = None

    @property
    def shortfall(self) -> float | None:
        """``1 - price / value`` clipped to [0, 1]; None when not sold or without a positive value."""
        if not self.sold or self.price is None or self.value <= 0:
            return None
        return min(max(1.0 - float(self.price / self.value), 0.0), 1.0)


@dataclass(frozen=True)
class Cell:
    """The calibrated figures of one level (a kind, or a kind in a field): where each came from and on what."""

    kind: str
    field: str
    sell_through: float
    discount: float
    lots: int
    sold: int
    sell_through_from: str  # "prior" | "kind" | "observed"
    discount_from: str

    @property
    def recovery(self) -> float:
        """The share of the model value a forced sale is expected to recover."""
        return self.sell_through * (1.0 - self.discount)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "field": self.field,
            "sell_through": round(self.sell_through, 6),
            "forced_sale_discount": round(self.discount, 6),
            "recovery_factor": round(self.recovery, 6),
            "lots": self.lots,
            "sold": self.sold,
            "sell_through_from": self.sell_through_from,
            "discount_from": self.discount_from,
        }


@dataclass(frozen=True)
class Calibration:
    """Every calibrated cell, by ``(kind, field)``; kind-level cells have ``field == ALL``."""

    params: Params
    cells: Mapping[tuple[str, str], Cell] = field(default_factory=dict)

    def cell(self, kind: str, ipc_field: str = ALL) -> Cell:
        """The figures for one IP kind and field: its own cell, else its kind's, else the prior."""
        found = self.cells.get((kind, ipc_field)) or self.cells.get((kind, ALL))
        if found is not None:
            return found
        p = self.params
        return Cell(kind, ipc_field, p.prior_sell_through, p.prior_discount, 0, 0, "prior", "prior")

    def factors(self) -> dict[tuple[str, str], tuple[float, float]]:
        """``(kind, field) -> (sell-through, discount)`` for the cells that differ from the prior (the engine's map)."""
        p = self.params
        return {
            k: (c.sell_through, c.discount)
            for k, c in self.cells.items()
            if (c.sell_through, c.discount) != (p.prior_sell_through, p.prior_discount)
        }


def _level(
    kind: str, ipc_field: str, obs: list[Outcome], parent: tuple[float, float], parent_from: str, p: Params
) -> Cell:
    n = len(obs)
    shortfalls = [s for o in obs if (s := o.shortfall) is not None]
    k = len(shortfalls)
    s_parent, d_parent = parent
    if n >= p.min_lots:
        st, st_from = (p.weight * s_parent + sum(o.sold for o in obs)) / (p.weight + n), "observed"
    else:
        st, st_from = s_parent, parent_from
    if k >= p.min_sold:
        d, d_from = (p.weight * d_parent + sum(shortfalls)) / (p.weight + k), "observed"
    else:
        d, d_from = d_parent, parent_from
    return Cell(kind, ipc_field, st, d, n, sum(o.sold for o in obs), st_from, d_from)


def calibrate(outcomes: Iterable[Outcome], params: Params | None = None) -> Calibration:
    """Cells for every kind, and every kind and field, that has outcomes (see the module docstring)."""
    p = params or Params()
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    by_field: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.kind].append(o)
        if o.field:
            by_field[(o.kind, o.field)].append(o)
    cells: dict[tuple[str, str], Cell] = {}
    prior = (p.prior_sell_through, p.prior_discount)
    for kind, obs in sorted(by_kind.items()):
        cells[(kind, ALL)] = _level(kind, ALL, obs, prior, "prior", p)
    for (kind, ipc_field), obs in sorted(by_field.items()):
        top = cells[(kind, ALL)]
        # a figure the kind took from the prior is still "prior" at the field; one it observed is the kind's
        cell = _level(kind, ipc_field, obs, (top.sell_through, top.discount), "kind", p)
        cells[(kind, ipc_field)] = Cell(
            kind,
            ipc_field,
            cell.sell_through,
            cell.discount,
            cell.lots,
            cell.sold,
            cell.sell_through_from if cell.sell_through_from == "observed" else _from(top.sell_through_from),
            cell.discount_from if cell.discount_from == "observed" else _from(top.discount_from),
        )
    return Calibration(p, cells)


def _from(parent_from: str) -> str:
    return "kind" if parent_from == "observed" else "prior"


def realised_ratio(price: Decimal, appraised: Decimal) -> float | None:
    """Realised / appraised (成交价/评估价) of one market sale; None without a positive appraisal."""
    return None if appraised <= 0 else float(price / appraised)
