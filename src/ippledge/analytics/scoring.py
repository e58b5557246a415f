"""Indicator scores (指标评分): 0-100 in the GB/T 42748 structure, each dimension's and indicator's contribution.

``IndicatorScorer`` is an estimator: ``fit`` learns from a universe of assets (the register) the IPC vocabulary,
the per-cohort reference distributions of every cohort-ranked indicator and each IPC class's filing growth;
``transform`` scores any assets against that learned state (one asset or millions: the same arithmetic, so the
results are identical). Indicators are first mapped to ``[0, 1]`` (cohort percentile or an absolute scale, see
``weights.INDICATORS``), then weighted; a missing indicator's weight is spread over the present ones so that the
contributions always add up to the score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Self

import numpy as np
from numpy.typing import NDArray

from ippledge.analytics.cohorts import CohortRanker, cohort_keys
from ippledge.analytics.features import FIRST_YEAR, Columns, raw_features
from ippledge.analytics.weights import DIMENSIONS, FAMILIES, INDICATORS, KEYS, Weights, for_use

F64 = NDArray[np.float64]
RANKED = (
    "claims", "family_size", "forward_citations", "backward_citations", "ipc_scope", "ipc_diversity",
    "revenue_basis", "nice_count",
)  # fmt: skip
ABSOLUTE = tuple(k for k in KEYS if k not in RANKED and k != "industry_growth")
GROWTH_WINDOW = 3  # filings in the last 3 complete years against the 3 before (assumption)


@dataclass
class ScoreBlock:
    """Scores of n assets: raw and normalised indicators (n x K, NaN = missing) and the weighted result."""

    raw: F64
    normalised: F64
    weights: F64  # effective weight per indicator after spreading the missing ones' weight (rows sum to 1)
    contributions: F64  # 100 x weight x normalised (0 where missing); rows sum to ``score``
    dimension_scores: F64  # n x 3, 0-100 within each dimension (NaN where a dimension has no indicator)
    score: F64
    family: NDArray[np.int64]
    features: dict[str, np.ndarray]


class IndicatorScorer:
    """Fit on the universe, then score any subset of it (or new assets) with identical arithmetic."""

    def __init__(self, weights: Weights | None = None, min_cohort: int = 20) -> None:
        self.weights = weights or for_use("finance")
        self.min_cohort = min_cohort

    # --- cohorts ---------------------------------------------------------------------------------------------
    def _class_code(self, feats: dict[str, np.ndarray]) -> NDArray[np.int64]:
        ipc = feats["ipc3"]
        pos = np.searchsorted(self.classes_, ipc)
        pos_c = np.minimum(pos, max(len(self.classes_) - 1, 0))
        hit = (self.classes_[pos_c] == ipc) & (ipc != "") if len(self.classes_) else np.zeros(len(ipc), bool)
        patent_class = np.where(hit, pos_c + 1, 0)
        out: NDArray[np.int64] = np.where(feats["kind"] == 0, patent_class, feats["nice"]).astype(np.int64)
        return out

    def _keys(self, feats: dict[str, np.ndarray]) -> NDArray[np.int64]:
        # Patents: subtype x IPC class x filing year. Marks: Nice class (age is scored absolutely). Copyright: kind.
        year = np.where(feats["kind"] == 0, feats["year"] - FIRST_YEAR, 0)
        return cohort_keys(feats["subtype"], self._class_code(feats), year)

    def fit(self, cols: Columns, as_of: dt.date) -> Self:
        feats = raw_features(cols, as_of)
        self.classes_: np.ndarray = np.unique(feats["ipc3"][feats["ipc3"] != ""])
        keys = self._keys(feats)
        self.rankers_: dict[str, CohortRanker] = {
            k: CohortRanker(self.min_cohort).fit(keys, feats[k].astype(np.float64)) for k in RANKED
        }
        self.growth_: F64 = self._fit_growth(feats, as_of)
        self.as_of_ = as_of
        return self

    def _fit_growth(self, feats: dict[str, np.ndarray], as_of: dt.date) -> F64:
        """Per IPC class: percentile across classes of (recent filings + 1) / (earlier filings + 1)."""
        code = self._class_code(feats)
        patent = feats["kind"] == 0
        age_years = as_of.year - feats["year"]
        recent = patent & (age_years >= 1) & (age_years <= GROWTH_WINDOW)
        earlier = patent & (age_years > GROWTH_WINDOW) & (age_years <= 2 * GROWTH_WINDOW)
        size = len(self.classes_) + 1
        ratio = (np.bincount(code[recent], minlength=size) + 1.0) / (np.bincount(code[earlier], minlength=size) + 1.0)
        order = ratio[1:].argsort(kind="stable").argsort(kind="stable")
        pct = np.full(size, 0.5)
        if size > 1:
            pct[1:] = (order + 0.5) / (size - 1)
        return pct

    # --- scoring ---------------------------------------------------------------------------------------------
    def transform(self, cols: Columns, as_of: dt.date | None = None) -> ScoreBlock:
        feats = raw_features(cols, as_of or self.as_of_)
        n = len(feats["kind"])
        keys = self._keys(feats)
        raw = np.full((n, len(KEYS)), np.nan)
        norm = np.full((n, len(KEYS)), np.nan)
        for j, k in enumerate(KEYS):
            if k == "industry_growth":
                code = self._class_code(feats)
                has = (feats["kind"] == 0) & (code > 0)
                norm[:, j] = np.where(has, self.growth_[code], np.nan)
                raw[:, j] = norm[:, j]
            elif k in RANKED:
                raw[:, j] = feats[k]
                norm[:, j] = self.rankers_[k].transform(keys, feats[k].astype(np.float64))
            else:
                raw[:, j] = feats[k]
                norm[:, j] = feats[k]
        family = feats["kind"].astype(np.int64)
        return self._weigh(raw, norm, family, feats)

    def _weigh(self, raw: F64, norm: F64, family: NDArray[np.int64], feats: dict[str, np.ndarray]) -> ScoreBlock:
        table = np.array([[self.weights.flat(f).get(k, 0.0) for k in KEYS] for f in FAMILIES])
        w = table[np.clip(family, 0, len(FAMILIES) - 1)]
        present = ~np.isnan(norm)
        w = np.where(present, w, 0.0)
        total = w.sum(axis=1, keepdims=True)
        w = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
        x = np.where(present, norm, 0.0)
        contributions = 100.0 * w * x
        score = contributions.sum(axis=1)
        dims = np.full((len(score), len(DIMENSIONS)), np.nan)
        for d, dim in enumerate(DIMENSIONS):
            cols = [j for j, k in enumerate(KEYS) if INDICATORS[k][0] == dim]
            wd = w[:, cols].sum(axis=1)
            sd = contributions[:, cols].sum(axis=1)
            dims[:, d] = np.divide(sd, wd, out=np.full_like(sd, np.nan), where=wd > 0)
        return ScoreBlock(raw, norm, w, contributions, dims, score, family, feats)
