"""One asset (单项估值): ``value_asset`` and ``value_batch``, the public entry points, and the explanation.

``value_asset`` runs the batch code on a one-row slice, so it returns exactly what ``value_batch`` gives for the
same asset, seed and fitted engine; it adds the explanation a credit officer reads: each dimension's score and
contribution, and each indicator's raw value, normalised value, effective weight and contribution (they add up to
the score), with missing evidence marked as missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ippledge.analytics.engine import REVENUE_SOURCES, BatchResult, Chunk, ValuationEngine, columns_of, fen
from ippledge.analytics.features import Columns
from ippledge.analytics.weights import DIMENSION_ZH, DIMENSIONS, FAMILIES, INDICATORS, KEYS


@dataclass(frozen=True)
class AssetValuation:
    """One asset's model valuation; money in whole fen."""

    score: float
    dimensions: dict[str, float | None]
    p10_fen: int
    p50_fen: int
    p90_fen: int
    collateral_fen: int
    market_fen: int | None
    cost_fen: int
    assumptions: dict[str, Any]
    explanation: dict[str, Any]


def _num(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def explain(engine: ValuationEngine, c: Chunk, i: int) -> dict[str, Any]:
    s = c.scores
    family = FAMILIES[int(s.family[i])]
    indicators = []
    for j, key in enumerate(KEYS):
        nominal = engine.weights.flat(family).get(key, 0.0)
        if nominal == 0.0:
            continue  # not part of this family's indicator set
        dim, zh, scale = INDICATORS[key]
        missing = bool(np.isnan(s.normalised[i, j]))
        indicators.append(
            {
                "key": key,
                "name_zh": zh,
                "dimension": dim,
                "raw": _num(s.raw[i, j]),
                "normalised": _num(s.normalised[i, j]),
                "nominal_weight": nominal,
                "weight": float(s.weights[i, j]),
                "contribution": float(s.contributions[i, j]),
                "missing": missing,
                "scale": scale,
            }
        )
    dims = {}
    for d, dim in enumerate(DIMENSIONS):
        cols = [j for j, k in enumerate(KEYS) if INDICATORS[k][0] == dim]
        dims[dim] = {
            "name_zh": DIMENSION_ZH[dim],
            "score": _num(s.dimension_scores[i, d]),
            "weight": float(s.weights[i, cols].sum()),
            "contribution": float(s.contributions[i, cols].sum()),
        }
    return {
        "family": family,
        "score": float(s.score[i]),
        "dimensions": dims,
        "indicators": indicators,
        "missing": [x["key"] for x in indicators if x["missing"]],
        "reads": "contributions add up to the score; a missing indicator's weight is spread over the others",
    }


def asset_assumptions(engine: ValuationEngine, c: Chunk, i: int, seed: int) -> dict[str, Any]:
    return {**engine.describe(seed), "asset": asset_part(engine, c, i)}


def asset_part(engine: ValuationEngine, c: Chunk, i: int) -> dict[str, Any]:
    """The asset's own assumptions (the rest of ``asset_assumptions`` is the engine's, the same for every asset)."""
    f = c.scores.features
    return {
        "royalty_rate": float(c.royalty[i]),
        "revenue_basis_yuan": float(c.revenue[i]),
        "revenue_source": REVENUE_SOURCES[int(c.revenue_source[i])],
        "economic_life_years": float(c.life[i]),
        "life_cap_years": float(c.cap[i]),
        "legal_term_left_years": float(f["legal_left"][i]),
        "grant_probability": engine.assumptions.pending_grant_probability if bool(f["pending"][i]) else None,
        "mean_value_yuan": float(c.mean[i]),
        "value_basis_for_collateral": "P50",
    }


def value_asset(
    facts: Mapping[str, Any] | Columns, *, seed: int, engine: ValuationEngine, index: int = 0
) -> AssetValuation:
    """Value one asset given as a mapping of register facts (or row ``index`` of columns) with a fitted engine."""
    cols = columns_of(facts) if not isinstance(next(iter(facts.values())), np.ndarray) else facts
    row = {k: v[index : index + 1] for k, v in cols.items()}
    c = engine.value_chunk(row, seed)
    market = int(fen(c.market)[0])
    return AssetValuation(
        score=float(c.scores.score[0]),
        dimensions={d: _num(c.scores.dimension_scores[0, k]) for k, d in enumerate(DIMENSIONS)},
        p10_fen=int(fen(c.p10)[0]),
        p50_fen=int(fen(c.p50)[0]),
        p90_fen=int(fen(c.p90)[0]),
        collateral_fen=int(fen(c.collateral)[0]),
        market_fen=None if market < 0 else market,
        cost_fen=int(fen(c.cost)[0]),
        assumptions=asset_assumptions(engine, c, 0, seed),
        explanation=explain(engine, c, 0),
    )


def value_batch(
    columns: Columns,
    *,
    seed: int,
    as_of: dt.date | None = None,
    engine: ValuationEngine | None = None,
    workers: int = 1,
) -> tuple[ValuationEngine, BatchResult]:
    """Value every row of ``columns``; fits a default engine on the same columns when none is given."""
    if engine is None:
        if as_of is None:
            raise ValueError("as_of is needed to fit an engine")
        engine = ValuationEngine().fit(columns, as_of)
    return engine, engine.value_batch(columns, seed, workers=workers)
