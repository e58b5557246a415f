"""Valuation at scale (批量估值): score and value the `beijing` universe as one vectorised job.

Universe: the 473,000 invention patents and 2,891,000 trademarks of the simulated `beijing` market, as NumPy
columns straight from ``simulation.generate`` (no database: the benchmark measures the valuation job). The timed
job = fitting the cohort references on the universe + scoring, the seeded Monte Carlo range (128 draws) and the
collateral value of every asset. Not timed: generating the market and assembling the columns. Baseline: the public
single-asset function ``analytics.single.value_asset`` on a random sample, one asset at a time with the same fitted
engine (extrapolated per asset); the sample's results are checked equal to the batch's. Peak memory is the
process's maximum resident set size (``resource.getrusage``), which includes the generated market itself.

    python -m benchmarks.valuation_batch            # full beijing universe (3,364,000 assets)
    python -m benchmarks.valuation_batch --quick    # a 1/20 beijing-shaped market
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from benchmarks.bench_market import console
from ippledge.analytics.engine import ValuationEngine, take
from ippledge.analytics.single import value_asset
from ippledge.bootstrap import wire
from ippledge.simulation.generate import generate
from ippledge.simulation.spec import BEIJING
from ippledge.simulation.truth import spearman, true_values, valuation_columns


def main() -> None:
    wire()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--baseline", type=int, default=2_000, help="assets valued one at a time for the baseline")
    ap.add_argument("--workers", type=int, default=1, help="threads for the batch (NumPy releases the GIL)")
    ap.add_argument("--quick", action="store_true", help="a 1/20 beijing-shaped market")
    args = ap.parse_args()
    spec = BEIJING.scaled(0.05) if args.quick else BEIJING

    started = time.perf_counter()
    market = generate(spec, args.seed)
    everything = valuation_columns(market)
    keep = np.flatnonzero((everything["subtype"] == "invention") | (everything["subtype"] == "mark"))
    cols = take(everything, keep)
    n = len(keep)
    console.print(f"universe: {n:,} assets ({spec.name}), generated in {time.perf_counter() - started:.0f} s")

    bar_cols = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*bar_cols, console=console) as bar:
        task = bar.add_task("估值 valuing", total=n)
        t0 = time.perf_counter()
        engine = ValuationEngine().fit(cols, spec.as_of)
        fitted = time.perf_counter() - t0
        result = engine.value_batch(cols, args.seed, workers=args.workers, progress=lambda k: bar.advance(task, k))
        batch_s = time.perf_counter() - t0
    rate = n / batch_s

    rng = np.random.default_rng(args.seed)
    sample = rng.choice(n, size=min(args.baseline, n), replace=False)
    t0 = time.perf_counter()
    mismatches = 0
    for i in sample.tolist():
        one = value_asset(cols, seed=args.seed, engine=engine, index=i)
        mismatches += (one.p50_fen, one.collateral_fen) != (result.p50_fen[i], result.collateral_fen[i])
    single_s = time.perf_counter() - t0
    single_rate = len(sample) / single_s

    truth, _ = true_values(market, args.seed)
    rho = spearman(result.p50_fen.astype(np.float64), truth[keep])
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux: KiB

    print(f"valuation_batch: {spec.name} universe, {n:,} assets (inventions + trademarks), seed {args.seed}")
    print(f"  batch     : {batch_s:.1f} s (fit {fitted:.1f} s) = {rate:,.0f} records/s, workers {args.workers}")
    print(
        f"  one by one: {len(sample):,} assets in {single_s:.1f} s = {single_rate:,.0f} records/s "
        f"(extrapolated {n / single_rate / 60:,.0f} min for the universe); mismatches {mismatches}"
    )
    print(f"  ratio     : {rate / single_rate:,.0f}x")
    print(f"  peak RSS  : {peak_gb:.2f} GiB (includes the generated market)")
    print(f"  Spearman(model P50, hidden true value): {rho:.3f}")
    print(f"  median score {np.median(result.score):.1f}; median P50 {np.median(result.p50_fen) / 100:,.0f} CNY")


if __name__ == "__main__":
    main()
