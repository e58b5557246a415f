"""Auctions (拍卖): the simulator's throughput and bidding on one hot lot through the HTTP API, each against a baseline
measured in the same run.

* Simulator: auctions per second of :func:`ippledge.disposal.simulator.auction` (vectorised, English / second-price /
  first-price) against the straightforward per-auction Python loop (the baseline) on the same draws.
* Bidding: a written-off loan's lot in its first round with ``--bidders`` registered bidders, served by uvicorn in
  this process (the application's worker thread pool, as ``ippledge serve`` runs it). Loads on the one lot: a
  burst (``--bids`` bids from ``--threads`` clients at once: bids/s) and paced open-loop loads (each of ``--rates``
  bids/s for ``--paced`` bids: p50/p99 latency measured from each bid's scheduled send time, so queueing counts).
  Amounts rise by one increment per bid sent; a bid overtaken in flight is refused (409 ``disposal.bid_low``, or
  ``disposal.bid_overtaken`` on SQLite) and counted.
  Baseline: the same requests as reads of the lot (``GET /disposal/lots/{id}``: same authentication, session and
  lot, no row lock and no write). After the loads the bids are replayed: numbered 1..n without a gap, each at least
  the previous plus the increment; and ``ledger check`` passes.

    python -m benchmarks.auction --database-url postgresql://.../db   # PostgreSQL (the issue's setting)
    python -m benchmarks.auction --quick                               # SQLite, fewer bids
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import math
import os
import random
import socket
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import uvicorn
from fastapi.testclient import TestClient
from rich.progress import Progress
from sqlalchemy import select, text
from tests.access.factories import World
from tests.disposal.factories import bidder
from tests.risk_sharing.factories import RiskDesk

from ippledge.access.credentials import configure_hasher
from ippledge.app import create_app
from ippledge.bootstrap import wire
from ippledge.config import Settings
from ippledge.db import make_engine, make_session_factory
from ippledge.delivery.sealing import new_key
from ippledge.disposal import api as disposal_api
from ippledge.disposal import service, simulator
from ippledge.disposal.tables import DisposalBid
from ippledge.ledger.check import check_ledger
from ippledge.migrations.tools import upgrade

# -- the simulator -----------------------------------------------------------------------------------------------


def _loop_second_price(values: np.ndarray, reserve: float) -> float:
    """The baseline: one auction at a time in Python (sort the bids, the winner pays the second or the reserve)."""
    total = 0.0
    for row in values.tolist():
        ranked = sorted(row, reverse=True)
        if ranked[0] >= reserve:
            total += max(reserve, ranked[1] if len(ranked) > 1 else reserve)
    return total


def bench_simulator(trials: int, bidders: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    dist = simulator.Values("uniform", 0.0, 1.0)
    values = dist.draw(rng, (trials, bidders))
    sample = values[: max(trials // 10, 1000)]
    t0 = time.perf_counter()
    base_total = _loop_second_price(sample, 0.0)
    loop_rate = sample.shape[0] / (time.perf_counter() - t0)
    print(f"simulator: {trials:,} auctions x {bidders} bidders (seed {seed})")
    print(f"  baseline per-auction Python loop (second-price): {loop_rate:,.0f} auctions/s")
    for fmt in simulator.FORMATS:
        t0 = time.perf_counter()
        out = simulator.auction(fmt, values, 0.0, 1e-4 if fmt == "english" else 0.0, rng, dist)
        rate = trials / (time.perf_counter() - t0)
        mean = float(out.price.mean())
        print(
            f"  {fmt:<13} {rate:>14,.0f} auctions/s  x{rate / loop_rate:,.0f} the baseline; "
            f"revenue {mean:.4f} (theory {(bidders - 1) / (bidders + 1):.4f})"
        )
    same = simulator.auction("second_price", sample, 0.0, 0.0, rng).price.sum()
    assert math.isclose(float(same), base_total, rel_tol=1e-9), "the baseline and the simulator disagree"


# -- bidding through the API ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, app: Any) -> None:
        self.port = _free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.srv = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.srv.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.srv.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.srv.should_exit = True
        self.thread.join(timeout=30)


def _pct(xs: list[float], p: float) -> float:
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


Call = Callable[[httpx.Client, int], httpx.Response]


def burst(base: str, n: int, threads: int, call: Call, progress: Callable[[], None]) -> tuple[float, list[int]]:
    """``n`` calls from ``threads`` clients as fast as they go: (calls/s, status codes)."""
    counter = itertools.count()
    lock = threading.Lock()
    statuses: list[int] = []

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            while True:
                with lock:
                    i = next(counter)
                if i >= n:
                    return
                r = call(c, i)
                with lock:
                    statuses.append(r.status_code)
                progress()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for f in [pool.submit(worker) for _ in range(threads)]:
            f.result()
    return n / (time.perf_counter() - t0), statuses


def paced(
    base: str, n: int, rate: float, threads: int, call: Call, progress: Callable[[], None]
) -> tuple[list[float], list[int], float]:
    """``n`` calls sent open-loop at ``rate`` per second: latencies (ms, from each call's scheduled time), codes,
    and the rate achieved."""
    local = threading.local()
    start = time.perf_counter() + 0.2
    lat: list[float] = [0.0] * n
    codes: list[int] = [0] * n

    def one(i: int) -> None:
        due = start + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        if not hasattr(local, "c"):
            local.c = httpx.Client(base_url=base, timeout=60)
        r = call(local.c, i)
        lat[i] = (time.perf_counter() - due) * 1000
        codes[i] = r.status_code
        progress()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for f in [pool.submit(one, i) for i in range(n)]:
            f.result()
    took = time.perf_counter() - start
    return lat, codes, n / took


def bench_bidding(url: str | None, bids: int, paced_n: int, rates: list[float], threads: int, n_bidders: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = url or f"sqlite:///{Path(tmp) / 'auction.db'}"
        schema = None
        if db.startswith("postgresql"):  # a private schema, dropped at the end: the database may be shared
            schema = f"bench_auction_{uuid.uuid4().hex[:8]}"
            admin = make_engine(db)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            engine = make_engine(db, connect_args={"options": f"-csearch_path={schema}"})
        else:
            engine = make_engine(db)
        upgrade(engine)
        factory = make_session_factory(engine)
        app = create_app(Settings(database_url=db, secret_key=new_key()), engine=engine)
        with TestClient(app) as client:
            d = RiskDesk(World(factory, client), app, factory)
            lid = d.active_loan(amount="600000", months=6)
            d.write_off(lid)
            bank = d.bank.officer.principal
            with factory.begin() as s:
                lot = service.open_lot(s, bank, lid, d.clock.today, appraisal="1000000")
                r = service.schedule_round(s, bank, lot.id, d.clock.today)
                lot_id, rid, start, step, opens = lot.id, r.id, r.start_price, r.increment, r.opens_at
            people = [bidder(d) for _ in range(n_bidders)]
            with factory.begin() as s:
                for p in people:
                    service.register_bidder(s, bank, rid, p.party.id, opens)
        # the server's clock an hour into bidding: no bid lands in the extension window
        app.dependency_overrides[disposal_api.server_time] = lambda: opens + dt.timedelta(hours=1)
        amounts = itertools.count(0)
        amount_lock = threading.Lock()
        rng = random.Random(1)
        who = [p.headers for p in people]

        def bid(c: httpx.Client, i: int) -> httpx.Response:
            with amount_lock:
                k = next(amounts)
            body = {"amount": str(start + step * k)}
            return c.post(f"/disposal/rounds/{rid}/bids", json=body, headers=who[rng.randrange(len(who))])

        def read(c: httpx.Client, i: int) -> httpx.Response:
            return c.get(f"/disposal/lots/{lot_id}", headers=who[i % len(who)])

        with Server(app) as base, Progress(transient=True) as bar:
            task = bar.add_task("bids 出价", total=2 * bids + 2 * paced_n * len(rates))

            def tick() -> None:
                bar.advance(task)

            read_rate, read_codes = burst(base, bids, threads, read, tick)
            bid_rate, bid_codes = burst(base, bids, threads, bid, tick)
            runs = []
            for rate in rates:
                read_lat, _, read_done = paced(base, paced_n, rate, threads, read, tick)
                bid_lat, codes, bid_done = paced(base, paced_n, rate, threads, bid, tick)
                runs.append((rate, read_lat, read_done, bid_lat, codes, bid_done))
        with factory() as s:
            rows = list(s.scalars(select(DisposalBid).where(DisposalBid.auction_id == rid).order_by(DisposalBid.seq)))
            report = check_ledger(s)
        engine.dispose()
        if schema is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    paced_codes = [c for run in runs for c in run[4]]
    accepted = [c for c in bid_codes + paced_codes if c == 201]
    assert set(read_codes) == {200}, sorted(set(read_codes))
    assert set(bid_codes + paced_codes) <= {201, 409}, sorted(set(bid_codes + paced_codes))
    assert [b.seq for b in rows] == list(range(1, len(rows) + 1)) and len(rows) == len(accepted)
    assert all(b.amount >= a.amount + step for a, b in itertools.pairwise(rows)) and report.ok
    name = engine.dialect.name
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"bidding on one hot lot ({name}, {threads} client threads, {n_bidders} bidders, uvicorn in-process; "
        f"{os.cpu_count()} CPUs, load average {load}):"
    )
    print(
        f"  burst of {bids:,}: bids {bid_rate:,.0f}/s ({bid_codes.count(201):,} accepted, {bid_codes.count(409):,} "
        f"overtaken 409) against baseline lot reads {read_rate:,.0f}/s: ratio {bid_rate / read_rate:.2f}"
    )
    for rate, read_lat, read_done, bid_lat, codes, bid_done in runs:
        print(
            f"  paced {rate:g}/s x {paced_n:,} (achieved bids {bid_done:,.0f}/s, reads {read_done:,.0f}/s): bid p50 "
            f"{statistics.median(bid_lat):.1f} ms, p99 {_pct(bid_lat, 99):.1f} ms ({codes.count(201):,} accepted); "
            f"baseline reads p50 {statistics.median(read_lat):.1f} ms, p99 {_pct(read_lat, 99):.1f} ms; "
            f"p99 ratio {_pct(bid_lat, 99) / _pct(read_lat, 99):.2f}"
        )
    print(f"  replayed {len(rows):,} bids: numbered without a gap, each >= previous + {step}; ledger check OK")


def main() -> None:
    wire()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    ap.add_argument("--trials", type=int, default=1_000_000)
    ap.add_argument("--sim-bidders", type=int, default=5)
    ap.add_argument("--bids", type=int, default=1_000, help="bids in the burst")
    ap.add_argument("--paced", type=int, default=1_000, help="bids in the paced load")
    ap.add_argument("--rates", default="200,20", help="paced loads, bids per second (comma-separated)")
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--bidders", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.trials, args.bids, args.paced = 100_000, 200, 100
    configure_hasher(time_cost=1, memory_cost_kib=8)  # the bidders' logins; production cost adds nothing here
    bench_simulator(args.trials, args.sim_bidders, args.seed)
    rates = [float(x) for x in args.rates.split(",") if x.strip()]
    bench_bidding(args.database_url, args.bids, args.paced, rates, args.threads, args.bidders)


if __name__ == "__main__":
    main()
