"""Cohort normalisation (同组归一化): a raw indicator becomes its percentile within its cohort.

OECD patent quality indicators are compared within cohorts of technology field x filing year (DOMAIN.md §6): a
patent filed in 2010 has had 15 years to be cited, one filed in 2023 two. ``CohortRanker`` learns, per cohort, the
sorted reference values of one indicator and returns the mid-rank percentile ``(#below + #equal / 2) / n`` in
``[0, 1)``. Everything is sort/search based: one ``np.argsort`` (lexsort on ``cohort, value``) to fit and two
``np.searchsorted`` calls to transform, whatever the number of assets or cohorts; no Python loop over assets.

Cohort keys are non-negative integers (``cohort_keys`` builds them). Cohorts with fewer than ``min_size`` members
are too small to rank within: they are pooled into one cohort per family and year that holds all the small classes
of that year (class slot 0), which is how small technology fields are usually pooled.
Values are compared after rounding to ``1 / scale`` (exact ties for counts; stable results for ratios).
"""

from __future__ import annotations

from typing import Self

import numpy as np
from numpy.typing import NDArray

# Key layout: ((family * CLASS_SLOTS) + class) * YEAR_SLOTS + year_slot. Class 0 is "all classes".
CLASS_SLOTS = 4096
YEAR_SLOTS = 128
_SHIFT = 32  # composite = key << 32 | value (values are offset into 0 .. 2**32)
_OFFSET = 1 << 31


def cohort_keys(family: NDArray[np.int64], klass: NDArray[np.int64], year_slot: NDArray[np.int64]) -> NDArray[np.int64]:
    """One integer per asset for its cohort (family x class x filing year); ``klass`` 0 means "all classes"."""
    k = (family.astype(np.int64) * CLASS_SLOTS + np.clip(klass, 0, CLASS_SLOTS - 1)) * YEAR_SLOTS
    out: NDArray[np.int64] = k + np.clip(year_slot, 0, YEAR_SLOTS - 1)
    return out


def coarse(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """The same family and year with the class dropped (class slot 0)."""
    year = keys % YEAR_SLOTS
    family = keys // (CLASS_SLOTS * YEAR_SLOTS)
    out: NDArray[np.int64] = family * CLASS_SLOTS * YEAR_SLOTS + year
    return out


class CohortRanker:
    """Estimator: ``fit(keys, values)`` learns per-cohort sorted values; ``transform`` gives mid-rank percentiles.

    NaN values are ignored when fitting and give NaN when transforming (a missing indicator stays missing).
    """

    def __init__(self, min_size: int = 20, scale: float = 1000.0) -> None:
        self.min_size = min_size
        self.scale = scale

    def _quantise(self, values: NDArray[np.float64]) -> NDArray[np.int64]:
        q = np.rint(np.nan_to_num(values, nan=0.0) * self.scale)
        out: NDArray[np.int64] = np.clip(q, -_OFFSET, _OFFSET - 1).astype(np.int64) + _OFFSET
        return out

    def _resolve(self, keys: NDArray[np.int64]) -> NDArray[np.int64]:
        """Keys of cohorts kept at fit time stay; the others fall back to their coarse cohort."""
        pos = np.searchsorted(self.kept_, keys)
        found = self.kept_[np.minimum(pos, len(self.kept_) - 1)] == keys if len(self.kept_) else np.zeros_like(keys)
        out: NDArray[np.int64] = np.where(found.astype(bool), keys, coarse(keys))
        return out

    def fit(self, keys: NDArray[np.int64], values: NDArray[np.float64]) -> Self:
        ok = ~np.isnan(values)
        keys, values = keys[ok], values[ok]
        fine, counts = np.unique(keys, return_counts=True)
        self.kept_: NDArray[np.int64] = fine[counts >= self.min_size]
        resolved = self._resolve(keys)
        composite = (resolved << _SHIFT) | self._quantise(values)
        self.reference_: NDArray[np.int64] = np.sort(composite, kind="stable")
        self.cohorts_, self.starts_, self.sizes_ = _cohort_table(self.reference_ >> _SHIFT)
        return self

    def transform(self, keys: NDArray[np.int64], values: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.full(len(values), np.nan)
        present = np.flatnonzero(~np.isnan(values))
        if len(present) == len(values):
            return self._percentile(keys, values)
        out[present] = self._percentile(keys[present], values[present])
        return out

    def _percentile(self, keys: NDArray[np.int64], values: NDArray[np.float64]) -> NDArray[np.float64]:
        missing = np.isnan(values)
        resolved = self._resolve(keys)
        composite = (resolved << _SHIFT) | self._quantise(values)
        below = np.searchsorted(self.reference_, composite, side="left")
        upto = np.searchsorted(self.reference_, composite, side="right")
        idx = np.searchsorted(self.cohorts_, resolved)
        idx_c = np.minimum(idx, max(len(self.cohorts_) - 1, 0))
        known = (
            (idx < len(self.cohorts_)) & (self.cohorts_[idx_c] == resolved) if len(self.cohorts_) else missing & False
        )
        start = np.where(known, self.starts_[idx_c] if len(self.starts_) else 0, 0)
        size = np.where(known, self.sizes_[idx_c] if len(self.sizes_) else 1, 1)
        pct = ((below - start) + 0.5 * (upto - below)) / size
        # An unknown cohort (nothing like it at fit time) gets the neutral middle.
        out: NDArray[np.float64] = np.where(missing, np.nan, np.where(known, pct, 0.5))
        return out

    def fit_transform(self, keys: NDArray[np.int64], values: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.fit(keys, values).transform(keys, values)


def _cohort_table(
    cohort_of_reference: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    cohorts, starts, sizes = np.unique(cohort_of_reference, return_index=True, return_counts=True)
    return cohorts.astype(np.int64), starts.astype(np.int64), sizes.astype(np.int64)
