"""The pool's outlook (资金池前景) for the fund's console page: next year's loss distribution and the balance year by
year, from the Monte Carlo of the live enrolled book (``book_case``) with a fixed seed and a modest scenario count.

Assumptions, stated beside the chart: the enrolled book stays as it is today every year (no amortisation, no new
loans, no top-ups of the pool), PD by grade from ``PD_BY_GRADE``, LGD at each decision's forced-sale value (``lgd``
where none was recorded), one common factor with correlation ``rho``. Only the scheme's fund, the platform and the
regulator may read it (anyone else gets 404, as for ``POST /risk-simulations``).

The run is a pure function of the portfolio, the scheme's waterfall and the seed, so its answer is kept in memory per
fingerprint of exactly those inputs (the last :data:`KEEP`): a second look at an unchanged book costs only the reads,
and any change to the book, the grades, the pool balance or the scheme runs it afresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.risk_sharing.errors import BOOK_NOT_FOUND
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.simulation.book import book_case
from ippledge.risk_sharing.simulation.simulate import Case

RHO, LGD, SCENARIOS, YEARS, SEED, BINS = 0.15, 0.6, 2_000, 5, 2026, 20  # the demo's rho and LGD (demo/risk.py)
KEEP = 32


@dataclass(frozen=True)
class PoolOutlook:
    """Floats in yuan: a simulation's statistics, never booked."""

    scheme_code: str
    as_of: dt.date
    loans: int
    exposure: float
    fund_initial: float
    rho: float
    lgd: float
    scenarios: int
    seed: int
    loss_edges: list[float]  # the histogram of the fund's share of next year's losses: BINS + 1 edges
    loss_counts: list[int]
    expected_loss: float
    loss_q95: float
    loss_q99: float
    balance_mean: list[float]  # at each year's end, year 1 first
    balance_p5: list[float]
    balance_p95: list[float]
    p_dry: list[float]  # P(the pool has run dry by that year's end)


def pool_outlook(
    session: Session,
    principal: Principal,
    scheme_code: str,
    as_of: dt.date,
    *,
    years: int = YEARS,
    scenarios: int = SCENARIOS,
    seed: int = SEED,
) -> PoolOutlook | None:
    """The outlook of the scheme's pool; ``None`` when no live loan is enrolled."""
    pool = pools.pool(session, scheme_code)
    if principal.party_id != pool.fund_id and principal.party_kind not in pools.OVERSEERS:
        raise BOOK_NOT_FOUND(code=scheme_code)
    case = book_case(session, scheme_code, rho=RHO, lgd=LGD, scenarios=scenarios, seed=seed, as_of=as_of)
    if not case.inputs["loans"]:
        return None
    case = replace(case, config=replace(case.config, years=years))
    key = _fingerprint(case, as_of)
    if key in _KEPT:
        _KEPT.move_to_end(key)
        return _KEPT[key]
    out = _run(case, scheme_code, as_of, years, scenarios, seed)
    _KEPT[key] = out
    while len(_KEPT) > KEEP:
        _KEPT.popitem(last=False)
    return out


_KEPT: OrderedDict[bytes, PoolOutlook] = OrderedDict()


def _fingerprint(case: Case, as_of: dt.date) -> bytes:
    """Every input the run's numbers depend on (the arrays by their bytes), and the day it is shown for."""
    h = hashlib.sha256()
    p, w = case.portfolio, case.waterfall
    for a in (p.count, p.pd, p.exposure, p.lgd, p.tier, w.shares, w.per_loan_cap):
        h.update(a.tobytes())
        h.update(b"|")
    h.update(repr((w.parties, w.fund, w.overflow, w.annual_cap, w.fund_initial, w.fund_contribution)).encode())
    h.update(repr((w.limited_to_fund, case.config, case.seed, as_of, sorted(case.inputs.items()))).encode())
    return h.digest()


def _run(case: Case, scheme_code: str, as_of: dt.date, years: int, scenarios: int, seed: int) -> PoolOutlook:
    result = case.run()
    year1 = result.fund_demand[:, 0]
    counts, edges = np.histogram(year1, bins=BINS)
    start = float(case.inputs["fund_initial"])
    paid = np.cumsum(result.fund_paid, axis=1) - result.fund_contribution * np.arange(years)
    balance = np.maximum(start - paid, 0.0)
    return PoolOutlook(
        scheme_code=scheme_code,
        as_of=as_of,
        loans=int(case.inputs["loans"]),
        exposure=float(case.inputs["exposure_total"]),
        fund_initial=start,
        rho=RHO,
        lgd=LGD,
        scenarios=scenarios,
        seed=seed,
        loss_edges=[float(x) for x in edges],
        loss_counts=[int(x) for x in counts],
        expected_loss=float(year1.mean()),
        loss_q95=float(np.quantile(year1, 0.95)),
        loss_q99=float(np.quantile(year1, 0.99)),
        balance_mean=[float(x) for x in balance.mean(axis=0)],
        balance_p5=[float(x) for x in np.quantile(balance, 0.05, axis=0)],
        balance_p95=[float(x) for x in np.quantile(balance, 0.95, axis=0)],
        p_dry=result.p_dry_by_year(),
    )
