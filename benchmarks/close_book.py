"""A loan book for the daily-close benchmark (贷款台账样本): N active loans written with Core executemany.

Loans mix the four repayment methods and 12/24/36-month terms, 1-30 million yuan at 2.8%-4.5%, disbursed before
the close date so that every one is inside its term. The book is as of the evening of ``CLOSE_DAY - 1``: instalments
due by then are paid, except for about 6% of loans that stopped paying 1-8 instalments ago (days past due and grade
set to match); the current period's interest is accrued through that day and ``BusinessDay.last_closed`` is that
day. Disbursements are posted with ``ledger.service.post_many``; past repayments and accruals are only reflected in
the loan rows (no entries), which is all the close reads.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

import numpy as np
from rich.progress import Progress
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from ippledge.access.tables import Party
from ippledge.ledger.accounts import account_code
from ippledge.ledger.model import EntryDraft, Posting
from ippledge.ledger.service import post_many
from ippledge.lending.model.classification import floor_for
from ippledge.lending.model.interest import scheduled_accrual
from ippledge.lending.model.schedule import RepaymentMethod, build_schedule
from ippledge.lending.tables import BusinessDay, Loan, LoanInstalment

CLOSE_DAY = dt.date(2025, 6, 30)
EVE = CLOSE_DAY - dt.timedelta(days=1)
METHODS = list(RepaymentMethod)
METHOD_P = [0.4, 0.25, 0.25, 0.1]
TERMS = [12, 24, 36]
OVERDUE_SHARE = 0.06
ZERO = Decimal("0.00")
BANKS = 12


def _insert_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(rows), 2000):
        ids.extend(session.execute(stmt, rows[start : start + 2000]).scalars())
    return ids


def _parties(session: Session, n_loans: int) -> tuple[list[int], list[int]]:
    party = cast(Table, Party.__table__)
    banks = [{"kind": "bank", "name": f"基准银行{i + 1}", "active": True} for i in range(BANKS)]
    firms = [{"kind": "enterprise", "name": f"基准企业{i + 1:05d}", "active": True} for i in range(n_loans // 4 + 1)]
    return _insert_returning_ids(session, party, banks), _insert_returning_ids(session, party, firms)


def build_book(session: Session, n_loans: int, seed: int, progress: Progress) -> None:
    """Write the book into an empty, migrated database (see the module docstring)."""
    rng = np.random.default_rng(seed)
    banks, firms = _parties(session, n_loans)
    task = progress.add_task("loans and schedules", total=n_loans)
    loan_rows: list[dict[str, Any]] = []
    schedules: list[list[dict[str, Any]]] = []
    for k in range(n_loans):
        method = METHODS[int(rng.choice(len(METHODS), p=METHOD_P))]
        months = int(rng.choice(TERMS))
        principal = Decimal(int(rng.integers(1_000, 30_001))) * 1000
        rate = Decimal(int(rng.integers(2800, 4501))) / Decimal(100_000)
        start = CLOSE_DAY - dt.timedelta(days=int(rng.integers(1, months * 30 - 5)))
        plan = build_schedule(principal, rate, months, start, method)
        unpaid_from = None
        due_by_eve = [i for i in plan.instalments if i.due_date <= EVE]
        if due_by_eve and rng.random() < OVERDUE_SHARE:
            unpaid_from = due_by_eve[-min(len(due_by_eve), int(rng.integers(1, 9)))].due_date
        # Core inserts through the tables' typed columns: amounts are Decimal yuan, stored as fen (``db.Fen``).
        rows, paid_principal, period_start = [], ZERO, start
        for inst in plan.instalments:
            paid = inst.due_date <= EVE and (unpaid_from is None or inst.due_date < unpaid_from)
            accrued = inst.interest if inst.due_date <= EVE else ZERO
            if period_start <= EVE < inst.due_date:
                accrued = scheduled_accrual(inst.interest, period_start, inst.due_date, EVE, ZERO)
            rows.append(
                {
                    "period": inst.period,
                    "start_date": period_start,
                    "due_date": inst.due_date,
                    "principal_fen": inst.principal,
                    "interest_fen": inst.interest,
                    "interest_accrued_fen": accrued,
                    "paid_principal_fen": inst.principal if paid else ZERO,
                    "paid_interest_fen": inst.interest if paid else ZERO,
                    "settled_on": inst.due_date if paid else None,
                }
            )
            paid_principal += inst.principal if paid else ZERO
            period_start = inst.due_date
        dpd = (EVE - unpaid_from).days if unpaid_from is not None else 0
        loan_rows.append(
            {
                "contract_no": f"BENCH-{seed}-{k + 1:06d}",
                "bank_id": banks[int(rng.integers(0, len(banks)))],
                "borrower_id": firms[k // 4],
                "currency": "CNY",
                "principal_fen": principal,
                "annual_rate": rate,
                "penalty_uplift": Decimal("0.5") if rng.random() < 0.7 else Decimal("0.3"),
                "method": method.value,
                "term_months": months,
                "contracted_on": start,
                "disbursed_on": start,
                "maturity_date": plan.instalments[-1].due_date,
                "status": "active",
                "outstanding_principal_fen": principal - paid_principal,
                "dpd": dpd,
                "grade": floor_for(dpd).code,
                "accrued_through": EVE,
                "penalty_exact": Decimal(0),
                "penalty_posted_fen": ZERO,
            }
        )
        schedules.append(rows)
        progress.advance(task)
    loan_ids = _insert_returning_ids(session, cast(Table, Loan.__table__), loan_rows)
    inst_rows = [{"loan_id": lid, **r} for lid, rows in zip(loan_ids, schedules, strict=True) for r in rows]
    for start in range(0, len(inst_rows), 5000):
        session.execute(insert(cast(Table, LoanInstalment.__table__)), inst_rows[start : start + 5000])
    drafts = []
    for lid, row in zip(loan_ids, loan_rows, strict=True):
        amount = row["principal_fen"]
        lines = (
            Posting(account_code(row["bank_id"], "loan_principal", lid), amount),
            Posting(account_code(row["borrower_id"], "settlement"), -amount),
        )
        drafts.append(EntryDraft(row["disbursed_on"], "loan.disbursement", lines, "loan", str(lid), "放款", f"d:{lid}"))
    posting = progress.add_task("disbursement entries", total=1)
    post_many(session, "bench", drafts)
    progress.advance(posting)
    session.add(BusinessDay(id=1, last_closed=EVE))
    session.flush()
