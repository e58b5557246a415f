"""Income approach (收益法): relief from royalty (许可费节省法) with a seeded Monte Carlo range.

Value = sum over the remaining economic life of revenue x royalty rate x (1 - tax), growing at ``g`` and discounted
at ``r``: ``base x q (1 - q**L) / (1 - q)`` with ``q = (1 + g) / (1 + r)`` (fractional ``L`` allowed). The royalty
rate starts from a base rate for the technology field (IPC section) or the kind of right and moves with the score;
the remaining economic life is ``min(legal term left, technical life by field - age)`` (DOMAIN.md §6).

Uncertain inputs (royalty rate, growth, discount rate, life) are drawn once per seed as a Latin hypercube of
``draws`` scenarios shared by every asset (common random numbers): an asset valued alone or in a batch of millions
sees the same scenarios, so its range is identical, and ranges of different assets are comparable. Arrays are
assets x draws, processed in chunks to bound memory. Every number here is an assumption, recorded with each result.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]

# Base royalty rates by IPC section (share of product revenue). Assumption from licensing surveys: most technology
# royalties fall in 1-5% of net sales; chemistry/pharma at the top, mechanical at the bottom (25% rule x margins).
SECTION_ROYALTY = {"A": 0.030, "B": 0.025, "C": 0.045, "D": 0.020, "E": 0.020, "F": 0.025, "G": 0.035, "H": 0.035}
# Technical life from filing, years, by IPC section. Assumption: electronics and software age fastest, chemistry and
# pharma last longest; lives of 11-16 years let a patent kept in force past the middle of its term still earn.
SECTION_LIFE = {"A": 15.0, "B": 14.0, "C": 16.0, "D": 12.0, "E": 15.0, "F": 12.0, "G": 12.0, "H": 11.0}
# Per subtype, the one place the model's money scale is set (calibrated to DOMAIN.md §6, §8 and §9: a pledged
# invention is appraised in the high hundreds of thousands to low millions of CNY, the median invention above the
# median utility model and design, software copyrights mostly low-value; see docs/decisions/0009):
# royalty multiplier on the field rate (patents) or base royalty rate (other rights) ...
SUBTYPE_ROYALTY = {
    "invention": 1.0,
    "utility_model": 0.5,
    "design": 0.012,
    "mark": 0.01,
    "software": 0.02,
    "work": 0.01,
}
# ... technical / economic life (inventions: by IPC section above; marks: the brand horizon from today) ...
SUBTYPE_LIFE = {"utility_model": 7.0, "design": 6.0, "mark": 10.0, "software": 5.0, "work": 8.0}
# ... the least residual use of a right its owner still keeps in force (it pays the annuities for a reason) ...
SUBTYPE_MIN_LIFE = {"invention": 3.0, "utility_model": 1.5, "design": 1.0, "mark": 1.0, "software": 1.0, "work": 1.0}
# ... and the share of the owner's revenue carried by products that rely on that kind of right (a firm's registered
# software and works protect a small part of what it sells).
SUBTYPE_REVENUE_SHARE = {
    "invention": 0.6,
    "utility_model": 0.6,
    "design": 0.4,
    "mark": 0.5,
    "software": 0.05,
    "work": 0.03,
}
# Revenue per firm when the profile has none, by size (the simulator's medians; assumption otherwise), CNY.
SIZE_REVENUE = {"micro": 3_000_000.0, "small": 25_000_000.0, "medium": 200_000_000.0, "large": 2_000_000_000.0}


@dataclass(frozen=True)
class IncomeAssumptions:
    tax_rate: float = 0.25  # enterprise income tax (企业所得税法 art. 4)
    discount_rate: float = 0.12  # assumption: ~2% risk-free + equity premium + IP-specific premium
    discount_sd: float = 0.02
    growth: float = 0.03  # assumption: nominal revenue growth of the product line
    growth_sd: float = 0.04
    royalty_sd: float = 0.35  # log-sd of the royalty rate (comparable licences spread widely)
    life_sd: float = 0.25  # log-sd of the economic life
    score_slope: float = 1.2  # royalty multiplier = floor + slope x score/100
    score_floor: float = 0.4
    min_life_years: dict[str, float] = field(default_factory=lambda: dict(SUBTYPE_MIN_LIFE))  # by subtype
    pending_grant_probability: float = 0.6  # assumption: share of invention applications granted
    revenue_share: dict[str, float] = field(default_factory=lambda: dict(SUBTYPE_REVENUE_SHARE))  # by subtype
    # Several rights of one owner read on the same products, each saving its own royalty: the revenue basis is the
    # owner's revenue over ``portfolio ** portfolio_exponent`` rights of the kind, not a linear share (assumption).
    portfolio_exponent: float = 0.7
    default_revenue_yuan: float = 3_000_000.0  # when neither revenue nor size is known (micro-firm median)
    draws: int = 128  # scenarios; a multiple of 8 keeps vectorised maths identical for one asset or many
    section_royalty: dict[str, float] = field(default_factory=lambda: dict(SECTION_ROYALTY))
    section_life: dict[str, float] = field(default_factory=lambda: dict(SECTION_LIFE))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Scenarios:
    """The shared draws of one seed: multipliers of royalty and life, growth and discount rate per draw."""

    royalty: F64
    life: F64
    growth: F64
    discount: F64


def scenarios(a: IncomeAssumptions, seed: int) -> Scenarios:
    """Latin hypercube over four standard normals: each of ``draws`` equal-probability strata is hit exactly once."""
    rng = np.random.default_rng(seed)
    d = a.draws
    u = (rng.permuted(np.tile(np.arange(d), (4, 1)), axis=1) + rng.random((4, d))) / d
    inv = NormalDist().inv_cdf
    z = np.array([[inv(float(p)) for p in row] for row in np.clip(u, 1e-12, 1 - 1e-12)])
    royalty = np.exp(a.royalty_sd * z[0] - a.royalty_sd**2 / 2)  # mean-preserving lognormal
    life = np.exp(a.life_sd * z[1] - a.life_sd**2 / 2)
    growth = a.growth + a.growth_sd * z[2]
    discount = np.maximum(a.discount_rate + a.discount_sd * z[3], growth + 0.02)  # keep r above g
    return Scenarios(royalty, life, growth, discount)


def royalty_rate(a: IncomeAssumptions, subtype: np.ndarray, ipc3: np.ndarray, score: F64) -> F64:
    """Central royalty rate per asset: field base (IPC section) x subtype factor x score multiplier."""
    section = np.asarray(ipc3).astype("U1")
    base = np.full(len(score), 0.03)
    for s, rate in a.section_royalty.items():
        base[section == s] = rate
    out = np.zeros(len(score))
    for i, name in enumerate(("invention", "utility_model", "design", "mark", "software", "work")):
        mine = subtype == i + 1
        factor = SUBTYPE_ROYALTY[name]
        out[mine] = base[mine] * factor if name in ("invention", "utility_model") else factor
    result: F64 = out * (a.score_floor + a.score_slope * score / 100.0)
    return result


def revenue_share(a: IncomeAssumptions, subtype: np.ndarray) -> F64:
    """Share of the owner's revenue that an asset's kind of right protects, per asset."""
    out = np.full(len(subtype), 0.5)
    for i, name in enumerate(("invention", "utility_model", "design", "mark", "software", "work")):
        out[subtype == i + 1] = a.revenue_share.get(name, 0.5)
    return out


def economic_life(a: IncomeAssumptions, subtype: np.ndarray, ipc3: np.ndarray, age: F64, legal_left: F64) -> F64:
    """``min(legal term left, technical life - age)``, at least the subtype's ``min_life_years`` while the right
    lasts."""
    section = np.asarray(ipc3).astype("U1")
    tech = np.full(len(age), 10.0)
    for s, life in a.section_life.items():
        tech[section == s] = life
    for i, name in enumerate(("invention", "utility_model", "design", "mark", "software", "work")):
        if name in SUBTYPE_LIFE:
            tech[subtype == i + 1] = SUBTYPE_LIFE[name]
    floor = np.ones(len(age))
    for i, name in enumerate(("invention", "utility_model", "design", "mark", "software", "work")):
        floor[subtype == i + 1] = a.min_life_years.get(name, 1.0)
    is_mark = subtype == 4  # renewable every 10 years: the brand horizon runs from today, not from filing
    remaining = np.where(is_mark, tech, tech - age)
    central = np.minimum(np.maximum(remaining, floor), np.where(is_mark, tech, legal_left))
    out: F64 = np.where(legal_left > 0, central, 0.0)
    return out


def annuity(q: F64, life: F64) -> F64:
    """Sum of ``q**k`` for k = 1 .. life, continuous in ``life`` (reference form; ``value_range`` inlines it)."""
    near = np.abs(1.0 - q) < 1e-9
    safe = np.where(near, 0.5, q)
    out: F64 = np.where(near, life, safe * (1.0 - np.exp(life * np.log(safe))) / (1.0 - safe))
    return out


def value_range(sc: Scenarios, base: F64, life: F64, cap: F64, chunk: int = 32_768) -> tuple[F64, F64, F64, F64]:
    """P10, P50, P90 and mean of the value per asset (yuan); ``base`` = revenue x royalty x (1 - tax) per year,
    ``life`` the central economic life and ``cap`` the most it can stretch to (the legal term left).

    The draws of an asset depend on ``(life, cap)`` only, up to the factor ``base``: the distribution is computed
    once per distinct pair (all marks share one) and scaled, which is exact arithmetic-wise for any batch size.
    """
    pairs, inverse = np.unique(np.stack([life, cap], axis=1), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    q = (1.0 + sc.growth) / (1.0 + sc.discount)  # r > g + 0.02 so q < 1 strictly
    log_q = np.log(q)
    scale = sc.royalty * q / (1.0 - q)
    m = len(pairs)
    unit = np.zeros((4, m))
    for start in range(0, m, chunk):
        s = slice(start, min(m, start + chunk))
        draws = pairs[s, 0, None] * sc.life[None, :]
        np.minimum(draws, pairs[s, 1, None], out=draws)
        draws *= log_q[None, :]
        np.exp(draws, out=draws)
        np.subtract(1.0, draws, out=draws)
        draws *= scale[None, :]  # = royalty multiplier x annuity factor per draw
        unit[3, s] = draws.mean(axis=1)
        draws.partition(_kth(draws.shape[1]), axis=1)
        unit[0:3, s] = _quantiles(draws)
    per = unit[:, inverse] * base[None, :]
    return per[0], per[1], per[2], per[3]


def _kth(d: int) -> list[int]:
    """Positions that must be in place for P10, P50, P90 by linear interpolation."""
    low = [int(np.floor(p * (d - 1))) for p in (0.1, 0.5, 0.9)]
    return sorted({k for lo in low for k in (lo, min(lo + 1, d - 1))})


def _quantiles(draws: F64) -> F64:
    """P10, P50, P90 of each row of partitioned (or sorted) draws, NumPy's default linear interpolation."""
    d = draws.shape[1]
    out = np.zeros((3, draws.shape[0]))
    for k, p in enumerate((0.1, 0.5, 0.9)):
        pos = p * (d - 1)
        lo = int(np.floor(pos))
        frac = pos - lo
        out[k] = draws[:, lo] + (draws[:, min(lo + 1, d - 1)] - draws[:, lo]) * frac
    return out
