"""Portfolio buckets and the numeric loss waterfall (组合分桶与损失分担瀑布) for the risk simulation.

**Buckets.** Conditional on the systematic factor Z, loans default independently, so the number of defaults among
``n`` loans of equal PD is ``Binomial(n, p(Z))``: one draw per bucket and scenario instead of one per loan. A
heterogeneous book is grouped by (PD grade, exposure band, LGD class, tier); inside a bucket PD, exposure and LGD
are replaced by means (PD and LGD by the means of their whole grade and class, so p(Z) and LGD(Z) are computed
once per grade and class, not per bucket). The expected number of defaults is preserved, and the expected loss
where PD and exposure are uncorrelated inside a grade; what is lost is the spread of PD, exposure and LGD inside a
bucket, which the grid widths bound (5% relative in PD, 20% in exposure, 0.1 in LGD by default).
``tests/analytics/test_risk_sim.py`` measures the error against the per-loan draw of
:mod:`ippledge.analytics.risk_sim_exact`.

**Waterfall.** The scheme's split is linear in the loss within a tier, so each bucket's loss is shared by a matrix
product with the tier shares. Per-loan caps are not linear: buckets where a cap can bind are drawn loan by loan.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ippledge.analytics.normal import norm_cdf_fast, norm_ppf

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@dataclass(frozen=True)
class Portfolio:
    """Loans in buckets: ``count`` loans with annual ``pd``, balance at default ``exposure``, mean ``lgd``, ``tier``."""

    count: I64
    pd: F64
    exposure: F64
    lgd: F64
    tier: I64

    @classmethod
    def homogeneous(cls, n: int, pd: float, lgd: float, exposure: float = 1.0, tier: int = 0) -> Portfolio:
        return cls(np.array([n]), np.array([pd]), np.array([exposure]), np.array([lgd]), np.array([tier]))

    @property
    def n_loans(self) -> int:
        return int(self.count.sum())

    @property
    def total_exposure(self) -> float:
        return float((self.count * self.exposure).sum())

    def check(self) -> None:
        n = len(self.count)
        if not all(len(a) == n for a in (self.pd, self.exposure, self.lgd, self.tier)):
            raise ValueError("portfolio arrays must have equal length")
        if np.any(self.count < 0) or np.any((self.pd < 0) | (self.pd > 1)) or np.any((self.lgd < 0) | (self.lgd > 1)):
            raise ValueError("counts must be >= 0, PD and LGD within [0, 1]")
        if np.any(self.exposure < 0):
            raise ValueError("exposures must be >= 0")


def _grade(x: F64, rel_step: float) -> I64:
    out: I64 = np.floor(np.log(np.maximum(x, 1e-300)) / np.log1p(rel_step)).astype(np.int64)
    return out


def _class_mean(key: I64, values: F64) -> F64:
    """Each element's class mean: one PD per grade, one LGD per class, so p(Z) and LGD(Z) are computed per class."""
    _, of, n = np.unique(key, return_inverse=True, return_counts=True)
    out: F64 = (np.bincount(of, weights=values) / n)[of]
    return out


