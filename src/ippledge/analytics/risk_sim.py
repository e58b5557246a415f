"""Monte Carlo of a loan book under a risk-sharing scheme (风险分担组合模拟): who loses what; when the fund runs dry.

Model (one-factor Gaussian copula, Vasicek): each year y of each scenario draws a systematic factor ``Z ~ N(0, 1)``
(independent across years); loan i defaults in the year when ``sqrt(rho) Z + sqrt(1 - rho) e_i < Phi^-1(PD_i)``, so
given Z defaults are independent with probability ``p_i(Z)``. The book is static (defaulted loans are replaced,
an assumption that keeps the yearly PD constant). Collateral recoveries move with the same factor: the mean LGD given
Z is ``Phi((Phi^-1(LGD) - sqrt(rho_lgd) Z) / sqrt(1 - rho_lgd))`` (unchanged on average, worse in bad years), and,
with ``lgd_concentration`` c, a defaulted loan's LGD is ``Beta(m c, (1 - m) c)`` around that mean.

Speed: defaults are drawn as one ``Binomial(count, p(Z))`` per bucket and scenario (see
:mod:`ippledge.analytics.risk_portfolio`); the mean LGD of k defaults is drawn as one Beta with the exact mean and
variance of the mean of k Betas (concentration ``k (c + 1) - 1``). Work is O(scenarios x buckets), split into chunks
of scenarios (bounded memory) run on ``workers`` threads (NumPy's generators release the GIL). Every chunk has its
own generator spawned from the seed, so results depend on the seed and the chunking, never on the thread count.

Fund: the fund's share is capped at ``annual_cap`` per year; the fund starts with ``fund_initial`` and receives
``fund_contribution`` at the start of each later year. It *runs dry* in the first year it cannot pay its share in
full; with ``limited_to_fund`` the unpaid part falls to the overflow party (the bank).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ippledge.analytics.normal import norm_cdf, norm_ppf
from ippledge.analytics.risk_portfolio import F64, I64, Portfolio, Waterfall, conditional_lgd, conditional_pd

_EPS = 1e-9


@dataclass(frozen=True)
class SimConfig:
    rho: float  # asset correlation
    scenarios: int
    years: int = 1
    rho_lgd: float = 0.0  # loading of the LGD mean on the factor
    lgd_concentration: float | None = None  # Beta concentration c; None: LGD equals its conditional mean
    chunk_size: int | None = None  # scenarios per chunk; None: sized to about a million cells
    workers: int = 2

    def check(self) -> None:
        if not 0.0 <= self.rho < 1.0 or not 0.0 <= self.rho_lgd < 1.0:
            raise ValueError("rho and rho_lgd must be in [0, 1)")
        if self.scenarios < 1 or self.years < 1 or self.workers < 1:
            raise ValueError("scenarios, years and workers must be positive")
        if self.lgd_concentration is not None and self.lgd_concentration <= 0:
            raise ValueError("lgd_concentration must be positive")


@dataclass(frozen=True)
class SimResult:
    """Per-scenario outcomes: ``party_loss[s, y, p]`` after every cap, ``fund_demand``/``fund_paid[s, y]``."""

    parties: tuple[str, ...]
    party_loss: F64
    portfolio_loss: F64  # (scenarios, years), all parties together
    fund_demand: F64  # the fund's share after the annual cap, before the balance limit
    fund_paid: F64
    dry_year: I64  # first year (1-based) the fund could not pay in full; 0 = never
    total_exposure: float
    fund_contribution: float

    def party_totals(self) -> F64:
        out: F64 = self.party_loss.sum(axis=1)
        return out

    def expected_loss(self) -> dict[str, float]:
        return dict(zip(self.parties, self.party_totals().mean(axis=0).tolist(), strict=True))

    def quantile(self, q: float) -> dict[str, float]:
        return dict(zip(self.parties, np.quantile(self.party_totals(), q, axis=0).tolist(), strict=True))

    def p_fund_dry(self) -> float:
        return float(np.mean(self.dry_year > 0))

    def p_dry_by_year(self) -> list[float]:
        years = self.fund_demand.shape[1]
        return [float(np.mean((self.dry_year > 0) & (self.dry_year <= y))) for y in range(1, years + 1)]

    def required_fund(self, solvency: float) -> float:
        """Smallest starting balance that pays every year's share in full in a ``solvency`` share of scenarios."""
        years = self.fund_demand.shape[1]
        need = np.cumsum(self.fund_demand, axis=1) - self.fund_contribution * np.arange(years)
        return float(np.quantile(np.maximum(need.max(axis=1), 0.0), solvency))

    def summary(self, quantiles: Iterable[float] = (0.99, 0.999), solvency: float = 0.99) -> dict[str, Any]:
        qs = tuple(quantiles)
        el, by_q = self.expected_loss(), {q: self.quantile(q) for q in qs}
        return {
            "scenarios": int(self.party_loss.shape[0]),
            "years": int(self.party_loss.shape[1]),
            "total_exposure": self.total_exposure,
            "parties": {p: {"expected_loss": el[p], **{f"q{q:g}": by_q[q][p] for q in qs}} for p in self.parties},
            "portfolio": {
                "expected_loss": float(self.portfolio_loss.sum(axis=1).mean()),
                **{f"q{q:g}": float(np.quantile(self.portfolio_loss.sum(axis=1), q)) for q in qs},
            },
            "fund": {
                "p_dry": self.p_fund_dry(),
                "p_dry_by_year": self.p_dry_by_year(),
                "solvency": solvency,
                "required_fund": self.required_fund(solvency),
            },
        }


