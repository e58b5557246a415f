"""Valuation engine (估值引擎): indicator score, money value with a range, collateral value, for one IP or millions.

``ValuationEngine.fit(columns, as_of)`` learns the cohort references from a universe (the register);
``value_batch`` then values any columns chunk by chunk (optionally on threads: NumPy releases the GIL in the heavy
loops), and ``value_asset`` values one asset by running the very same chunk code on a one-row slice, so a single
asset and the same asset inside a batch get identical numbers for the same seed. Money leaves the engine as whole
fen (the estimates are computed in floating point and rounded once, ROUND_HALF_EVEN on .5 fen, which is immaterial
for an estimate); the ledger's Decimal rules apply to amounts that move, not to model estimates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray

from ippledge.analytics import income
from ippledge.analytics.approaches import Comparables, cost_value, market_value
from ippledge.analytics.features import Columns
from ippledge.analytics.liquidity import LiquidityModel
from ippledge.analytics.scoring import IndicatorScorer, ScoreBlock
from ippledge.analytics.weights import KEYS, Weights, for_use

F64 = NDArray[np.float64]
MODEL_VERSION = "ippledge-valuation-2025.2"  # 2025.2: money scale by kind (decision 0009)
REVENUE_SOURCES = ("profile", "size", "default")
CHUNK = 131_072


@dataclass
class Chunk:
    """Everything computed for a slice of assets (kept whole only for small slices: explanations need it)."""

    scores: ScoreBlock
    royalty: F64
    revenue: F64
    revenue_source: NDArray[np.int64]
    life: F64
    cap: F64
    p10: F64
    p50: F64
    p90: F64
    mean: F64
    market: F64
    cost: F64
    collateral: F64


# Runs ``engine.value_chunk(cols, seed)`` for each chunk elsewhere (a cluster) and yields the results in order; a
# chunk that failed yields its exception, so a batch can record it and go on.
ChunkMapper = Callable[["ValuationEngine", int, Iterable[Columns]], Iterator["Chunk | Exception"]]


@dataclass
class BatchResult:
    """Column results of a batch, index-aligned with the input columns."""

    score: F64
    dimensions: F64
    contributions: NDArray[np.float32]
    p10_fen: NDArray[np.int64]
    p50_fen: NDArray[np.int64]
    p90_fen: NDArray[np.int64]
    collateral_fen: NDArray[np.int64]
    market_fen: NDArray[np.int64]  # -1 when not applicable (no comparables)
    cost_fen: NDArray[np.int64]
    royalty: F64
    life: F64
    timings: dict[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.score)


def fen(yuan: F64) -> NDArray[np.int64]:
    out: NDArray[np.int64] = np.rint(np.nan_to_num(yuan, nan=-0.01) * 100.0).astype(np.int64)
    return out


_KIND_OF_SUBTYPE = np.array(["", "patent", "patent", "patent", "trademark", "copyright", "copyright"])


def kind_of(subtype: NDArray[np.int64]) -> NDArray[np.str_]:
    """The IP kind (patent, trademark, copyright) of each subtype code (``features.SUBTYPES``, 1-based; 0 unknown)."""
    out: NDArray[np.str_] = _KIND_OF_SUBTYPE[np.clip(np.asarray(subtype, np.int64), 0, 6)]
    return out


def take(cols: Columns, index: slice | NDArray[np.int64]) -> Columns:
    return {k: v[index] for k, v in cols.items()}


class ValuationEngine:
    def __init__(
        self,
        weights: Weights | None = None,
        assumptions: income.IncomeAssumptions | None = None,
        liquidity: LiquidityModel | None = None,
        comparables: Comparables | None = None,
        min_cohort: int = 20,
    ) -> None:
        self.weights = weights or for_use("finance")
        self.assumptions = assumptions or income.IncomeAssumptions()
        self.liquidity = liquidity or LiquidityModel()
        self.comparables = comparables
        self.min_cohort = min_cohort

    def fit(self, cols: Columns, as_of: dt.date) -> Self:
        self.scorer_ = IndicatorScorer(self.weights, self.min_cohort).fit(cols, as_of)
        self.as_of_ = as_of
        return self

    def value_chunk(self, cols: Columns, seed: int) -> Chunk:
        a = self.assumptions
        sc = income.scenarios(a, seed)
        block = self.scorer_.transform(cols, self.as_of_)
        f = block.features
        subtype, ipc3 = f["subtype"], f["ipc3"]
        revenue, source = self._revenue(cols, f["revenue_basis"])
        royalty = income.royalty_rate(a, subtype, ipc3, block.score)
        life = income.economic_life(a, subtype, ipc3, f["age"], f["legal_left"])
        cap = np.where(subtype == 4, 3.0 * life, f["legal_left"])  # a mark is renewable: its life may stretch
        weight = np.where(f["pending"], a.pending_grant_probability, (f["legal_status"] > 0).astype(np.float64))
        base = revenue * income.revenue_share(a, subtype) * royalty * (1.0 - a.tax_rate) * weight
        p10, p50, p90, mean = income.value_range(sc, base, life, cap)
        pledgeable = f["in_force"] & ~np.asarray(cols["preserved"], bool)
        return Chunk(
            scores=block,
            royalty=royalty,
            revenue=revenue,
            revenue_source=source,
            life=life,
            cap=cap,
            p10=p10,
            p50=p50,
            p90=p90,
            mean=mean,
            market=market_value(self.comparables, subtype, block.score),
            cost=cost_value(subtype, block.score, f["legal_left"], f["term"]),
            collateral=self.liquidity.collateral(p50, pledgeable, kind_of(subtype), ipc3),
        )

    def _revenue(self, cols: Columns, per_asset: F64) -> tuple[F64, NDArray[np.int64]]:
        """Revenue the asset's royalty applies to: the owner's revenue spread over its assets of the same kind
        (``portfolio ** portfolio_exponent``; ``per_asset`` is the linear share the indicator uses), else the median
        revenue of the owner's size class spread likewise, else the default (all recorded)."""
        n = len(per_asset)
        size = cols.get("owner_size")
        portfolio = np.maximum(np.asarray(cols.get("owner_portfolio", np.ones(n)), np.float64), 1.0)
        spread = portfolio**self.assumptions.portfolio_exponent
        by_size = np.full(n, np.nan)
        if size is not None:
            for name, rev in income.SIZE_REVENUE.items():
                by_size[size == name] = rev
            by_size = by_size / spread
        source = np.where(~np.isnan(per_asset), 0, np.where(~np.isnan(by_size), 1, 2)).astype(np.int64)
        fallback = np.where(source == 1, by_size, self.assumptions.default_revenue_yuan)
        revenue = np.where(source == 0, per_asset * portfolio / spread, fallback)
        return revenue, source

    def value_batch(
        self,
        cols: Columns,
        seed: int,
        chunk: int = CHUNK,
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
        mapper: ChunkMapper | None = None,
    ) -> BatchResult:
        """Value every asset of ``cols``, chunk by chunk: in this process (``workers`` threads) or through
        ``mapper`` (e.g. a Dask cluster), which must yield each chunk's result in order. Same seed, same numbers."""
        n = len(cols["subtype"])
        out = BatchResult(
            score=np.zeros(n),
            dimensions=np.zeros((n, 3)),
            contributions=np.zeros((n, len(KEYS)), np.float32),
            p10_fen=np.zeros(n, np.int64),
            p50_fen=np.zeros(n, np.int64),
            p90_fen=np.zeros(n, np.int64),
            collateral_fen=np.zeros(n, np.int64),
            market_fen=np.zeros(n, np.int64),
            cost_fen=np.zeros(n, np.int64),
            royalty=np.zeros(n),
            life=np.zeros(n),
        )

        def write(s: slice, c: Chunk) -> int:
            out.score[s] = c.scores.score
            out.dimensions[s] = c.scores.dimension_scores
            out.contributions[s] = c.scores.contributions
            out.p10_fen[s], out.p50_fen[s], out.p90_fen[s] = fen(c.p10), fen(c.p50), fen(c.p90)
            out.collateral_fen[s] = fen(c.collateral)
            out.market_fen[s], out.cost_fen[s] = fen(c.market), fen(c.cost)
            out.royalty[s], out.life[s] = c.royalty, c.life
            return int(s.stop - s.start)

        def run(start: int) -> int:
            s = slice(start, min(n, start + chunk))
            return write(s, self.value_chunk(take(cols, s), seed))

        slices = [slice(start, min(n, start + chunk)) for start in range(0, n, chunk)]
        if mapper is not None:
            results = mapper(self, seed, (take(cols, s) for s in slices))
            for s, c in zip(slices, results, strict=True):
                if isinstance(c, Exception):
                    raise c
                done = write(s, c)
                if progress:
                    progress(done)
        elif workers > 1:
            with ThreadPoolExecutor(workers) as pool:
                for done in pool.map(run, (s.start for s in slices)):
                    if progress:
                        progress(done)
        else:
            for s in slices:
                done = run(s.start)
                if progress:
                    progress(done)
        return out

    def describe(self, seed: int) -> dict[str, Any]:
        """The assumptions shared by every asset of a run (recorded with each result)."""
        return {
            "model_version": MODEL_VERSION,
            "weights": {"use": self.weights.use, "version": self.weights.version},
            "seed": seed,
            "as_of": self.as_of_.isoformat(),
            "income": self.assumptions.to_dict(),
            "liquidity": self.liquidity.assumptions(),
            "market_approach": "comparables" if self.comparables and len(self.comparables.price) else "no comparables",
            "cohort": {"min_size": self.min_cohort, "key": "subtype x IPC class (3 chars) x filing year"},
        }


def columns_of(facts: Mapping[str, Any]) -> Columns:
    """One-row columns from a mapping of register facts (dates as ``datetime.date`` or None)."""
    out: Columns = {}
    for key, value in facts.items():
        if key.endswith("_date"):
            out[key] = np.array([np.datetime64("NaT") if value is None else np.datetime64(value, "D")], "M8[D]")
        elif isinstance(value, bool | np.bool_):
            out[key] = np.array([value], bool)
        elif isinstance(value, int | np.integer):
            out[key] = np.array([value], np.int64)
        elif isinstance(value, float):
            out[key] = np.array([value], np.float64)
        else:
            out[key] = np.array([value], object)
    return out
