"""Forced-sale value with calibrated cells (变现能力校准): what pricing each asset by its kind and IPC class costs the
valuation engine, against the single prior factor measured in the same run.

One engine chunk of synthetic assets (``--assets``, the engine's chunk size by default; kinds and IPC classes drawn
with ``--seed``) is priced with ``LiquidityModel.collateral``: (a) no cells (the baseline: one factor), (b)
``--cells`` calibrated cells (one comparison per kind, a binary search of its fields), (c) the same cells matched
one boolean mask per cell (the straightforward way, for comparison); (b) and (c) must give the same numbers.

    python -m benchmarks.liquidity_cells            # 131,072 assets, 600 cells
    python -m benchmarks.liquidity_cells --quick    # 20,000 assets, 100 cells
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from rich.progress import track

from ippledge.analytics.engine import CHUNK
from ippledge.analytics.liquidity import LiquidityModel

KINDS = np.array(["patent", "patent", "patent", "trademark", "copyright"])
SECTIONS = "ABCDEFGH"


def _masks(model: LiquidityModel, kinds: np.ndarray, fields: np.ndarray, value: np.ndarray) -> np.ndarray:
    out = np.full(len(kinds), model.factor)
    for (kind, field), (st, d) in sorted(model.cells.items(), key=lambda kv: kv[0][1] != ""):
        hit = (kinds == kind) if field == "" else (kinds == kind) & (fields == field)
        out[hit] = st * (1.0 - d)
    result: np.ndarray = value * out
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", type=int, default=CHUNK)
    ap.add_argument("--cells", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.assets, a.cells, a.repeat = 20_000, 100, 3
    rng = np.random.default_rng(a.seed)
    fields_all = np.array([f"{s}{n:02d}" for s in SECTIONS for n in range(1, 100)])
    kinds = KINDS[rng.integers(0, len(KINDS), a.assets)]
    fields = np.where(kinds == "patent", fields_all[rng.integers(0, len(fields_all), a.assets)], "")
    value = rng.lognormal(13.0, 1.0, a.assets)
    pledgeable = np.ones(a.assets, bool)
    chosen = rng.choice(len(fields_all), size=min(a.cells - 2, len(fields_all)), replace=False)
    cells = {("patent", ""): (0.45, 0.32), ("trademark", ""): (0.35, 0.4)}
    cells |= {
        ("patent", str(fields_all[i])): (float(rng.uniform(0.2, 0.6)), float(rng.uniform(0.1, 0.5))) for i in chosen
    }
    prior, calibrated = LiquidityModel(), LiquidityModel(cells=cells)

    def timed(fn: object) -> float:
        runs = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            runs.append(time.perf_counter() - t0)
        return statistics.median(runs) * 1000

    steps = {
        "prior (one factor, baseline)": lambda: prior.collateral(value, pledgeable, kinds, fields),
        f"{len(cells)} cells, binary search": lambda: calibrated.collateral(value, pledgeable, kinds, fields),
        f"{len(cells)} cells, one mask per cell": lambda: _masks(calibrated, kinds, fields, value),
    }
    got = {name: timed(fn) for name, fn in track(list(steps.items()), description="timing", transient=True)}
    same = np.allclose(
        calibrated.collateral(value, pledgeable, kinds, fields), _masks(calibrated, kinds, fields, value)
    )
    print(f"{a.assets:,} assets, {len(cells)} cells, median of {a.repeat} runs; same numbers: {same}")
    for name, ms in got.items():
        print(f"  {name:<36} {ms:9.2f} ms   {a.assets / ms * 1000:14,.0f} assets/s")


if __name__ == "__main__":
    main()
