"""A loaded `beijing` (or scaled-down) simulated market for the benchmarks, built once and reused from var/bench/.

The pristine database is kept; each benchmark run works on a copy, so runs are repeatable. Like every entry point,
the helpers call the composition root (``bootstrap.wire``) before they touch a database.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from ippledge.access import queries as parties
from ippledge.access.model import Principal
from ippledge.bootstrap import wire
from ippledge.db import make_engine
from ippledge.migrations.tools import upgrade
from ippledge.simulation.generate import generate
from ippledge.simulation.load import load
from ippledge.simulation.spec import preset

BENCH_DIR = Path("var") / "bench"
MARKET_DAY = dt.date(2024, 6, 28)  # fixed, so the cached market and the events stay valid across runs
console = Console(stderr=True)


def pristine(scale: str, seed: int, factor: float = 1.0) -> Path:
    """Path of a pristine SQLite database with the market loaded; built on first use."""
    wire()
    name = f"{scale}-s{seed}" + (f"-x{factor:g}" if factor != 1.0 else "") + ".db"
    path = BENCH_DIR / name
    if path.exists():
        _add_missing_indexes(path)
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{tmp}")
    upgrade(engine)
    spec = preset(scale, as_of=MARKET_DAY)
    if factor != 1.0:
        spec = spec.scaled(factor)
    console.print(f"building the {spec.name} market once (cached in {path}) ...")
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        market = generate(spec, seed, progress)
        load(engine, market, progress=progress)
    engine.dispose()
    tmp.rename(path)
    console.print(f"market built in {time.perf_counter() - started:.0f} s")
    return path


def _add_missing_indexes(path: Path) -> None:
    """A market cached before an index was added to the schema gets it now (the tables themselves are unchanged)."""
    from ippledge.db import Base
    from ippledge.migrations import schema  # noqa: F401  (every table)

    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        existing = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars())
        for table in Base.metadata.sorted_tables:
            for index in table.indexes:
                if index.name not in existing and conn.dialect.has_table(conn, table.name):
                    console.print(f"adding index {index.name} to the cached market")
                    index.create(conn)
    engine.dispose()


def working_copy(src: Path, name: str) -> Path:
    dst = BENCH_DIR / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    return dst


def principal(session: Session, username: str) -> Principal:
    """The principal of a simulated user (``bank1.officer`` ...); exits when the market has no such user."""
    wire()
    found = parties.principal_of(session, username)
    if found is None:
        raise SystemExit(f"user {username} missing from the market")
    return found
