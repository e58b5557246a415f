"""Bulk legal-status ingestion (法律状态批量导入) against the `beijing` market.

Generates a feed of valid event sequences (preservation and discharge, licences, partial invalidation, termination
for unpaid annuity and restoration, abandonment ...) plus a sprinkling of bad rows, then loads it with
``registry.feed.ingest_feed`` and, for the baseline, loads a sample one row at a time through the ORM
(``legal_status.record_event``, one transaction per event). Prints events/s for both and the ratio.

    python benchmarks/registry_bulk.py            # 1,000,000 events against the full beijing market
    python benchmarks/registry_bulk.py --quick    # 50,000 events against a 1/20 beijing-shaped market
    python benchmarks/registry_bulk.py --quick --legacy   # the same feed in legacy pre-2015 codes (decision 0031)
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import time

import numpy as np
from sqlalchemy import select

from benchmarks.bench_market import MARKET_DAY, console, principal, pristine, working_copy
from ippledge.bootstrap import wire
from ippledge.db import make_engine, make_session_factory, unit_of_work
from ippledge.registry import legal_status
from ippledge.registry.feed import ingest_feed
from ippledge.registry.tables import IpAsset

# Valid sequences from the in-force state, with their relative frequency (an assumption for a realistic mix).
SEQUENCES: list[tuple[tuple[str, ...], float]] = [
    (("EE01",), 0.22),
    (("EE01", "EC01"), 0.12),
    (("EE01", "EM01", "EC01"), 0.05),
    (("PP01",), 0.06),
    (("PP01", "PD01"), 0.08),
    (("IP01",), 0.04),
    (("CF01",), 0.25),
    (("CF01", "RR01"), 0.08),
    (("AV01",), 0.06),
    (("IW01",), 0.04),
]


# The same facts in the codes a historical (pre-2015) feed carries: each resolves to the register's code on loading.
LEGACY = {"CF01": "C19", "RR01": "C49", "EE01": "LIC", "PP01": "RINS", "PD01": "RINS", "IP01": "C26", "AV01": "C20"}
LEGACY |= {"IW01": "C28"}


def make_feed(numbers: list[str], n_events: int, rng: np.random.Generator, legacy: bool = False) -> tuple[bytes, int]:
    """CSV feed of about ``n_events`` rows over distinct assets; 0.1% of rows are deliberately bad. ``legacy``:
    the facts in legacy codes (EM01 and EC01 have no older code and stay)."""
    seqs = [s for s, _ in SEQUENCES]
    p = np.array([w for _, w in SEQUENCES])
    lengths = np.array([len(s) for s in seqs])
    mean_len = float((lengths * p / p.sum()).sum())
    n_assets = min(len(numbers), int(n_events / mean_len) + 1)
    picks = rng.choice(len(numbers), size=n_assets, replace=False)
    kinds = rng.choice(len(seqs), size=n_assets, p=p / p.sum())
    start = rng.integers(1, 120, size=n_assets)
    out = io.StringIO()
    out.write("number,code,effective_date\n")
    rows = 0
    for i, k, d in zip(picks, kinds, start, strict=True):
        day = MARKET_DAY + dt.timedelta(days=int(d))
        for j, modern in enumerate(seqs[k]):
            code = LEGACY.get(modern, modern) if legacy else modern
            if rows >= n_events:
                break
            out.write(f"{numbers[i]},{code},{(day + dt.timedelta(days=30 * j)).isoformat()}\n")
            rows += 1
            if rows % 1000 == 999:  # a malformed number, an unknown code and an impossible event
                out.write("ZL20231012345X,EE01,2024-08-01\n")
                out.write(f"{numbers[i]},ZZ99,2024-08-01\n")
                rows += 2
    return out.getvalue().encode(), rows


def main() -> None:
    wire()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--baseline", type=int, default=2_000, help="events loaded one at a time for the baseline")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="50,000 events on a 1/20 beijing-shaped market")
    ap.add_argument("--legacy", action="store_true", help="the feed in legacy pre-2015 codes (C19, C49, LIC, RINS …)")
    args = ap.parse_args()
    factor = 0.05 if args.quick else 1.0
    events = 50_000 if args.quick else args.events

    db = working_copy(pristine("beijing", args.seed, factor), "registry_bulk.db")
    engine = make_engine(f"sqlite:///{db}")
    factory = make_session_factory(engine)
    rng = np.random.default_rng(args.seed)
    with factory() as s:
        officer = principal(s, "registry.patent.officer")
        rows = s.execute(
            select(IpAsset.id, IpAsset.number).where(IpAsset.kind == "patent", IpAsset.status == "in_force")
        ).all()
    order = rng.permutation(len(rows))
    baseline_rows = [rows[i] for i in order[: args.baseline]]
    feed_numbers = [rows[i][1] for i in order[args.baseline :]]
    feed, n_rows = make_feed(feed_numbers, events, rng, args.legacy)
    console.print(f"feed: {n_rows:,} rows, {len(feed) / 1e6:.1f} MB; baseline sample: {len(baseline_rows):,} events")

    # Baseline: one row at a time through the ORM, one transaction each (how a naive integration loads a feed).
    started = time.perf_counter()
    for asset_id, _number in baseline_rows:
        with unit_of_work(factory) as s:
            asset = s.get(IpAsset, asset_id)
            legal_status.record_event(s, officer, asset, "EE01", MARKET_DAY + dt.timedelta(days=3), source="feed")
    naive_s = time.perf_counter() - started
    naive_rate = len(baseline_rows) / naive_s

    started = time.perf_counter()
    with unit_of_work(factory) as s:
        report = ingest_feed(s, officer, feed, "csv", "benchmark.csv", MARKET_DAY + dt.timedelta(days=200))
    bulk_s = time.perf_counter() - started
    bulk_rate = report.total / bulk_s

    codes = "legacy codes" if args.legacy else "current codes"
    print(
        f"registry_bulk: backend sqlite, market {'beijing/20' if args.quick else 'beijing'} (seed {args.seed}), {codes}"
    )
    print(
        f"  bulk feed : {report.total:,} rows in {bulk_s:.1f} s = {bulk_rate:,.0f} events/s "
        f"(loaded {report.loaded:,}, duplicates {report.duplicates:,}, rejected {report.rejected:,})"
    )
    print(f"  baseline  : {len(baseline_rows):,} events one at a time in {naive_s:.1f} s = {naive_rate:,.0f} events/s")
    print(f"  ratio     : {bulk_rate / naive_rate:,.1f}x")
    engine.dispose()


if __name__ == "__main__":
    main()
