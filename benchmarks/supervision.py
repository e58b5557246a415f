"""Supervision reports on the simulated Beijing 2019-2022 book (监管报表基准): one report slice and the full annual
workbook, timed on SQLite or PostgreSQL.

The book is ``simulation.history`` (seed 1 by default): its banks, branches (head office, Beijing branch,
sub-branches with their 特色 types), loans (bullet, one year, a few non-performing from their default date),
repayments of the matured loans and pledge registrations, written with Core ``executemany`` into an empty, migrated
database. Repayments point at one bench journal entry (the reports read the repayment rows, not the ledger).

Timed, each as the regulator asks for it (``supervision.queries`` through to the response body):
- slice: the 2022 statistics by bank (累放, growth against 2021, balance, NPL against the overall ratio + 3 pp);
- workbook: the 2022 statistics by bank and month, the ranking and the branch KPIs, and the Excel workbook bytes.

Targets (issue 14): a slice under 1 s, the workbook under 10 s on 2 cores. ``--database-url`` takes an EMPTY
PostgreSQL database or schema (``?options=-csearch_path%3Dname``); by default a fresh SQLite file in var/bench.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, Table, event, func, insert, select
from sqlalchemy.orm import Session

from benchmarks.bench_market import BENCH_DIR, console
from ippledge.access.tables import BankBranch, Party
from ippledge.bootstrap import wire
from ippledge.db import make_engine, make_session_factory, unit_of_work
from ippledge.ledger.tables import JournalEntry
from ippledge.lending.tables import Loan, LoanGradeChange, LoanRepayment
from ippledge.migrations import schema  # noqa: F401  (every table mapped, so foreign keys resolve)
from ippledge.migrations.tools import upgrade
from ippledge.pledge.tables import Pledge
from ippledge.simulation import history
from ippledge.supervision import model, queries
from ippledge.supervision.schemas import kpi_out, ranking_out, statistics_out
from ippledge.supervision.workbook import xlsx_bytes

COLUMNS = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
YEAR = model.Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31))
CHUNK = 2_000


def _insert_ids(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    t = cast(Table, table.__table__)
    stmt = insert(t).returning(t.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        ids.extend(session.execute(stmt, rows[start : start + CHUNK]).scalars())
    return ids


def _insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    t = cast(Table, table.__table__)
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(t), rows[start : start + CHUNK])


def load_book(session: Session, book: history.History, progress: Progress) -> dict[str, int]:
    """Write the simulated book (see the module docstring); returns row counts."""
    task = progress.add_task("book", total=6)
    n_banks = int(book.params["bank_pool"])
    banks = _insert_ids(
        session, Party, [{"kind": "bank", "name": f"模拟银行{i:02d}", "active": True} for i in range(1, n_banks + 1)]
    )
    [registry, guarantor] = _insert_ids(
        session,
        Party,
        [
            {"kind": "registry", "name": "模拟登记机关", "active": True},
            {"kind": "guarantor", "name": "模拟担保", "active": True},
        ],
    )
    firms = sorted({ln.borrower for ln in book.loans} | {r.pledgor_id for r in book.registrations})
    firm_ids = dict(
        zip(
            firms,
            _insert_ids(
                session,
                Party,
                [
                    {"kind": "enterprise", "name": f"模拟企业{f}", "active": True, "region_code": "110108"}
                    for f in firms
                ],
            ),
            strict=True,
        )
    )
    progress.advance(task)
    branch_ids: dict[int, int] = {}
    for level in ("head_office", "branch", "sub_branch"):  # parents before children
        rows = [b for b in book.branches if b.level == level]
        parent = {b.bank: branch_ids[b.id] for b in book.branches if b.id in branch_ids and b.level == "branch"}
        head = {b.bank: branch_ids[b.id] for b in book.branches if b.id in branch_ids and b.level == "head_office"}
        ids = _insert_ids(
            session,
            BankBranch,
            [
                {
                    "bank_id": banks[b.bank - 1],
                    "parent_id": None
                    if level == "head_office"
                    else (head[b.bank] if level == "branch" else parent[b.bank]),
                    "level": level,
                    "branch_type": b.branch_type,
                    "name": f"模拟银行{b.bank:02d}-{b.id}",
                    "region_code": b.region_code,
                    "opened_on": dt.date(2018, 1, 1),
                }
                for b in rows
            ],
        )
        branch_ids.update(zip((b.id for b in rows), ids, strict=True))
    progress.advance(task)
    today = dt.date(2023, 3, 31)
    loan_rows = []
    for ln in book.loans:
        repaid = ln.default_on is None and ln.maturity <= today
        loan_rows.append(
            {
                "contract_no": f"SIM{ln.id:07d}",
                "bank_id": banks[ln.bank - 1],
                "borrower_id": firm_ids[ln.borrower],
                "branch_id": branch_ids[ln.branch],
                "currency": "CNY",
                "principal_fen": ln.principal,
                "annual_rate": ln.annual_rate,
                "penalty_uplift": Decimal("0.5"),
                "method": "bullet",
                "term_months": 12,
                "contracted_on": ln.disbursed_on,
                "disbursed_on": ln.disbursed_on,
                "maturity_date": ln.maturity,
                "status": "repaid" if repaid else "active",
                "outstanding_principal_fen": Decimal("0.00") if repaid else ln.principal,
                "dpd": 0,
                "grade": "normal" if ln.default_on is None or ln.default_on > today else "substandard",
                "closed_on": ln.maturity if repaid else None,
            }
        )
    loan_ids = _insert_ids(session, Loan, loan_rows)
    progress.advance(task)
    [entry] = _insert_ids(
        session,
        JournalEntry,
        [{"entry_date": today, "kind": "bench", "memo": "supervision bench", "created_by": "bench"}],
    )
    _insert(
        session,
        LoanRepayment,
        [
            {
                "loan_id": lid,
                "kind": "payoff",
                "value_date": ln.maturity,
                "amount_fen": ln.principal,
                "principal_fen": ln.principal,
                "entry_id": entry,
                "allocation": "[]",
            }
            for lid, ln in zip(loan_ids, book.loans, strict=True)
            if ln.default_on is None and ln.maturity <= today
        ],
    )
    grades = [
        {
            "loan_id": lid,
            "on": ln.default_on,
            "from_grade": "normal",
            "to_grade": "substandard",
            "dpd": 91,
            "actor": "bench",
        }
        for lid, ln in zip(loan_ids, book.loans, strict=True)
        if ln.default_on is not None and ln.default_on <= today
    ]
    _insert(session, LoanGradeChange, grades)
    progress.advance(task)
    _insert(
        session,
        Pledge,
        [
            {
                "registration_no": f"SIMR{r.pledge_id:07d}",
                "registry_id": registry,
                "pledgor_id": firm_ids[r.pledgor_id],
                "pledgee_id": banks[r.pledgee_id - 1] if r.pledgee_id else guarantor,
                "debt_amount_fen": r.amount,
                "currency": "CNY",
                "debt_end": r.effective_on + dt.timedelta(days=365),
                "effective_on": r.effective_on,
                "status": "in_force",
            }
            for r in book.registrations
        ],
    )
    progress.advance(task)
    progress.advance(task)
    return {
        "banks": len(banks),
        "branches": len(branch_ids),
        "enterprises": len(firm_ids),
        "loans": len(loan_ids),
        "grade changes": len(grades),
        "registrations": len(book.registrations),
    }


class DbMeter:
    """Where the wall time goes: statements sent (round trips) and the seconds spent inside the driver's execute
    (on PostgreSQL the server's work and the transfer of the rows; on SQLite the engine's work, in this process)."""

    def __init__(self, engine: Engine) -> None:
        self.statements = 0
        self.seconds = 0.0
        self._started: list[float] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_: Any) -> None:
        self._started.append(time.perf_counter())

    def _after(self, *_: Any) -> None:
        self.statements += 1
        self.seconds += time.perf_counter() - self._started.pop()


@dataclass
class Timing:
    """Medians of the runs: wall and this process's CPU seconds, seconds in the database driver, statements, and
    involuntary context switches (this process taken off a CPU while it could run: the machine's load)."""

    wall: float
    cpu: float
    db: float
    statements: int
    preempted: int

    def text(self) -> str:
        return (
            f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU, {self.db:.2f} s in the driver over {self.statements} "
            f"statements, {self.preempted:,} preemptions"
        )


def _timed(fn: Any, repeat: int, meter: DbMeter) -> tuple[Timing, Any]:
    """The medians of ``repeat`` runs and the last result. On a shared machine the CPU time is the steadier figure;
    wall less CPU less the server's share of the driver time is time spent waiting for a CPU."""
    runs, out = [], None
    for _ in range(repeat):
        meter.statements, meter.seconds = 0, 0.0
        switches = resource.getrusage(resource.RUSAGE_SELF).ru_nivcsw
        started, cpu = time.perf_counter(), time.process_time()
        out = fn()
        runs.append(
            Timing(
                time.perf_counter() - started,
                time.process_time() - cpu,
                meter.seconds,
                meter.statements,
                resource.getrusage(resource.RUSAGE_SELF).ru_nivcsw - switches,
            )
        )
    med = statistics.median
    return (
        Timing(
            med(r.wall for r in runs),
            med(r.cpu for r in runs),
            med(r.db for r in runs),
            int(med(r.statements for r in runs)),
            int(med(r.preempted for r in runs)),
        ),
        out,
    )


def main() -> None:
    wire()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--database-url", default=None, help="an EMPTY PostgreSQL database (default: SQLite in var/bench)")
    args = ap.parse_args()
    if args.database_url:
        engine: Engine = make_engine(args.database_url)
    else:
        path = BENCH_DIR / f"supervision-s{args.seed}.db"
        path.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    with Progress(*COLUMNS, console=console) as progress:
        book = history.simulate(history.load_params(), args.seed, progress)
        simulated = time.perf_counter() - started
        with unit_of_work(factory) as s:
            if s.scalar(select(func.count()).select_from(Loan)):
                raise SystemExit("the database already holds loans; give an empty database")
            counts = load_book(s, book, progress)
    loaded = time.perf_counter() - started - simulated

    def slice_() -> Any:
        with factory() as s:
            return statistics_out(queries.statistics(s, None, YEAR, (model.Dimension.BANK,)))

    def workbook() -> bytes:
        with factory() as s:
            facts = queries.loan_facts(s, YEAR.end)  # one read of the book for the three reports (record 0034)
            by = (model.Dimension.BANK, model.Dimension.MONTH)
            stats = statistics_out(queries.statistics(s, None, YEAR, by, facts=facts))
            rule, rows, names = queries.ranking(s, None, YEAR, facts=facts)
            ranking_out(YEAR, None, rule, rows, names)
            kpi_out(queries.kpi_report(s, None, YEAR, facts=facts))
            return xlsx_bytes(stats)

    meter = DbMeter(engine)
    load_before = os.getloadavg()[0]
    slice_t, body = _timed(slice_, args.repeat, meter)
    book_t, data = _timed(workbook, args.repeat, meter)
    load = max(load_before, os.getloadavg()[0])
    backend = engine.dialect.name
    print(
        f"supervision: backend {backend}, seed {args.seed}: "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + f" (simulated in {simulated:.1f} s, loaded in {loaded:.1f} s)"
    )
    print(
        f"  slice    : 2022 statistics by bank, {len(body.banks)} bank lines, "
        f"累放 {body.loan_total.disbursed:,.0f} 元: median of {args.repeat}: {slice_t.text()} (target < 1 s)"
    )
    print(
        f"  workbook : 2022 by bank and month + ranking + branch KPIs + xlsx ({len(data):,} bytes): "
        f"median of {args.repeat}: {book_t.text()} (target < 10 s)"
    )
    print(f"  machine  : {os.cpu_count()} CPUs, load average {load:.1f} (1-minute, the higher of start and end)")
    engine.dispose()


if __name__ == "__main__":
    main()
