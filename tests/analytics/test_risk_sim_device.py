"""The simulation's PyTorch path (GPU path) against the NumPy path on the same seed.

With ``host_draws`` the device computes with the NumPy path's random numbers: the results must be the same to
rounding. With the device's own generator they must agree in distribution (means within Monte Carlo error, Vasicek
quantiles). These run on PyTorch's CPU device wherever PyTorch is installed (it is optional: not in the lock file),
and again on the GPU where one is present.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ippledge.analytics.backend import cuda_available, resolve, torch_installed
from ippledge.analytics.risk_portfolio import Portfolio, Waterfall, bucket_loans
from ippledge.analytics.risk_sim import SimConfig, SimResult, simulate, vasicek_quantile
from ippledge.risk_sharing.schemes.presets import get_preset
from ippledge.risk_sharing.simulation.simulate import tier_indices, waterfall_for

INF = float("inf")
needs_torch = pytest.mark.skipif(not torch_installed(), reason="PyTorch is not installed (optional)")
DEVICES = [pytest.param("torch-cpu", marks=needs_torch)]
DEVICES.append(pytest.param("cuda", marks=pytest.mark.skipif(not cuda_available(), reason="no CUDA GPU")))


def _book(n: int = 1500, seed: int = 3) -> tuple[Portfolio, Waterfall]:
    """A heterogeneous book under Zhongshan (fund, bank, insurer, valuer), a fund limited to a small balance, and a
    per-loan cap that binds for the larger loans (so both the bulk and the loan-by-loan paths run)."""
    rng = np.random.default_rng(seed)
    pd = rng.choice([0.005, 0.02, 0.05, 0.1], n)
    exposure = np.clip(np.exp(rng.normal(np.log(3e6), 0.8, n)), 3e5, 3e7)
    lgd = rng.choice([0.45, 0.6, 0.75], n)
    scheme = get_preset("zhongshan")
    wf = waterfall_for(scheme, fund_initial=float(exposure.sum()) / 40, fund_contribution=float(exposure.sum()) / 200)
    cap = np.where(np.arange(len(wf.parties)) == wf.overflow, INF, 1.5e6)
    wf = Waterfall(**{**wf.__dict__, "per_loan_cap": cap, "limited_to_fund": True})
    return bucket_loans(pd, exposure, lgd, tier_indices(scheme, exposure)), wf


def _config(**kw: object) -> SimConfig:
    base: dict[str, object] = {"rho": 0.2, "scenarios": 6000, "years": 3, "rho_lgd": 0.1, "lgd_concentration": 4.0}
    return SimConfig(**{**base, "chunk_size": 1000, **kw})  # type: ignore[arg-type]


def _same(a: SimResult, b: SimResult) -> None:
    scale = float(np.abs(a.party_loss).max())
    for x, y in ((a.party_loss, b.party_loss), (a.portfolio_loss, b.portfolio_loss), (a.fund_paid, b.fund_paid)):
        assert np.max(np.abs(x - y)) <= 1e-9 * scale
    assert np.array_equal(a.dry_year, b.dry_year)


@pytest.mark.parametrize("device", DEVICES)
def test_device_with_the_cpu_draws_gives_the_cpu_numbers(device: str) -> None:
    portfolio, wf = _book()
    assert wf.cap_may_bind(portfolio).any() and not wf.cap_may_bind(portfolio).all()
    cpu = simulate(portfolio, wf, _config(), seed=21)
    dev = simulate(portfolio, wf, _config(device=device, host_draws=True), seed=21)
    assert cpu.backend == "numpy" and dev.backend.startswith("torch:") and dev.backend.endswith(":host-draws")
    assert cpu.p_fund_dry() > 0  # the fund path is exercised, not only the split
    _same(cpu, dev)


@pytest.mark.parametrize("device", DEVICES)
def test_device_draws_agree_in_distribution_and_reproduce(device: str) -> None:
    portfolio, wf = _book()
    cpu = simulate(portfolio, wf, _config(scenarios=20_000), seed=5)
    dev = simulate(portfolio, wf, _config(scenarios=20_000, device=device), seed=5)
    again = simulate(portfolio, wf, _config(scenarios=20_000, device=device), seed=5)
    _same(dev, again)  # a seed reproduces on its device
    assert not np.array_equal(cpu.party_loss, dev.party_loss)  # a different stream of random numbers
    a, b = cpu.party_totals(), dev.party_totals()
    se = np.sqrt(a.var(axis=0) / len(a) + b.var(axis=0) / len(b))
    paying = se > 0
    z = np.abs(a.mean(axis=0) - b.mean(axis=0))[paying] / se[paying]
    assert paying.sum() >= 3 and z.max() < 4.5  # each party's expected loss within Monte Carlo error
    assert abs(cpu.p_fund_dry() - dev.p_fund_dry()) < 4.5 * math.sqrt(2 * 0.25 / len(a))


@pytest.mark.parametrize("device", DEVICES)
def test_device_path_agrees_with_vasicek(device: str) -> None:
    pd, rho, lgd, scenarios = 0.02, 0.15, 0.45, 100_000
    two = Waterfall(("fund", "bank"), np.array([[0.8, 0.2]]), 0, 1, np.array([INF, INF]))
    config = SimConfig(rho, scenarios, device=device)
    result = simulate(Portfolio.homogeneous(10_000_000, pd, lgd), two, config, seed=11)
    fraction = result.portfolio_loss[:, 0] / result.total_exposure
    assert abs(fraction.mean() - pd * lgd) < 0.05 * pd * lgd
    for q in (0.9, 0.99, 0.999):
        band = 4 * math.sqrt(q * (1 - q) / scenarios)  # Monte Carlo error of the level of a sample quantile
        lo, hi = (vasicek_quantile(pd, rho, lgd, q + d) for d in (-band, band))
        assert lo <= float(np.quantile(fraction, q)) <= hi


def test_devices_are_checked_before_any_work() -> None:
    with pytest.raises(ValueError, match="unknown device"):
        resolve("tpu")
    with pytest.raises(ValueError, match="NumPy path"):
        resolve("cpu", host_draws=True)
    if not cuda_available():
        with pytest.raises(ValueError, match="PyTorch"):
            resolve("cuda")
        assert resolve("auto").label == "numpy"  # no GPU: the NumPy path
    portfolio, wf = _book(50)
    with pytest.raises(ValueError, match="unknown device"):
        simulate(portfolio, wf, _config(device="gpu0"), seed=1)
