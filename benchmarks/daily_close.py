"""Daily close throughput (业务日终): one business date for 10,000 active loans, against a naive per-loan ORM loop.

The bulk close is ``lending.close.service.close_day`` (set-based loads, one ``post_many``, Core executemany updates, one
commit), loan-loss provisioning included: the cached book holds no allowance yet, so this close books every loan's
first allowance (one entry per bank, a line and a new allowance account per loan), the most a close ever books; later
closes only touch loans whose allowance changes. The baseline does the rest of the work (not provisioning) the way
a first integration would: for each loan ``session.get``, its instalments through the ORM, the same plan
(``close.model.plan_day``), one ``ledger.service.post`` per entry, ORM attribute updates and a flush per loan, over a
sample of the loans; its rate is extrapolated. On SQLite both run on
copies of one pristine book (built once into var/bench/); on PostgreSQL (``--database-url`` of an EMPTY database,
built each run) the baseline runs in a transaction that is rolled back, then the close runs on the same state.

    python -m benchmarks.daily_close            # 10,000 loans
    python -m benchmarks.daily_close --quick    # 1,000 loans
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.bench_market import BENCH_DIR, console, working_copy
from benchmarks.close_book import CLOSE_DAY, build_book
from ippledge.bootstrap import wire
from ippledge.db import make_engine, make_session_factory, unit_of_work
from ippledge.kernel.money import format_yuan
from ippledge.ledger import service as ledger
from ippledge.lending.close.model import CurrentPeriod, LoanState, Overdue, plan_day
from ippledge.lending.close.service import close_day, entry_drafts
from ippledge.lending.tables import Loan, LoanGradeChange, LoanInstalment
from ippledge.migrations import schema  # noqa: F401  (every table, so foreign keys resolve on a cached book)
from ippledge.migrations.tools import upgrade

COLUMNS = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def _build(engine: Engine, n: int, seed: int) -> None:
    upgrade(engine)
    factory = make_session_factory(engine)
    with Progress(*COLUMNS, console=console) as progress, unit_of_work(factory) as s:
        if s.scalar(select(func.count()).select_from(Loan)):
            raise SystemExit("the database already holds loans; give an empty database")
        build_book(s, n, seed, progress)


def pristine_book(n: int, seed: int) -> Path:
    path = BENCH_DIR / f"close-{n}-s{seed}.db"
    if path.exists():
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    console.print(f"building a book of {n:,} loans once (cached in {path}) ...")
    engine = make_engine(f"sqlite:///{tmp}")
    _build(engine, n, seed)
    engine.dispose()
    tmp.rename(path)
    return path


def naive_close_one(s: Session, loan_id: int) -> None:
    """The per-loan ORM way: same maths as the close, one row and one entry at a time."""
    loan = s.get(Loan, loan_id)
    assert loan is not None
    day = CLOSE_DAY
    instalments = s.scalars(select(LoanInstalment).where(LoanInstalment.loan_id == loan_id)).all()
    cur = next((i for i in instalments if i.start_date <= day < i.due_date), None)
    unpaid = [
        i for i in instalments if i.due_date <= day and (i.paid_principal < i.principal or i.paid_interest < i.interest)
    ]
    overdue = (
        Overdue(min(i.due_date for i in unpaid), sum((i.principal - i.paid_principal for i in unpaid), Decimal(0)))
        if unpaid
        else None
    )
    state = LoanState(
        loan.id,
        loan.bank_id,
        loan.annual_rate,
        loan.penalty_uplift,
        loan.dpd,
        loan.grade,
        loan.penalty_exact,
        loan.penalty_posted,
    )
    current = (
        CurrentPeriod(cur.period, cur.start_date, cur.due_date, cur.interest, cur.interest_accrued)
        if cur is not None
        else None
    )
    plan = plan_day(day, state, current, overdue)
    for draft in entry_drafts(day, {loan.id: loan.bank_id}, [plan]):
        ledger.post(s, "bench:naive", draft)
    if cur is not None:
        cur.interest_accrued = plan.interest_accrued
    if plan.reclassified:
        s.add(
            LoanGradeChange(
                loan_id=loan.id, on=day, from_grade=loan.grade, to_grade=plan.grade.code, dpd=plan.dpd, actor="close"
            )
        )
    loan.dpd, loan.grade, loan.accrued_through = plan.dpd, plan.grade.code, day
    loan.penalty_exact, loan.penalty_posted = plan.penalty_exact, plan.penalty_posted
    s.flush()


def run_naive(factory: sessionmaker[Session], sample: list[int], commit: bool) -> float:
    started = time.perf_counter()
    with Progress(*COLUMNS, console=console, transient=True) as progress:
        task = progress.add_task("naive per-loan ORM loop", total=len(sample))
        s = factory()
        try:
            for loan_id in sample:
                naive_close_one(s, loan_id)
                progress.advance(task)
            s.commit() if commit else s.rollback()
        finally:
            s.close()
    return time.perf_counter() - started


def main() -> None:
    wire()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loans", type=int, default=10_000)
    ap.add_argument("--baseline", type=int, default=500, help="loans closed one at a time for the baseline")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="1,000 loans")
    ap.add_argument("--database-url", default=None, help="an EMPTY PostgreSQL database (default: SQLite in var/bench)")
    args = ap.parse_args()
    n = 1_000 if args.quick else args.loans
    rng = np.random.default_rng(args.seed)

    if args.database_url:
        engine = make_engine(args.database_url)
        _build(engine, n, args.seed)
        naive_engine, close_engine, backend = engine, engine, engine.dialect.name
    else:
        src = pristine_book(n, args.seed)
        naive_engine = make_engine(f"sqlite:///{working_copy(src, 'close-naive.db')}")
        close_engine = make_engine(f"sqlite:///{working_copy(src, 'close-bulk.db')}")
        backend = "sqlite"
    naive_factory, close_factory = make_session_factory(naive_engine), make_session_factory(close_engine)
    with naive_factory() as s:
        ids = list(s.scalars(select(Loan.id).where(Loan.status == "active").order_by(Loan.id)))
    sample = sorted(int(i) for i in rng.choice(ids, size=min(args.baseline, len(ids)), replace=False))

    naive_s = run_naive(naive_factory, sample, commit=not args.database_url)
    naive_rate = len(sample) / naive_s

    started = time.perf_counter()
    with unit_of_work(close_factory) as s:
        report = close_day(s, "bench:close", CLOSE_DAY)
    bulk_s = time.perf_counter() - started
    bulk_rate = report.loans / bulk_s

    print(f"daily_close: backend {backend}, {report.loans:,} active loans, close date {CLOSE_DAY} (seed {args.seed})")
    print(
        f"  bulk close : {report.loans:,} loans in {bulk_s:.2f} s = {bulk_rate:,.0f} loans/s "
        f"({report.entries:,} entries; interest {format_yuan(report.interest)}, penalty {format_yuan(report.penalty)}; "
        f"{report.overdue_loans:,} past due, {sum(report.reclassified.values()):,} reclassified; "
        f"allowance +{format_yuan(report.provision_charge)})"
    )
    print(f"  baseline   : {len(sample):,} loans one at a time in {naive_s:.2f} s = {naive_rate:,.0f} loans/s")
    print(f"  ratio      : {bulk_rate / naive_rate:,.1f}x")
    for e in {naive_engine, close_engine}:
        e.dispose()


if __name__ == "__main__":
    main()
