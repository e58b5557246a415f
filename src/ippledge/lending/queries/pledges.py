"""The pledges (质押) behind each loan and the loans behind each pledge: a loan's security, the principal and LTV cap
each pledge stands behind (plugged into ``valuation.ports`` by ``bootstrap.wire``), and the active loans news on
pledged IP concerns (贷后监测)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from ippledge.credit import queries as credit_queries
from ippledge.db import Fen
from ippledge.lending import store
from ippledge.lending.queries.summaries import CHUNK, ZERO
from ippledge.lending.tables import Loan, LoanPledge


def pledges_of_loan(session: Session, loan_id: int) -> list[int]:
    """The registered pledges (质押登记) linked to the loan as its security, by pledge id."""
    return store.linked_pledges(session, loan_id)


# -- the loan book behind each pledge (plugged into ``valuation.ports`` by ``bootstrap.wire``) ---------------------


def outstanding_by_pledge(session: Session, pledge_ids: Sequence[int]) -> dict[int, Decimal]:
    """Principal outstanding (yuan) on the loans not closed that each pledge secures (``loan_pledge``), by pledge id.

    Pledges securing no open loan are left out."""
    ids = sorted(set(pledge_ids))
    out: dict[int, Decimal] = {}
    for start in range(0, len(ids), CHUNK):
        stmt = (
            select(LoanPledge.pledge_id, type_coerce(func.sum(Loan.outstanding_principal), Fen))
            .join(Loan, Loan.id == LoanPledge.loan_id)
            .where(LoanPledge.pledge_id.in_(ids[start : start + CHUNK]), Loan.closed_on.is_(None))
            .group_by(LoanPledge.pledge_id)
        )
        out.update((int(pid), total if total is not None else ZERO) for pid, total in session.execute(stmt))
    return out


def ltv_cap_by_pledge(session: Session, pledge_ids: Sequence[int]) -> dict[int, int]:
    """The LTV cap (bp) each pledge's open loans were lent at, by pledge id (the highest when it secures several);
    pledges whose loans recorded none are left out. The revaluation's trigger stands on it."""
    ids = sorted(set(pledge_ids))
    decisions: dict[int, list[int]] = {}
    for start in range(0, len(ids), CHUNK):
        stmt = (
            select(LoanPledge.pledge_id, Loan.decision_id)
            .join(Loan, Loan.id == LoanPledge.loan_id)
            .where(
                LoanPledge.pledge_id.in_(ids[start : start + CHUNK]),
                Loan.closed_on.is_(None),
                Loan.decision_id.is_not(None),
            )
        )
        for pid, did in session.execute(stmt):
            if did is not None:
                decisions.setdefault(int(pid), []).append(int(did))
    caps = credit_queries.ltv_caps(session, [d for ds in decisions.values() for d in ds])
    return {pid: max(caps[d] for d in ds if d in caps) for pid, ds in decisions.items() if any(d in caps for d in ds)}


def open_loans_by_pledge(session: Session, pledge_ids: Sequence[int]) -> dict[int, list[int]]:
    """``pledge id -> ids of the active loans it secures`` (贷后监测: which loans news on pledged IP concerns)."""
    ids = sorted(set(pledge_ids))
    out: dict[int, list[int]] = {}
    for start in range(0, len(ids), CHUNK):
        stmt = (
            select(LoanPledge.pledge_id, Loan.id)
            .join(Loan, Loan.id == LoanPledge.loan_id)
            .where(LoanPledge.pledge_id.in_(ids[start : start + CHUNK]), Loan.status == "active")
            .order_by(LoanPledge.pledge_id, Loan.id)
        )
        for pid, lid in session.execute(stmt):
            out.setdefault(int(pid), []).append(int(lid))
    return out
