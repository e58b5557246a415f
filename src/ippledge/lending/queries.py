"""Published read face (查询接口) of lending: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.kernel.money import from_fen
from ippledge.lending.tables import Loan, LoanPledge

# -- the loan book behind each pledge (plugged into ``valuation.ports`` by wiring) -----------------------------------


def outstanding_by_pledge(session: Session, pledge_ids: Sequence[int]) -> dict[int, Decimal]:
    """Principal outstanding (yuan) on the loans not closed that each pledge secures (``loan_pledge``), by pledge id.

    Pledges securing no open loan are left out."""
    ids = sorted(set(pledge_ids))
    out: dict[int, Decimal] = {}
    for start in range(0, len(ids), 5_000):
        stmt = (
            select(LoanPledge.pledge_id, func.sum(Loan.outstanding_principal_fen))
            .join(Loan, Loan.id == LoanPledge.loan_id)
            .where(LoanPledge.pledge_id.in_(ids[start : start + 5_000]), Loan.closed_on.is_(None))
            .group_by(LoanPledge.pledge_id)
        )
        out.update((pid, from_fen(int(total or 0))) for pid, total in session.execute(stmt))
    return out
