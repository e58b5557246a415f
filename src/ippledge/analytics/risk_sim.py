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
The chunk is written against :mod:`ippledge.analytics.backend`, so the same code runs on a GPU with PyTorch
(``SimConfig.device``); ``host_draws`` makes the device use the NumPy path's random numbers, for the same-seed check.

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

from ippledge.analytics.backend import Array, NumpyOps, Ops, resolve
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
    chunk_size: int | None = None  # scenarios per chunk; None: about a million cells (16 million on a GPU)
    workers: int = 2
    device: str = "cpu"  # "cpu" (NumPy), "cuda[:N]" (PyTorch on a GPU), "auto", "torch-cpu": see analytics.backend
    host_draws: bool = False  # a PyTorch device computes with the NumPy path's random numbers (the same-seed check)

    def check(self) -> None:
        if not 0.0 <= self.rho < 1.0 or not 0.0 <= self.rho_lgd < 1.0:
            raise ValueError("rho and rho_lgd must be in [0, 1)")
        if self.scenarios < 1 or self.years < 1 or self.workers < 1:
            raise ValueError("scenarios, years and workers must be positive")
        if self.lgd_concentration is not None and self.lgd_concentration <= 0:
            raise ValueError("lgd_concentration must be positive")
        if self.chunk_size is not None and self.chunk_size < 1:
            raise ValueError("chunk_size must be positive")


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
    backend: str = "numpy"  # where the chunks ran: "numpy", or "torch:<device>"

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
            "backend": self.backend,
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


def _mean_lgd_of_k(ops: Ops, gen: Any, k: Array, m: Array, conc: float | None) -> Array:
    """Mean LGD of k defaults: a Beta matching the mean and variance of the mean of k Beta(m c, (1-m) c)."""
    if conc is None:
        return m
    out = ops.copy(m)
    hit = k > 0
    mm = m[hit].clip(_EPS, 1 - _EPS)
    ck = k[hit] * (conc + 1.0) - 1.0
    out[hit] = ops.beta(gen, mm * ck, (1.0 - mm) * ck)
    return out


def _per_loan(ops: Ops, gen: Any, k: Array, m: Array, b: _Buckets, conc: float | None) -> tuple[Array, Array]:
    """Buckets where a per-loan cap may bind (``k`` and ``m`` of those only): one LGD and one capped split per
    defaulted loan."""
    cells, nb = k.shape[0] * k.shape[1], k.shape[2]
    flat = k.reshape(-1)
    cell = ops.repeat(ops.arange(flat.shape[0]), flat)
    bucket = cell % nb
    mj = m.reshape(-1)[cell]
    lgd = mj if conc is None else ops.beta(gen, mj.clip(_EPS, 1 - _EPS) * conc, (1 - mj).clip(_EPS, 1) * conc)
    loss = b.exact_exposure[bucket] * lgd
    raw = loss[:, None] * b.exact_shares[bucket]
    capped = ops.minimum(raw, b.per_loan_cap[None, :])
    capped[:, b.overflow] += (raw - capped).sum(axis=1)
    row = cell // nb
    party = ops.segment_sum(row, capped, cells)
    total = ops.segment_sum(row, loss[:, None], cells)[:, 0]
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
class _Buckets:
    """What a chunk needs of the book, computed once per run on the backend's device. p(Z) and LGD(Z) are evaluated
    per distinct PD and LGD (``pd``/``lgd`` with their probits) and spread to the buckets by ``pd_index``/``lgd_index``;
    the buckets where a per-loan cap may bind (``exact``) are drawn loan by loan, the rest (``linear``) in bulk."""

    pd: Array
    pd_probit: Array
    pd_index: Array
    lgd: Array
    lgd_index: Array
    lgd_probit: Array
    count: Array
    linear_exposure: Array
    linear_shares: Array  # each linear bucket's tier shares (bucket, party)
    exact_exposure: Array
    exact_shares: Array
    per_loan_cap: Array
    overflow: int
    linear: Array
    exact: Array
    any_exact: bool

    @classmethod
    def of(cls, port: Portfolio, wf: Waterfall, ops: Ops) -> _Buckets:
        pd, pd_index = np.unique(port.pd, return_inverse=True)
        lgd, lgd_index = np.unique(port.lgd, return_inverse=True)
        exact = wf.cap_may_bind(port)
        lin = ~exact
        shares = wf.shares[port.tier]
        return cls(
            ops.asarray(pd),
            ops.asarray(norm_ppf(pd)),
            ops.asarray(pd_index),
            ops.asarray(lgd),
            ops.asarray(lgd_index),
            ops.asarray(norm_ppf(np.clip(lgd, 1e-12, 1 - 1e-12))),
            ops.asarray(port.count),
            ops.asarray(port.exposure[lin]),
            ops.asarray(shares[lin]),
            ops.asarray(port.exposure[exact]),
            ops.asarray(shares[exact]),
            ops.asarray(wf.per_loan_cap),
            wf.overflow,
            ops.asarray(lin),
            ops.asarray(exact),
            bool(exact.any()),
        )


