"""Reverse push latency (反向推送): a bank's batch of 10,000 applicants' USCCs answered in one call, server side.

Each code is answered with the firm's valid patents and inventions, pledge status, annuity risk, 非正常申请 flags and
whitelist status, read with grouped queries per chunk of 5,000 firms (``registry.queries.firm_ip_facts``,
``pledge.queries.standing_of_pledgors``, the whitelist store), never one query per code. Measures the service call
alone and the whole HTTP round trip (a bank's API key, JSON in and out), repeated, and, as the baseline in the same
run, one USCC per request (a sample, scaled to the batch).

    python -m benchmarks.reverse_push            # full beijing market (120,000 firms)
    python -m benchmarks.reverse_push --quick    # a 1/10 beijing-shaped market (12,000 firms)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

import numpy as np
from fastapi.testclient import TestClient

from benchmarks.bench_market import MARKET_DAY, principal, pristine, working_copy
from ippledge.access import queries as access_queries
from ippledge.access import service as access
from ippledge.app import create_app
from ippledge.bootstrap import wire
from ippledge.config import Settings
from ippledge.db import make_engine, make_session_factory, unit_of_work
from ippledge.registry import designations
from ippledge.registry import queries as registry_queries
from ippledge.whitelist import service as whitelist

CRITERIA = {
    "require": [
        {"fact": "valid_inventions", "op": ">=", "value": 3},
        {"fact": "abnormal_applications", "op": "<=", "value": 0},
    ],
    "any_of": [
        {"fact": "ip_demonstration", "op": "is", "value": True},
        {"fact": "specialised", "op": "is", "value": True},
        {"fact": "high_tech", "op": "is", "value": True},
    ],
    "weights": {"valid_inventions": 1, "ip_demonstration": 10},
}


def prepare(factory, rng: np.random.Generator, firms: list[int]) -> float:  # type: ignore[no-untyped-def]
    """Designations on 5% of firms, abuse flags on 1% of their patents, and one published whitelist; returns the
    seconds the list build took (every firm judged)."""
    with unit_of_work(factory) as s:
        operator = principal(s, "platform.operator")
        patents = registry_queries.patents_in_force_of(s, firms)
        for pid in rng.choice(firms, len(firms) // 20, replace=False):
            kind = ("ip_demonstration", "specialised")[int(rng.integers(2))]
            designations.record_designation(s, operator, int(pid), kind, dt.date(2024, 1, 1), "bench")
        holders = sorted(patents)
        for pid in rng.choice(holders, max(1, len(holders) // 100), replace=False):
            designations.flag_abnormal(s, operator, patents[int(pid)][0], dt.date(2024, 3, 1), "bench notice")
    with unit_of_work(factory) as s:
        maker, checker = principal(s, "platform.operator"), principal(s, "platform.admin")
        crit = whitelist.add_criteria(s, maker, "bench", "bench criteria", CRITERIA, MARKET_DAY)
        started = time.perf_counter()
        lst = whitelist.build_list(s, maker, crit.id, "bench list", MARKET_DAY, MARKET_DAY, MARKET_DAY)
        took = time.perf_counter() - started
        whitelist.review_list(s, checker, lst.id, "approve", "", MARKET_DAY)
    return took


def sample_codes(session, firms: list[int], rng: np.random.Generator, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """A realistic batch: 97% firms on the platform, 2% well-formed unknown codes, 1% malformed lines."""
    from ippledge.kernel.identifiers import uscc

    known = [p.uscc for p in access_queries.parties(session, firms).values() if p.uscc]
    n_known = min(len(known), int(n * 0.97))
    out = [known[i] for i in rng.choice(len(known), n_known, replace=False)]
    out += [uscc.generate("9", "1", "110108", f"{int(x):08d}") for x in rng.integers(90_000_000, 99_999_999, n // 50)]
    out += ["91110000600037341X"] * (n - len(out))
    rng.shuffle(out)
    return out


def main() -> None:
    wire()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--baseline", type=int, default=200, help="single-code requests timed for the baseline")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    factor = 0.1 if args.quick else 1.0
    db = working_copy(pristine("beijing", args.seed, factor), "reverse_push.db")
    engine = make_engine(f"sqlite:///{db}")
    factory = make_session_factory(engine)
    rng = np.random.default_rng(args.seed)
    with factory() as s:
        firms = registry_queries.enterprise_ids(s)
    build_s = prepare(factory, rng, firms)
    with factory() as s:
        codes = sample_codes(s, firms, rng, args.size)
        officer = principal(s, "bank1.officer")
    with unit_of_work(factory) as s:  # a system-to-system key, as a bank's core system would use
        bank = access_queries.party(s, officer.party_id)
        assert bank is not None
        _, key = access.create_api_key(s, principal(s, "bank1.admin"), bank, "bench", [])
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    headers = {"X-API-Key": key}

    svc_ms, cpu_ms, http_ms = [], [], []
    with factory() as s:
        for _ in range(args.repeat):
            started, cpu = time.perf_counter(), time.process_time()
            result = whitelist.reverse_push(s, officer, codes, MARKET_DAY)
            svc_ms.append((time.perf_counter() - started) * 1000)
            cpu_ms.append((time.process_time() - cpu) * 1000)
            s.rollback()  # the audit record is not the point here
    with TestClient(app) as client:
        for _ in range(args.repeat):
            started = time.perf_counter()
            r = client.post("/reverse-push", json={"usccs": codes}, headers=headers)
            http_ms.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200, r.text[:500]
        body = r.json()
        singles = codes[: args.baseline]
        started = time.perf_counter()
        for c in singles:
            client.post("/reverse-push", json={"usccs": [c]}, headers=headers)
        single_ms = (time.perf_counter() - started) * 1000 / len(singles)

    found = [a for a in result.answers if a.found]
    print(f"reverse_push: backend sqlite, market {'beijing/10' if args.quick else 'beijing'} (seed {args.seed})")
    print(f"  market    : {len(firms):,} firms; whitelist build judged every firm in {build_s:.2f} s")
    print(
        f"  batch     : {len(codes):,} USCCs -> found {len(found):,}, unknown {len(result.answers) - len(found):,}, "
        f"malformed {len(result.errors):,} (line errors); whitelisted {sum(a.whitelisted for a in found):,}, "
        f"pledged {sum(a.pledged for a in found):,}, 非正常申请 {sum(a.ip_abuse_flag for a in found):,}"
    )
    print(
        f"  service   : median {statistics.median(svc_ms):,.0f} ms, min {min(svc_ms):,.0f} ms, "
        f"max {max(svc_ms):,.0f} ms over {args.repeat} runs (server side, no JSON or HTTP); CPU time median "
        f"{statistics.median(cpu_ms):,.0f} ms (one core: the wall time above includes waiting for a shared machine, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(f"  HTTP      : median {statistics.median(http_ms):,.0f} ms, min {min(http_ms):,.0f} ms (JSON in and out)")
    per_code = statistics.median(http_ms) / len(codes)
    print(
        f"  baseline  : one USCC per request {single_ms:.2f} ms each -> {single_ms * len(codes) / 1000:,.1f} s "
        f"for {len(codes):,}; the batch is {single_ms / per_code:,.0f}x faster per code"
    )
    assert body["asked"] == len(codes)
    engine.dispose()


if __name__ == "__main__":
    main()
