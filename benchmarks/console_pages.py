"""Console page latency (网页工作台页面耗时): every desk's pages on the demo database, against a 200 ms budget.

Builds the demo database once for the business date (``var/bench/console-demo-<date>.db``, the same market and year of
lending as ``make demo``), signs in as each desk user the demo prints, and times each page of that user's menu and the
first record page each list links to, ``--repeat`` times each, through the ASGI app in-process (no network: the time
is the server's, from request to last byte). Prints p50 and p95 per page and, as the baseline measured in the same run,
the ratio to the signed-in frame alone (the 404 page: session check, menu and template, no service call). Exits 1 when
any page's p95 is over the budget.

    python -m benchmarks.console_pages                 # build or reuse the demo database, 20 runs a page
    python -m benchmarks.console_pages --repeat 50
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from rich.progress import Progress

from benchmarks.bench_market import BENCH_DIR, console
from ippledge.app import create_app
from ippledge.bootstrap import wire
from ippledge.cmd.options import settings_for
from ippledge.db import make_engine, make_session_factory
from ippledge.demo.console_users import console_users
from ippledge.kernel.clock import business_date  # the sync one: web.deps.business_date is a request dependency
from ippledge.simulation.accounts import DEMO_PASSWORD

BUDGET_MS = 200.0  # issue 15: any page rendered on the demo database in under 200 ms, server-side
MENU = re.compile(r'<nav aria-label="menu">(.*?)</nav>', re.S)
HREF = re.compile(r'href="(/console/[^"?#]*)"')
PARTIAL = re.compile(r'hx-get="(/console/[^"]+)" hx-trigger="load"')  # a part a page loads after itself (HTMX)
RECORD = re.compile(
    r'href="(/console/(?:applications|filings|decisions|loans|ip-assets|fund/claims|valuer/tasks|window/applications|'
    r'disposal/lots|whitelist/items|whitelists|watch-list|insurer/claims|events)/\d+)"'
)


def demo_database(seed: int) -> str:
    """The demo database for today's business date, built on first use (minutes) and reused afterwards."""
    from ippledge.demo.main import run_demo

    today = business_date()
    path = BENCH_DIR / f"console-demo-{today}-s{seed}.db"
    if not path.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        console.print(f"building the demo database for {today} (once) ...")
        run_demo(today, seed=seed, db_path=path, console=console)
    return f"sqlite:///{path}"


def sign_in(client: TestClient, username: str) -> None:
    form = client.get("/console/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf, form[:500]
    r = client.post(
        "/console/login",
        data={"username": username, "password": DEMO_PASSWORD, "csrf": csrf.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, (username, r.status_code, r.text[:300])


def pages_of(client: TestClient) -> list[str]:
    """The user's menu (minus the password form), the first record page of each kind those lists link to (an
    application and the window's desk for it are two kinds), and any part a list or record page loads after itself."""
    home = client.get("/console/").text
    menu = MENU.search(home)
    assert menu, home[:500]
    lists = [h for h in dict.fromkeys(HREF.findall(menu.group(1))) if h != "/console/password"]
    pages = list(lists)
    kinds: set[str] = set()
    for href in lists:
        text = client.get(href).text
        found = [html.unescape(m) for m in PARTIAL.findall(text)]
        for record in RECORD.findall(text):
            kind = record.rsplit("/", 1)[0]
            if kind not in kinds:
                kinds.add(kind)
                found.append(record)
                found += [html.unescape(m) for m in PARTIAL.findall(client.get(record).text)]
        pages += [path for path in found if path not in pages]
    return pages


def timed(client: TestClient, path: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        r = client.get(path)
        out.append((time.perf_counter() - started) * 1000)
        assert r.status_code in (200, 404), (path, r.status_code)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def main() -> None:
    wire()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--database-url", default=None, help="an existing demo database instead of building one")
    args = ap.parse_args()
    url = args.database_url or demo_database(args.seed)
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        users = console_users(s)
    if not users:
        sys.exit("the database has no active loan: not a demo database")
    app = create_app(settings_for(url), engine=engine)
    rows: list[tuple[str, str, float, float, float]] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("pages", total=len(users))
        for role, username in users:
            with TestClient(app, base_url="http://127.0.0.1") as client:
                sign_in(client, username)
                frame = statistics.median(timed(client, "/console/no-such-page", args.repeat))
                for path in dict.fromkeys(["/console/", *pages_of(client)]):
                    ms = timed(client, path, args.repeat)
                    rows.append((role, path, statistics.median(ms), p95(ms), statistics.median(ms) / frame))
            progress.advance(task)
    engine.dispose()
    print(f"console_pages: demo database {Path(url.removeprefix('sqlite:///')).name}, {args.repeat} runs a page")
    print(f"  {'desk':<34} {'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'x frame':>8}")
    over = []
    for role, path, p50, top, ratio in rows:
        flag = "  OVER" if top > BUDGET_MS else ""
        print(f"  {role:<34} {path:<40} {p50:8.1f} {top:8.1f} {ratio:8.1f}{flag}")
        if top > BUDGET_MS:
            over.append(path)
    worst = max(rows, key=lambda r: r[3])
    print(
        f"  {len(rows)} pages; slowest p95 {worst[3]:.1f} ms ({worst[1]}); budget {BUDGET_MS:.0f} ms: "
        + ("all within" if not over else f"{len(over)} over")
    )
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