def vasicek_quantile(pd: float, rho: float, lgd: float, q: float) -> float:
    """Large-portfolio loss fraction at level q: ``LGD Phi((Phi^-1(PD) + sqrt(rho) Phi^-1(q)) / sqrt(1 - rho))``."""
    arg = (norm_ppf(pd) + np.sqrt(rho) * norm_ppf(q)) / np.sqrt(1.0 - rho)
    return float(lgd * norm_cdf(arg))


def _mean_lgd_of_k(rng: np.random.Generator, k: I64, m: F64, conc: float | None) -> F64:
    """Mean LGD of k defaults: a Beta matching the mean and variance of the mean of k Beta(m c, (1-m) c)."""
    if conc is None:
        return m
    out = m.copy()
    hit = k > 0
    mm = np.clip(m[hit], _EPS, 1 - _EPS)
    ck = k[hit] * (conc + 1.0) - 1.0
    out[hit] = rng.beta(mm * ck, (1.0 - mm) * ck)
    return out


def _per_loan(
    rng: np.random.Generator, k: I64, m: F64, port: Portfolio, wf: Waterfall, conc: float | None
) -> tuple[F64, F64]:
    """Buckets where a per-loan cap may bind: one LGD and one capped split per defaulted loan."""
    cells, nb = k.shape[0] * k.shape[1], k.shape[2]
    flat = k.reshape(-1)
    cell = np.repeat(np.arange(flat.size), flat)
    bucket = cell % nb
    mj = m.reshape(-1)[cell]
    lgd = mj if conc is None else rng.beta(np.clip(mj, _EPS, 1 - _EPS) * conc, np.clip(1 - mj, _EPS, 1) * conc)
    loss = port.exposure[bucket] * lgd
    raw = loss[:, None] * wf.shares[port.tier[bucket]]
    capped = np.minimum(raw, wf.per_loan_cap[None, :])
    capped[:, wf.overflow] += (raw - capped).sum(axis=1)
    row = cell // nb
    party: F64 = np.stack([np.bincount(row, capped[:, p], cells) for p in range(len(wf.parties))], -1).astype(float)
    total: F64 = np.bincount(row, weights=loss, minlength=cells).astype(float)
    return party.reshape(*k.shape[:2], -1), total.reshape(k.shape[:2])


def _fund_path(party: F64, wf: Waterfall) -> tuple[F64, F64, I64]:
    """Apply the annual cap and the fund balance year by year; ``party`` is changed in place."""
    f, o = wf.fund, wf.overflow
    demand = np.minimum(party[..., f], wf.annual_cap)
    party[..., o] += party[..., f] - demand
    paid = demand.copy()
    dry = np.zeros(party.shape[0], dtype=np.int64)
    if np.isfinite(wf.fund_initial):
        balance = np.full(party.shape[0], wf.fund_initial)
        for y in range(party.shape[1]):
            balance += wf.fund_contribution if y else 0.0
            short = demand[:, y] > balance + 1e-6
            dry[(dry == 0) & short] = y + 1
            if wf.limited_to_fund:
                paid[:, y] = np.minimum(demand[:, y], np.maximum(balance, 0.0))
            balance -= paid[:, y]
    party[..., f] = paid
    party[..., o] += demand - paid
    return demand, paid, dry


@dataclass(frozen=True)
class _Classes:
    """Distinct PDs and LGDs with their probits, computed once per run: p(Z) and LGD(Z) are evaluated per class."""

    pd: F64
    pd_index: I64
    pd_probit: F64
    lgd: F64
    lgd_index: I64
    lgd_probit: F64

    @classmethod
    def of(cls, port: Portfolio) -> _Classes:
        pd, pd_index = np.unique(port.pd, return_inverse=True)
        lgd, lgd_index = np.unique(port.lgd, return_inverse=True)
        return cls(pd, pd_index, norm_ppf(pd), lgd, lgd_index, norm_ppf(np.clip(lgd, 1e-12, 1 - 1e-12)))


