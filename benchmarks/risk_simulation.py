"""Risk-sharing portfolio simulation (风险分担组合模拟): 10,000 loans x 100,000 scenarios = 10^9 loan-scenarios.

A heterogeneous book (six rating grades of PD, log-normal balances, four LGD classes, the two Jiangsu tiers) under
the Jiangsu 苏知贷 scheme with a fund sized for 10x leverage. Measured in the same run:

* bucketed: :func:`ippledge.analytics.risk_sim.simulate` (binomial defaults per bucket, all scenarios);
* baseline: the straightforward per-scenario loop (:func:`simulate_exact` with ``block=1``: one normal per loan per
  scenario), timed on a sample of scenarios and extrapolated;
* vectorised per-loan: the same draw with 256 scenarios per block, also sampled;
* GPU, when PyTorch sees a CUDA GPU (or ``--device`` names one): the bucketed simulation on the device with its own
  generator (after a warm-up run), and the same-seed check: the device computing with the NumPy path's random numbers
  (``host_draws``) on ``--check-scenarios`` scenarios must give the CPU numbers to rounding.

    python -m benchmarks.risk_simulation            # 10,000 x 100,000
    python -m benchmarks.risk_simulation --quick    # 1,000 x 10,000
    python -m benchmarks.risk_simulation --quick --device torch-cpu   # the GPU section's code, on PyTorch's CPU
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np

from ippledge.analytics.backend import cuda_available, torch_installed
from ippledge.analytics.risk_portfolio import Portfolio, Waterfall, bucket_loans
from ippledge.analytics.risk_sim import SimConfig, SimResult, simulate
from ippledge.analytics.risk_sim_exact import simulate_exact
from ippledge.bootstrap import wire
from ippledge.risk_sharing.schemes.presets import get_preset
from ippledge.risk_sharing.simulation.simulate import tier_indices, waterfall_for

GRADES = np.array([0.005, 0.01, 0.02, 0.03, 0.05, 0.10])  # assumption: an internal rating scale
GRADE_WEIGHTS = np.array([0.10, 0.20, 0.30, 0.20, 0.15, 0.05])
LGD_CLASSES = np.array([0.45, 0.55, 0.65, 0.75])  # assumption: by collateral kind (mark ... utility model)


def book(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pd = rng.choice(GRADES, n, p=GRADE_WEIGHTS)
    exposure = np.clip(np.exp(rng.normal(np.log(3e6), 0.8, n)), 3e5, 3e7)  # 72% of deals < 10m (DOMAIN §9)
    lgd = rng.choice(LGD_CLASSES, n)
    return pd, exposure, lgd


def main() -> None:
    wire()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loans", type=int, default=10_000)
    ap.add_argument("--scenarios", type=int, default=100_000)
    ap.add_argument("--baseline", type=int, default=200, help="scenarios timed for the per-scenario loop")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--device", default="auto", help="auto (a CUDA GPU if present), none, cuda, cuda:N, torch-cpu")
    ap.add_argument("--check-scenarios", type=int, default=5_000, help="scenarios of the same-seed check")
    args = ap.parse_args()
    if args.quick:
        args.loans, args.scenarios, args.baseline = 1_000, 10_000, 100
    rng = np.random.default_rng(args.seed)
    pd, exposure, lgd = book(args.loans, rng)
    scheme = get_preset("jiangsu-suzhidai")
    tier = tier_indices(scheme, exposure)
    waterfall = waterfall_for(scheme, fund_initial=float(exposure.sum()) / 10, fund_contribution=0.0)
    config = SimConfig(rho=0.15, scenarios=args.scenarios, rho_lgd=0.1, lgd_concentration=4.0, workers=args.workers)
    cells = args.loans * args.scenarios

    t0 = time.perf_counter()
    portfolio = bucket_loans(pd, exposure, lgd, tier)
    result = simulate(portfolio, waterfall, config, args.seed)
    fast = time.perf_counter() - t0

    t0 = time.perf_counter()
    simulate_exact(pd, exposure, lgd, tier, waterfall, config, args.seed, block=1, scenarios=args.baseline)
    loop = (time.perf_counter() - t0) * args.scenarios / args.baseline
    sample = 10 * args.baseline
    t0 = time.perf_counter()
    simulate_exact(pd, exposure, lgd, tier, waterfall, config, args.seed, block=256, scenarios=sample)
    vec = (time.perf_counter() - t0) * args.scenarios / sample

    print(
        f"book: {args.loans:,} loans in {len(portfolio.count):,} buckets; {args.scenarios:,} scenarios; "
        f"{cells:.2e} loan-scenarios; {args.workers} worker(s)"
    )
    print(f"{'method':<44}{'seconds':>10}{'loan-scenarios/s':>20}{'speed-up':>10}")
    rows = [
        (f"per-scenario loop (x{args.baseline}, scaled)", loop),
        (f"per-loan, 256/block (x{sample}, scaled)", vec),
        (f"bucketed binomial, NumPy (measured, {args.workers} thr)", fast),
    ]
    device = _device(args.device)
    check = ""
    if device is not None:
        seconds, check = _on_device(device, portfolio, waterfall, config, args.seed, args.check_scenarios, result)
        rows.append((f"bucketed binomial, {device} (measured)", seconds))
    for name, sec in rows:
        print(f"{name:<44}{sec:>10.2f}{cells / sec:>20.3e}{loop / sec:>10.1f}")
    print(check or f"GPU: none here ({'no CUDA GPU' if torch_installed() else 'PyTorch not installed'}); skipped")
    summary = result.summary()
    print("party        EL          99%         99.9%   (CNY, one year)")
    for party, row in summary["parties"].items():
        if row["expected_loss"]:
            print(f"{party:<8}{row['expected_loss']:>12,.0f}{row['q0.99']:>14,.0f}{row['q0.999']:>14,.0f}")
    fund = summary["fund"]
    print(
        f"fund {waterfall.fund_initial:,.0f}: P(dry) = {fund['p_dry']:.4f}; "
        f"needed for 99% solvency {fund['required_fund']:,.0f}"
    )


def _device(asked: str) -> str | None:
    if asked == "none" or (asked == "auto" and not cuda_available()):
        return None
    return "cuda" if asked == "auto" else asked


def _on_device(
    device: str,
    portfolio: Portfolio,
    waterfall: Waterfall,
    config: SimConfig,
    seed: int,
    check_scenarios: int,
    cpu: SimResult,
) -> tuple[float, str]:
    """Time the run on the device (after a warm-up), then the same-seed check against the CPU numbers."""
    on = replace(config, device=device)
    simulate(portfolio, waterfall, replace(on, scenarios=min(config.scenarios, 2_000)), seed)  # kernels, allocator
    t0 = time.perf_counter()
    result = simulate(portfolio, waterfall, on, seed)
    seconds = time.perf_counter() - t0
    n = min(check_scenarios, config.scenarios)
    small = replace(config, scenarios=n, chunk_size=n)
    reference = simulate(portfolio, waterfall, small, seed)
    replay = simulate(portfolio, waterfall, replace(small, device=device, host_draws=True), seed)
    diff = float(np.max(np.abs(replay.party_loss - reference.party_loss)) / np.abs(reference.party_loss).max())
    el_cpu, el_dev = cpu.portfolio_loss.sum(axis=1), result.portfolio_loss.sum(axis=1)
    z = abs(el_cpu.mean() - el_dev.mean()) / np.sqrt((el_cpu.var() + el_dev.var()) / len(el_cpu))
    return seconds, (
        f"same-seed check on {device} ({n:,} scenarios, the CPU path's draws): max relative difference {diff:.1e}; "
        f"own draws: portfolio EL {el_dev.mean():,.0f} vs CPU {el_cpu.mean():,.0f} ({z:.1f} standard errors)"
    )


if __name__ == "__main__":
    main()
