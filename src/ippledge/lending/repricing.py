"""Floating-rate loans repriced from the LPR (浮动利率贷款按LPR重定价), ``model.repricing`` for the rule.

- ``set_floating``: the bank records the contract's floating-rate clause on an active loan: the spread over the
  1-year LPR (default: the spread the credit decision priced, its rate minus the LPR it used) and the repricing
  period (1, 3, 6 or 12 months from disbursement). A second clause is a 409.
- ``reprice_due``: run by the daily close before the day's accrual (``lending.close``), and catch-up safe: every
  floating loan whose repricing date has come takes the LPR in force on that date (``credit.queries.lpr_fixing``)
  plus its spread; the periods starting on or after the date are re-amortised at the new rate over the principal
  they carry (same method, same due dates), a bullet loan's interest moves by the months left. Every repricing is
  a ``LoanRateChange`` row and a ``lending.repriced`` event, the rate unchanged or not.
Flushes only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal, Role
from ippledge.credit import queries as credit_queries
from ippledge.kernel.money import round_fen
from ippledge.ledger import service as ledger
from ippledge.lending import store
from ippledge.lending.contracts import require_bank_staff
from ippledge.lending.errors import FLOATING_EXISTS, FLOATING_PERIOD, FLOATING_SPREAD, NOT_ACTIVE, NOT_FOR_QUARTERLY
from ippledge.lending.model import postings
from ippledge.lending.model.repricing import (
    PERIODS,
    bullet_interest_change,
    next_repricing,
    rate_of,
    repricing_date,
)
from ippledge.lending.model.schedule import RepaymentMethod, build_schedule
from ippledge.lending.tables import Loan, LoanFloatingRate, LoanRateChange
from ippledge.outbox.events import publish

ZERO = Decimal("0.00")
SPREAD_RANGE = (-300, 1000)  # bp: a guard against typing errors, not a policy


def set_floating(
    session: Session,
    officer: Principal,
    loan_id: int,
    every_months: int,
    today: dt.date,
    spread_bp: int | None = None,
    tenor: str = "1y",
) -> LoanFloatingRate:
    """The floating-rate clause of an active loan; the first repricing date is the first anchored one after today."""
    store.visible_loan(session, officer, loan_id)
    loan = store.lock_loan(session, loan_id)
    require_bank_staff(officer, loan, Role.CREDIT_OFFICER, Role.APPROVER)
    if loan.status != "active" or loan.disbursed_on is None:
        raise NOT_ACTIVE(status=loan.status)
    if session.get(LoanFloatingRate, loan.id) is not None:
        raise FLOATING_EXISTS()
    if loan.method == RepaymentMethod.INTEREST_QUARTERLY.value:  # repricing dates are months from disbursement
        raise NOT_FOR_QUARTERLY(what_zh="浮动利率重定价", what_en="floating-rate repricing")
    if every_months not in PERIODS:
        raise FLOATING_PERIOD(every_months=every_months)
    if spread_bp is None:
        terms = credit_queries.decision_terms(session, [loan.decision_id] if loan.decision_id else [])
        t = terms.get(loan.decision_id or 0)
        if t is not None:
            spread_bp = t.rate_bp - t.lpr_bp
        else:
            _, lpr_bp = credit_queries.lpr_fixing(session, loan.disbursed_on, tenor)
            spread_bp = int((loan.annual_rate * 10_000).to_integral_value()) - lpr_bp
    if not SPREAD_RANGE[0] <= spread_bp <= SPREAD_RANGE[1]:
        raise FLOATING_SPREAD(spread_bp=spread_bp)
    k, next_on = next_repricing(loan.disbursed_on, every_months, max(today, loan.disbursed_on))
    row = LoanFloatingRate(
        loan_id=loan.id, tenor=tenor, spread_bp=spread_bp, every_months=every_months, next_k=k, next_on=next_on
    )
    session.add(row)
    session.flush()
    payload = {"spread_bp": spread_bp, "every_months": every_months, "next_on": next_on.isoformat(), "tenor": tenor}
    audit.record(session, officer, "lending.floating_rate", "loan", loan.id, payload)
    return row


def reprice_due(session: Session, actor: ledger.Actor, day: dt.date) -> int:
    """Reprice every floating loan whose repricing date is on or before ``day``; the number of repricings."""
    stmt = select(LoanFloatingRate).where(LoanFloatingRate.next_on <= day).order_by(LoanFloatingRate.loan_id)
    n = 0
    for clause in list(session.scalars(stmt)):
        loan = store.lock_loan(session, clause.loan_id)
        if loan.status != "active" or loan.disbursed_on is None:
            continue
        while clause.next_on <= day:
            _reprice(session, actor, loan, clause)
            clause.next_k += 1
            clause.next_on = repricing_date(loan.disbursed_on, clause.every_months, clause.next_k)
            n += 1
    session.flush()
    return n


def _reprice(session: Session, actor: ledger.Actor, loan: Loan, clause: LoanFloatingRate) -> None:
    on = clause.next_on
    assert loan.disbursed_on is not None
    lpr_date, lpr_bp = credit_queries.lpr_fixing(session, on, clause.tenor)
    old, new = loan.annual_rate, rate_of(lpr_bp, clause.spread_bp)
    elapsed = clause.every_months * clause.next_k  # months from disbursement to this repricing date
    rows = [r for r in store.instalments(session, loan.id) if r.settled_on is None]
    method = RepaymentMethod(loan.method)
    from_period = 0
    reversal = ZERO
    if rows and new != old:
        if method is RepaymentMethod.BULLET:
            row = rows[-1]
            months_left = loan.term_months - elapsed
            if months_left > 0:
                change = bullet_interest_change(row.principal - row.paid_principal, old, new, months_left)
                row.interest += round_fen(change)
                from_period = row.period
        else:
            future = [r for r in rows if r.period > elapsed]
            if future:
                rest = sum((r.principal - r.paid_principal for r in future), ZERO)
                sched = build_schedule(rest, new, len(future), loan.disbursed_on, method, first_period=future[0].period)
                for r, i in zip(future, sched.instalments, strict=True):
                    r.principal, r.interest = i.principal + r.paid_principal, i.interest
                from_period = future[0].period
        for r in rows:
            if r.interest_accrued > r.interest:  # accrued ahead of the lower interest now owed: reverse it
                reversal += r.interest - r.interest_accrued
                r.interest_accrued = r.interest
    if reversal:
        key = f"reprice:{loan.id}:{on.isoformat()}:accrual"
        ledger.post(session, actor, postings.interest_accrual(loan.bank_id, loan.id, reversal, on, key))
    loan.annual_rate = new
    session.add(
        LoanRateChange(
            loan_id=loan.id,
            on=on,
            lpr_date=lpr_date,
            lpr_bp=lpr_bp,
            spread_bp=clause.spread_bp,
            from_rate=old,
            to_rate=new,
            from_period=from_period,
        )
    )
    payload = {
        "loan_id": loan.id,
        "on": on.isoformat(),
        "lpr_date": lpr_date.isoformat(),
        "lpr_bp": lpr_bp,
        "spread_bp": clause.spread_bp,
        "from_rate": str(old),
        "to_rate": str(new),
        "from_period": from_period,
    }
    audit.record(session, actor, "lending.repriced", "loan", loan.id, payload)
    publish(session, "lending.repriced", payload, loan.bank_id, also=(loan.borrower_id,))


def rate_changes(session: Session, loan_id: int) -> list[LoanRateChange]:
    stmt = select(LoanRateChange).where(LoanRateChange.loan_id == loan_id).order_by(LoanRateChange.on)
    return list(session.scalars(stmt))