def _chunk(
    rng: np.random.Generator, n: int, port: Portfolio, wf: Waterfall, cfg: SimConfig, cl: _Classes
) -> tuple[Any, ...]:
    z = rng.standard_normal((n, cfg.years, 1))
    k = rng.binomial(port.count, conditional_pd(cl.pd, cfg.rho, z, cl.pd_probit)[..., cl.pd_index])
    m = conditional_lgd(cl.lgd, cfg.rho_lgd, z, cl.lgd_probit)[..., cl.lgd_index]
    exact = wf.cap_may_bind(port)
    lin = ~exact
    loss = k[..., lin] * port.exposure[lin] * _mean_lgd_of_k(rng, k[..., lin], m[..., lin], cfg.lgd_concentration)
    party = loss @ wf.shares[port.tier[lin]]
    total = loss.sum(axis=-1)
    if exact.any():
        sub = Portfolio(port.count[exact], port.pd[exact], port.exposure[exact], port.lgd[exact], port.tier[exact])
        p_e, t_e = _per_loan(rng, k[..., exact], m[..., exact], sub, wf, cfg.lgd_concentration)
        party, total = party + p_e, total + t_e
    demand, paid, dry = _fund_path(party, wf)
    return party, total, demand, paid, dry


# Runs ``fn(*task, *shared)`` for every task elsewhere (a cluster), ``shared`` sent once; yields results in order.
TaskMapper = Callable[[Callable[..., Any], Sequence[Any], Sequence[tuple[Any, ...]]], Iterator[Any]]


def simulate(
    portfolio: Portfolio,
    waterfall: Waterfall,
    config: SimConfig,
    seed: int | np.random.Generator,
    progress: Callable[[int], None] | None = None,
    mapper: TaskMapper | None = None,
) -> SimResult:
    """Run the simulation; ``progress(n)`` is called with the scenarios finished by each chunk.

    ``mapper`` runs the chunks on a cluster (``ippledge.cluster.dask_tasks``); each chunk keeps its own generator
    spawned from the seed, so the numbers are the same wherever the chunks run.
    """
    portfolio.check()
    waterfall.check()
    config.check()
    s, y, p = config.scenarios, config.years, len(waterfall.parties)
    size = config.chunk_size or max(256, 1_000_000 // (y * max(len(portfolio.count), 1)))
    starts = list(range(0, s, size))
    root = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    rngs = root.spawn(len(starts))
    classes = _Classes.of(portfolio)
    party, total = np.empty((s, y, p)), np.empty((s, y))
    demand, paid, dry = np.empty((s, y)), np.empty((s, y)), np.empty(s, dtype=np.int64)

    def store(i: int, out: tuple[Any, ...]) -> None:
        lo = starts[i]
        n = min(size, s - lo)
        for target, value in zip((party, total, demand, paid, dry), out, strict=True):
            target[lo : lo + n] = value
        if progress is not None:
            progress(n)

    def run(i: int) -> None:
        n = min(size, s - starts[i])
        store(i, _chunk(rngs[i], n, portfolio, waterfall, config, classes))

    if mapper is not None:
        tasks = [(rngs[i], min(size, s - starts[i])) for i in range(len(starts))]
        for i, out in enumerate(mapper(_chunk, (portfolio, waterfall, config, classes), tasks)):
            store(i, out)
    elif config.workers == 1:
        for i in range(len(starts)):
            run(i)
    else:
        with ThreadPoolExecutor(max_workers=config.workers) as pool:
            list(pool.map(run, range(len(starts))))
    return SimResult(
        waterfall.parties, party, total, demand, paid, dry, portfolio.total_exposure, waterfall.fund_contribution
    )


def sensitivity(
    portfolio: Portfolio,
    waterfall: Waterfall,
    config: SimConfig,
    seed: int,
    shifts: Iterable[float] = (-0.10, -0.05, 0.0, 0.05, 0.10),
    from_party: str = "fund",
    to_party: str = "bank",
    solvency: float = 0.99,
) -> list[dict[str, Any]]:
    """Re-run with ``shift`` of every tier's share moved from ``from_party`` to ``to_party`` (same seed: common
    random numbers, so the differences between rows are due to the shares, not to sampling noise)."""
    rows = []
    for shift in shifts:
        result = simulate(portfolio, waterfall.shifted(from_party, to_party, shift), config, seed)
        el, q99 = result.expected_loss(), result.quantile(0.99)
        rows.append(
            {
                "shift": shift,
                "expected_loss": el,
                "q0.99": q99,
                "p_fund_dry": result.p_fund_dry(),
                "required_fund": result.required_fund(solvency),
            }
        )
    return rows