def bucket_loans(
    pd: ArrayLike,
    exposure: ArrayLike,
    lgd: ArrayLike,
    tier: ArrayLike | None = None,
    *,
    pd_step: float = 0.05,
    exposure_step: float = 0.20,
    lgd_step: float = 0.10,
) -> Portfolio:
    """Group per-loan arrays into buckets (geometric PD and exposure grids, linear LGD grid, exact tier)."""
    pd_a, ex_a, lgd_a = (np.asarray(a, dtype=np.float64) for a in (pd, exposure, lgd))
    tier_a = np.zeros(len(pd_a), dtype=np.int64) if tier is None else np.asarray(tier, dtype=np.int64)
    pd_grade, lgd_class = _grade(pd_a, pd_step), np.floor(lgd_a / lgd_step).astype(np.int64)
    keys = np.stack([pd_grade, _grade(ex_a, exposure_step), lgd_class, tier_a])
    _, inverse, counts = np.unique(keys, axis=1, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    grade_pd, class_lgd = _class_mean(pd_grade, pd_a), _class_mean(lgd_class, lgd_a)

    def mean(values: F64) -> F64:
        return np.bincount(inverse, weights=values) / counts

    tiers, pds, lgds = np.zeros(len(counts), dtype=np.int64), np.zeros(len(counts)), np.zeros(len(counts))
    # equal within a bucket; copied, not averaged, so that equal values stay bit-equal for np.unique
    tiers[inverse], pds[inverse], lgds[inverse] = tier_a, grade_pd, class_lgd
    return Portfolio(counts.astype(np.int64), pds, mean(ex_a), lgds, tiers)


def conditional_pd(pd: F64, rho: float, z: Any, threshold: Any = None, cdf: Callable[[Any], Any] | None = None) -> Any:
    """Vasicek: ``p(Z) = Phi((Phi^-1(PD) - sqrt(rho) Z) / sqrt(1 - rho))``; ``z`` broadcasts against ``pd``.

    ``threshold`` = ``Phi^-1(PD)`` when the caller has it already (the simulation computes it once, not per chunk);
    ``cdf`` evaluates Phi on another backend's arrays (:mod:`ippledge.analytics.backend`).
    """
    c = norm_ppf(pd) if threshold is None else threshold
    return (cdf or norm_cdf_fast)((c - math.sqrt(rho) * z) / math.sqrt(1.0 - rho))


def conditional_lgd(
    lgd: Any, rho_lgd: float, z: Any, probit: Any = None, cdf: Callable[[Any], Any] | None = None
) -> Any:
    """Mean LGD given Z: the same probit form, so that ``E[LGD(Z)] = LGD`` and LGD rises when Z is bad.

    ``probit`` = ``Phi^-1(LGD)`` when already known. Written with operators only, so that it runs on any backend.
    """
    if rho_lgd <= 0.0:
        return lgd + 0.0 * z  # unchanged, in the broadcast shape
    c = norm_ppf(np.clip(lgd, 1e-12, 1 - 1e-12)) if probit is None else probit
    out = (cdf or norm_cdf_fast)((c - math.sqrt(rho_lgd) * z) / math.sqrt(1.0 - rho_lgd))
    edge = (lgd <= 0) | (lgd >= 1)  # an LGD of 0 or 1 stays what it is
    return out * ~edge + lgd * edge


@dataclass(frozen=True)
class Waterfall:
    """A scheme in numbers: ``shares[tier, party]`` (fractions summing to 1 per tier) and the caps in CNY.

    ``annual_cap`` is the fund's yearly limit (the smaller of the annual budget and the per-institution cap: the
    simulated book is one bank's). ``fund_initial`` is the fund balance at the start (``inf``: untracked);
    ``fund_contribution`` is added at the start of every later year; with ``limited_to_fund`` the fund never pays
    more than its balance, and what it cannot pay falls to ``overflow``.
    """

    parties: tuple[str, ...]
    shares: F64
    fund: int
    overflow: int
    per_loan_cap: F64
    annual_cap: float = float("inf")
    fund_initial: float = float("inf")
    fund_contribution: float = 0.0
    limited_to_fund: bool = False

    def check(self) -> None:
        if self.shares.ndim != 2 or self.shares.shape[1] != len(self.parties):
            raise ValueError("shares must be (tiers, parties)")
        if not np.allclose(self.shares.sum(axis=1), 1.0) or np.any(self.shares < 0):
            raise ValueError("each tier's shares must be >= 0 and sum to 1")
        if np.isfinite(self.per_loan_cap[self.overflow]):
            raise ValueError("the overflow party must not be capped")

    def shifted(self, from_party: str, to_party: str, fraction: float) -> Waterfall:
        """Move ``fraction`` of the loss from one party to another in every tier (clipped at the donor's share)."""
        i, j = self.parties.index(from_party), self.parties.index(to_party)
        shares = self.shares.copy()
        moved = np.clip(fraction, -shares[:, j], shares[:, i])
        shares[:, i] -= moved
        shares[:, j] += moved
        return replace(self, shares=shares)

    def cap_may_bind(self, portfolio: Portfolio) -> NDArray[np.bool_]:
        """Buckets where a per-loan cap could bind at the worst LGD (1.0): these are drawn loan by loan."""
        worst = self.shares[portfolio.tier] * portfolio.exposure[:, None]
        out: NDArray[np.bool_] = np.any(worst > self.per_loan_cap[None, :], axis=1)
        return out