def _chunk(rng: np.random.Generator, n: int, cfg: SimConfig, b: _Buckets, ops: Ops) -> tuple[np.ndarray, ...]:
    """One chunk of scenarios on the backend: the draws, the bulk and loan-by-loan splits; the fund path follows on
    the host (it is O(scenarios x years))."""
    gen = ops.generator(rng)
    z = ops.normal(gen, (n, cfg.years, 1))
    k = ops.binomial(gen, b.count, conditional_pd(b.pd, cfg.rho, z, b.pd_probit, ops.norm_cdf)[..., b.pd_index])
    m = conditional_lgd(b.lgd, cfg.rho_lgd, z, b.lgd_probit, ops.norm_cdf)[..., b.lgd_index]
    lin = b.linear
    k_lin = k[..., lin]
    loss = k_lin * b.linear_exposure * _mean_lgd_of_k(ops, gen, k_lin, m[..., lin], cfg.lgd_concentration)
    party = loss @ b.linear_shares
    total = loss.sum(axis=-1)
    if b.any_exact:
        p_e, t_e = _per_loan(ops, gen, k[..., b.exact], m[..., b.exact], b, cfg.lgd_concentration)
        party, total = party + p_e, total + t_e
    return ops.to_numpy(party), ops.to_numpy(total)


def _host_chunk(
    rng: np.random.Generator, n: int, wf: Waterfall, cfg: SimConfig, b: _Buckets, ops: Ops
) -> tuple[np.ndarray, ...]:
    party, total = _chunk(rng, n, cfg, b, ops)
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

    ``mapper`` runs the chunks on a cluster (``analytics.cluster.dask_tasks``); each chunk keeps its own generator
    spawned from the seed, so the numbers are the same wherever the chunks run.
    """
    portfolio.check()
    waterfall.check()
    config.check()
    ops = resolve(config.device, config.host_draws)
    if mapper is not None and not isinstance(ops, NumpyOps):
        raise ValueError("a cluster runs the NumPy path: use device 'cpu' with a mapper")
    s, y, p = config.scenarios, config.years, len(waterfall.parties)
    budget = 1_000_000 if ops.device == "cpu" else 16_000_000  # cells per chunk: bounded memory
    size = config.chunk_size or max(256, budget // (y * max(len(portfolio.count), 1)))
    starts = list(range(0, s, size))
    root = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    rngs = root.spawn(len(starts))
    buckets = _Buckets.of(portfolio, waterfall, ops)
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
        store(i, _host_chunk(rngs[i], n, waterfall, config, buckets, ops))

    if mapper is not None:
        tasks = [(rngs[i], min(size, s - starts[i])) for i in range(len(starts))]
        for i, out in enumerate(mapper(_host_chunk, (waterfall, config, buckets, ops), tasks)):
            store(i, out)
    elif config.workers == 1 or not ops.threads:
        for i in range(len(starts)):
            run(i)
    else:
        with ThreadPoolExecutor(max_workers=config.workers) as pool:
            list(pool.map(run, range(len(starts))))
    backend = ops.label
    return SimResult(
        waterfall.parties,
        party,
        total,
        demand,
        paid,
        dry,
        portfolio.total_exposure,
        waterfall.fund_contribution,
        backend,
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
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Re-run with ``shift`` of every tier's share moved from ``from_party`` to ``to_party`` (same seed: common
    random numbers, so the differences between rows are due to the shares, not to sampling noise)."""
    rows = []
    for shift in shifts:
        result = simulate(portfolio, waterfall.shifted(from_party, to_party, shift), config, seed, progress)
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
