"""Reference simulation, loan by loan (逐笔模拟): the straightforward method the bucketed one is checked against.

Each scenario draws the factor Z and one idiosyncratic normal per loan, so the work is O(scenarios x loans). Same
model as :mod:`ippledge.analytics.risk_sim`, but without buckets: every loan keeps its own PD, exposure and LGD, and
every defaulted loan draws its own LGD and goes through the capped split. ``block`` scenarios are vectorised at a time
(``block=1`` is the per-scenario loop the benchmark uses as its baseline).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ippledge.analytics.normal import norm_ppf
from ippledge.analytics.risk_portfolio import Waterfall, conditional_lgd
from ippledge.analytics.risk_sim import _EPS, SimConfig, SimResult, _fund_path


def simulate_exact(
    pd: ArrayLike,
    exposure: ArrayLike,
    lgd: ArrayLike,
    tier: ArrayLike,
    waterfall: Waterfall,
    config: SimConfig,
    seed: int | np.random.Generator,
    *,
    block: int = 256,
    scenarios: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimResult:
    """Per-loan Monte Carlo; ``scenarios`` overrides ``config.scenarios`` (the benchmark times a sample)."""
    waterfall.check()
    config.check()
    pd_a, ex_a, lgd_a = (np.asarray(a, dtype=np.float64) for a in (pd, exposure, lgd))
    tier_a = np.asarray(tier, dtype=np.int64)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    s, y, n_loans, n_parties = scenarios or config.scenarios, config.years, len(pd_a), len(waterfall.parties)
    threshold, probit = norm_ppf(pd_a), norm_ppf(np.clip(lgd_a, 1e-12, 1 - 1e-12))
    a, b = np.sqrt(config.rho), np.sqrt(1.0 - config.rho)
    party, total = np.zeros((s, y, n_parties)), np.zeros((s, y))
    for lo in range(0, s, block):
        n = min(block, s - lo)
        z = rng.standard_normal((n, y, 1))
        defaulted = a * z + b * rng.standard_normal((n, y, n_loans)) < threshold
        cell, loan = np.nonzero(defaulted.reshape(n * y, n_loans))
        m = conditional_lgd(lgd_a, config.rho_lgd, z, probit).reshape(n * y, -1)
        mj = m[cell, loan] if m.shape[1] == n_loans else m[cell, 0]
        if config.lgd_concentration is not None:
            c = config.lgd_concentration
            mj = rng.beta(np.clip(mj, _EPS, 1 - _EPS) * c, np.clip(1 - mj, _EPS, 1) * c)
        loss = ex_a[loan] * mj
        raw = loss[:, None] * waterfall.shares[tier_a[loan]]
        capped = np.minimum(raw, waterfall.per_loan_cap[None, :])
        capped[:, waterfall.overflow] += (raw - capped).sum(axis=1)
        block_party = np.zeros((n * y, n_parties))
        np.add.at(block_party, cell, capped)
        party[lo : lo + n] = block_party.reshape(n, y, n_parties)
        total[lo : lo + n] = np.bincount(cell, weights=loss, minlength=n * y).reshape(n, y)
        if progress is not None:
            progress(n)
    demand, paid, dry = _fund_path(party, waterfall)
    return SimResult(
        waterfall.parties,
        party,
        total,
        demand,
        paid,
        dry,
        float(ex_a.sum()),
        waterfall.fund_contribution,
    )
