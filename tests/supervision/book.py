"""A hand-made book for supervision tests: loans written straight into the lending tables (as the benchmark does),
so that a market of several banks costs milliseconds instead of a full application-to-disbursement each."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from ippledge.lending.tables import Loan

_SEQ = itertools.count(1)


def write_loan(
    factory: sessionmaker[Session],
    bank_id: int,
    borrower_id: int,
    principal: str,
    on: dt.date,
    grade: str = "normal",
    **extra: Any,
) -> None:
    """One one-year bullet loan disbursed on ``on``, still outstanding in full (``grade`` as it stands)."""
    amount = Decimal(principal)
    row = {
        "contract_no": f"T{next(_SEQ):07d}",
        "bank_id": bank_id,
        "borrower_id": borrower_id,
        "currency": "CNY",
        "principal_fen": amount,
        "annual_rate": Decimal("0.0400"),
        "penalty_uplift": Decimal("0.5"),
        "method": "bullet",
        "term_months": 12,
        "contracted_on": on,
        "disbursed_on": on,
        "maturity_date": on + dt.timedelta(days=365),
        "status": "active",
        "outstanding_principal_fen": amount,
        "dpd": 0,
        "grade": grade,
        **extra,
    }
    with factory.begin() as s:
        s.execute(insert(Loan.__table__), [row])
