"""Batch query latency (批量查询): 10,000 IP numbers in one request against the `beijing` market.

Measures the whole HTTP round trip (a bank's API key, JSON in and out) and the service call alone, repeated, and, as
the baseline, the one-number-at-a-time lookups a bank makes today (a sample, scaled to 10,000).

    python benchmarks/batch_query.py            # full beijing market
    python benchmarks/batch_query.py --quick    # a 1/20 beijing-shaped market
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import select

from benchmarks.bench_market import MARKET_DAY, principal, pristine
from ippledge.access import queries as access_queries
from ippledge.access import service as access
from ippledge.app import create_app
from ippledge.bootstrap import wire
from ippledge.config import Settings
from ippledge.db import make_engine, make_session_factory, unit_of_work
from ippledge.registry import batch
from ippledge.registry.tables import IpAsset


def sample_numbers(session, rng: np.random.Generator, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """A realistic request: mostly patents and trademarks that exist, a few unknown and a few malformed."""
    patents = session.scalars(select(IpAsset.number).where(IpAsset.kind == "patent")).all()
    marks = session.scalars(select(IpAsset.number).where(IpAsset.kind == "trademark")).all()
    n_pat, n_mark = int(n * 0.6), int(n * 0.35)
    out = [patents[i] for i in rng.choice(len(patents), n_pat, replace=False)]
    out += [marks[i] for i in rng.choice(len(marks), n_mark, replace=False)]
    out += [f"9{int(x):08d}" for x in rng.integers(0, 10**8, n - len(out) - n // 50)]  # well-formed, unknown
    out += ["ZL20231012345X"] * (n // 50)
    rng.shuffle(out)
    return out


def main() -> None:
    wire()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--baseline", type=int, default=300, help="single lookups timed for the baseline")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    db = pristine("beijing", args.seed, 0.05 if args.quick else 1.0)  # read-only: no copy needed
    engine = make_engine(f"sqlite:///{db}")
    factory = make_session_factory(engine)
    rng = np.random.default_rng(args.seed)
    with factory() as s:
        numbers = sample_numbers(s, rng, args.size)
        officer = principal(s, "bank1.officer")
    with unit_of_work(factory) as s:  # a system-to-system key, as a bank's core system would use
        bank = access_queries.party(s, officer.party_id)
        assert bank is not None
        _, key = access.create_api_key(s, principal(s, "bank1.admin"), bank, "bench", [])
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    headers = {"X-API-Key": key}
    as_of = MARKET_DAY.isoformat()

    http_ms, svc_ms = [], []
    with TestClient(app) as client:
        for _ in range(args.repeat):
            started = time.perf_counter()
            r = client.post("/ip-assets/batch-query", json={"numbers": numbers, "as_of": as_of}, headers=headers)
            http_ms.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200, r.text[:500]
        body = r.json()
        with factory() as s:
            for _ in range(args.repeat):
                started = time.perf_counter()
                batch.batch_query(s, officer, numbers, MARKET_DAY, args.size)
                svc_ms.append((time.perf_counter() - started) * 1000)
        singles = numbers[: args.baseline]
        started = time.perf_counter()
        for n in singles:
            client.post("/ip-assets/batch-query", json={"numbers": [n], "as_of": as_of}, headers=headers)
        single_ms = (time.perf_counter() - started) * 1000 / len(singles)

    print(f"batch_query: backend sqlite, market {'beijing/20' if args.quick else 'beijing'} (seed {args.seed})")
    print(
        f"  request   : {len(numbers):,} numbers -> found {body['found']:,}, not found {body['not_found']:,}, "
        f"invalid {body['invalid']:,}"
    )
    print(
        f"  HTTP      : median {statistics.median(http_ms):,.0f} ms, min {min(http_ms):,.0f} ms, "
        f"max {max(http_ms):,.0f} ms over {args.repeat} runs"
    )
    print(f"  service   : median {statistics.median(svc_ms):,.0f} ms (without JSON and HTTP)")
    per_number = statistics.median(http_ms) / len(numbers)
    print(
        f"  baseline  : one number per request {single_ms:.2f} ms each -> {single_ms * len(numbers) / 1000:,.1f} s "
        f"for {len(numbers):,}; batch is {single_ms / per_number:,.0f}x faster per number"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
