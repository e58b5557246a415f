"""API fuzzing, large budget (接口模糊测试): schemathesis over the whole OpenAPI as five roles and anonymously.

    python -m benchmarks.api_fuzz [--examples N] [--database-url URL]

On a fresh migrated database (a temporary SQLite file unless a URL is given), every operation gets ``N`` valid and
``N`` invalid requests, each as one of the roles in turn. Prints the number of requests, the statuses seen and every
finding (a 5xx or an answer that contradicts the documented schema); exits 1 on any finding.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from tests.edges.fuzzing import fuzz, seed_actors

from ippledge.access.credentials import configure_hasher
from ippledge.app import create_app
from ippledge.bootstrap import wire
from ippledge.config import Settings
from ippledge.db import make_engine, make_session_factory
from ippledge.delivery.sealing import new_key
from ippledge.migrations.tools import upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=60, help="requests per operation and mode (default 60)")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args(argv)
    configure_hasher(time_cost=1, memory_cost_kib=8)  # six logins; production cost adds nothing here
    wire()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'fuzz.db'}"
        engine = make_engine(url)
        upgrade(engine)
        app = create_app(Settings(database_url=url, secret_key=new_key()), engine=engine)
        with TestClient(app) as client:
            actors = seed_actors(make_session_factory(engine), client)
            started = time.perf_counter()
            report = fuzz(app, actors, max_examples=args.examples, derandomize=False)
            took = time.perf_counter() - started
        engine.dispose()
    print(f"api fuzz ({engine.dialect.name}, {args.examples} examples per operation and mode): {report.summary()}")
    print(f"  {took:.0f} s, {report.requests / took:.0f} requests/s")
    for finding in report.failures:
        print(finding)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
