"""Repayments (还款), deposits, partial prepayment (部分提前还款) and payoff (提前结清).

- ``deposit``: the bank records cash received for a borrower (Dr bank cash / Cr borrower settlement).
- ``repay``: settles what is due on ``value_date`` (instalments with due date <= value date, and any advance the
  bank paid for the borrower, 代垫费用, due at once): advances, penalty, then interest, then principal, oldest
  first (``model.repayment_order.allocate``). Money beyond what is due is
  ``lending.overpayment`` (422) unless ``prepay=True``: then it repays principal early
  (``model.prepayment.partial_prepayment``, reduce payment by default or reduce term) with broken-period interest at
  annual / 360 on the principal repaid early (and a fee if ``fee_rate``). The prepaid principal is the largest
  whole-fen amount whose principal + interest + fee fit in the leftover
  (``model.prepayment.prepaid_principal_fitting``); the few fen that do not fit stay in the settlement account.
- ``payoff``: everything due plus the not-yet-due principal and the interest accrued on it since the last due date
  (``model.prepayment.payoff_quote``), plus an optional fee to fee income. The loan is then repaid.
A receipt under a key already booked returns the first receipt (the API's ``run_once`` replays it first anyway).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.access.queries import party_kind
from ippledge.kernel.clock import business_date
from ippledge.kernel.errors import not_found
from ippledge.kernel.money import positive_money
from ippledge.ledger import service as ledger
from ippledge.lending import store
from ippledge.lending.errors import (
    NOT_ACTIVE,
    NOT_FOR_QUARTERLY,
    OVERPAYMENT,
    PAYOFF_INCOMPLETE,
    USE_PAYOFF,
    VALUE_DATE,
)
from ippledge.lending.model import postings
from ippledge.lending.model.prepayment import (
    PayoffQuote,
    PrepaymentMode,
    partial_prepayment,
    payoff_quote,
    prepaid_principal_fitting,
)
from ippledge.lending.model.repayment_order import Due, allocate
from ippledge.lending.model.schedule import Instalment, RepaymentMethod, Schedule
from ippledge.lending.model.value_date import check_value_date
from ippledge.lending.receipts import (
    Line,
    Receipt,
    book,
    close_if_repaid,
    receipt_key,
    receivable,
    replayed,
    require_funds,
    require_payer,
)
from ippledge.lending.schemas import PayoffQuoteOut
from ippledge.lending.tables import Loan, LoanInstalment, LoanRepayment

ZERO = Decimal("0.00")


def deposit(
    session: Session,
    principal: Principal,
    borrower_id: int,
    amount: Decimal | str | int,
    value_date: dt.date,
    key: str,
    currency: str = "CNY",
    today: dt.date | None = None,
) -> int:
    """存入: the caller's bank receives ``amount`` for the borrower's settlement account; the entry's id.

    ``today`` is the business date (``None``: today in China); a later ``value_date`` is refused."""
    principal.require_kind(PartyKind.BANK)
    principal.require(Role.CREDIT_OFFICER)
    value = positive_money(amount, currency)
    check_value_date(value_date, today or business_date(), what_zh="存入日")
    if party_kind(session, borrower_id) is not PartyKind.ENTERPRISE:
        raise not_found("借款企业", "borrower", id=borrower_id)
    draft = postings.deposit(principal.party_id, borrower_id, value, value_date, f"deposit:{principal.party_id}:{key}")
    entry = ledger.post(session, principal, draft)
    audit.record(session, principal, "lending.deposit", "party", borrower_id, {"amount": str(value), "entry": entry.id})
    return entry.id


def _open_loan(
    session: Session, principal: Principal, loan_id: int, value_date: dt.date, today: dt.date | None
) -> Loan:
    """The active loan, locked; ``value_date`` between the loan's last closed date and the business date."""
    store.visible_loan(session, principal, loan_id)
    loan = store.lock_loan(session, loan_id)
    require_payer(principal, loan)
    if loan.status != "active":
        raise NOT_ACTIVE(status=loan.status)
    assert loan.disbursed_on is not None
    if value_date < loan.disbursed_on:
        raise VALUE_DATE(
            what_zh="还款日",
            value_date=value_date.isoformat(),
            limit_zh="放款日",
            limit_en="disbursement date",
            limit=loan.disbursed_on.isoformat(),
        )
    check_value_date(value_date, today or business_date(), what_zh="还款日", closed_through=loan.accrued_through)
    return loan


def _dues(session: Session, loan: Loan, rows: list[LoanInstalment], value_date: dt.date) -> tuple[list[Due], Receipt]:
    """What is due on ``value_date`` and the accrual each due period still needs."""
    due_rows = [r for r in rows if r.settled_on is None and r.due_date <= value_date]
    receipt = Receipt("repayment")
    dues: list[Due] = []
    penalty = receivable(session, loan, "penalty")
    advance = receivable(session, loan, "advance")  # 代垫费用 (e.g. 代缴年费): due at once, settled first
    if penalty > 0 or advance > 0:
        oldest = due_rows[0].due_date if due_rows else value_date
        dues.append(Due(0, oldest, penalty=penalty, advance=advance))
    for r in due_rows:
        if r.interest_accrued != r.interest:
            receipt.accrual[r.period] = r.interest - r.interest_accrued
        dues.append(
            Due(r.period, r.due_date, principal=r.principal - r.paid_principal, interest=r.interest - r.paid_interest)
        )
    return dues, receipt


def _allocate(dues: list[Due], amount: Decimal, receipt: Receipt) -> Decimal:
    result = allocate(amount, dues)
    receipt.lines = [Line(ln.period, ln.due_date, ln.bucket.value, ln.amount) for ln in result.lines]
    return result.leftover


def current_schedule(loan: Loan, rows: list[LoanInstalment]) -> Schedule:
    """The schedule as it stands (after earlier prepayments), for ``model.prepayment.partial_prepayment``."""
    items: list[Instalment] = []
    remaining = ZERO
    for r in reversed(rows):
        items.append(Instalment(r.period, r.due_date, r.principal + r.interest, r.principal, r.interest, remaining))
        remaining += r.principal
    items.reverse()
    method = RepaymentMethod(loan.method)
    bullet = method is RepaymentMethod.BULLET
    assert loan.disbursed_on is not None
    return Schedule(
        method=method,
        principal=remaining,
        annual_rate=loan.annual_rate,
        months=loan.term_months if bullet else len(rows),
        start=loan.disbursed_on,
        instalments=tuple(items),
        first_period=1 if bullet else rows[0].period,
    )


def _reschedule(loan: Loan, rows: list[LoanInstalment], new: Schedule, receipt: Receipt, session: Session) -> None:
    """Replace the unsettled instalments by the re-amortised ones (same periods and due dates from the start)."""
    by_period = {r.period: r for r in rows}
    new_periods = {i.period for i in new.instalments}
    for r in rows:
        if r.settled_on is None and r.period not in new_periods:
            if r.interest_accrued:
                receipt.accrual[r.period] = receipt.accrual.get(r.period, ZERO) - r.interest_accrued
            session.delete(r)
    for i in new.instalments:
        row = by_period[i.period]
        row.principal, row.interest = i.principal, i.interest
        if row.interest_accrued > row.interest:  # accrued ahead of the smaller interest now owed
            receipt.accrual[row.period] = receipt.accrual.get(row.period, ZERO) + row.interest - row.interest_accrued
    loan.maturity_date = new.instalments[-1].due_date


def repay(
    session: Session,
    principal: Principal,
    loan_id: int,
    amount: Decimal | str | int,
    value_date: dt.date,
    key: str,
    *,
    currency: str = "CNY",
    prepay: bool = False,
    mode: PrepaymentMode = PrepaymentMode.REDUCE_PAYMENT,
    fee_rate: Decimal = ZERO,
    today: dt.date | None = None,
) -> LoanRepayment:
    """Book a repayment of ``amount`` from the borrower's settlement account on ``value_date`` (not after ``today``,
    the business date; ``None``: today in China)."""
    value = positive_money(amount, currency)
    entry_key = receipt_key("repay", loan_id, key)
    if (done := replayed(session, entry_key)) is not None:
        return done
    loan = _open_loan(session, principal, loan_id, value_date, today)
    rows = store.instalments(session, loan.id)
    dues, receipt = _dues(session, loan, rows, value_date)
    leftover = _allocate(dues, value, receipt)
    if leftover > 0 and not prepay:
        raise OVERPAYMENT(due=str(value - leftover), leftover=str(leftover))
    applied = value
    reschedule: Schedule | None = None
    if leftover > 0:
        if loan.method == RepaymentMethod.INTEREST_QUARTERLY.value:  # re-amortising needs monthly periods
            raise NOT_FOR_QUARTERLY(what_zh="部分提前还款（可提前结清）", what_en="a partial prepayment (a payoff is)")
        unsettled = [r for r in rows if r.settled_on is None and r.due_date > value_date]
        if not unsettled:
            raise OVERPAYMENT(due=str(value - leftover), leftover=str(leftover))
        paid = len(rows) - len(unsettled)
        schedule = current_schedule(loan, rows)
        last_due = unsettled[0].start_date
        x = prepaid_principal_fitting(leftover, loan.annual_rate, (value_date - last_due).days, fee_rate)
        outstanding = sum((r.principal for r in unsettled), ZERO)
        if x >= outstanding or x <= 0:
            raise USE_PAYOFF(outstanding=str(outstanding))
        pp = partial_prepayment(schedule, paid, x, value_date, mode, fee_rate)
        period, due = unsettled[0].period, unsettled[0].due_date
        receipt.kind = "prepayment"
        receipt.extra_accrual = pp.interest
        receipt.lines += [
            Line(period, due, "prepaid_interest", pp.interest),
            Line(period, due, "prepaid_principal", pp.principal),
        ]
        if pp.fee:
            receipt.lines.append(Line(period, due, "fee", pp.fee))
        applied = value - leftover + pp.total
        reschedule = pp.schedule
    require_funds(session, loan, applied)
    if reschedule is not None:
        _reschedule(loan, rows, reschedule, receipt, session)
    rec = book(session, principal, loan, rows, receipt, value_date, entry_key, applied)
    close_if_repaid(session, principal, loan, value_date)
    return rec


def quote(
    session: Session, principal: Principal, loan_id: int, on: dt.date, fee_rate: Decimal = ZERO
) -> PayoffQuoteOut:
    """提前结清试算: what ``payoff`` on ``on`` would take (read-only)."""
    loan = store.visible_loan(session, principal, loan_id)
    if loan.status != "active":
        raise NOT_ACTIVE(status=loan.status)
    rows = store.instalments(session, loan.id)
    dues, _receipt, q = _payoff_parts(session, loan, rows, on, fee_rate)
    due_total = sum((d.principal + d.interest + d.penalty + d.advance for d in dues), ZERO)
    return PayoffQuoteOut(
        on=on,
        overdue=due_total,
        principal=q.principal,
        interest=q.interest,
        fee=q.fee,
        days=str(q.days),
        total=due_total + q.total,
    )


def _payoff_parts(
    session: Session, loan: Loan, rows: list[LoanInstalment], on: dt.date, fee_rate: Decimal
) -> tuple[list[Due], Receipt, PayoffQuote]:
    assert loan.disbursed_on is not None
    dues, receipt = _dues(session, loan, rows, on)
    rest = [r for r in rows if r.settled_on is None and r.due_date > on]
    base = sum((r.principal for r in rest), ZERO)
    last_due = rest[0].start_date if rest else on
    return dues, receipt, payoff_quote(base, loan.annual_rate, last_due, on, fee_rate)


def payoff(
    session: Session,
    principal: Principal,
    loan_id: int,
    value_date: dt.date,
    key: str,
    fee_rate: Decimal = ZERO,
    today: dt.date | None = None,
    *,
    keep_pledges: bool = False,
) -> LoanRepayment:
    """提前结清: pay everything due and the rest of the principal with interest to ``value_date`` (not after
    ``today``, the business date; ``None``: today in China). ``keep_pledges``: a renewal repays the loan and keeps
    its pledges for the new one (no release is filed)."""
    entry_key = receipt_key("payoff", loan_id, key)
    if (done := replayed(session, entry_key)) is not None:
        return done
    loan = _open_loan(session, principal, loan_id, value_date, today)
    rows = store.instalments(session, loan.id)
    dues, receipt, q = _payoff_parts(session, loan, rows, value_date, fee_rate)
    due_total = sum((d.principal + d.interest + d.penalty + d.advance for d in dues), ZERO)
    if due_total:
        _allocate(dues, due_total, receipt)
    receipt.kind = "payoff"
    rest = [r for r in rows if r.settled_on is None and r.due_date > value_date]
    total = due_total + q.total
    require_funds(session, loan, total)
    if rest:
        current = rest[0]
        current.principal, current.interest = q.principal, q.interest
        receipt.accrual[current.period] = current.interest - current.interest_accrued
        receipt.lines += [
            Line(current.period, current.due_date, "interest", current.interest),
            Line(current.period, current.due_date, "principal", current.principal),
        ]
        if q.fee:
            receipt.lines.append(Line(current.period, current.due_date, "fee", q.fee))
        for r in rest[1:]:
            if r.interest_accrued:
                receipt.accrual[r.period] = -r.interest_accrued
    rec = book(session, principal, loan, rows, receipt, value_date, entry_key, total)
    for r in rest[1:]:
        session.delete(r)
    if rest:
        rest[0].settled_on = value_date
        loan.maturity_date = value_date
    session.flush()
    repaid = close_if_repaid(session, principal, loan, value_date, release=not keep_pledges)
    if not repaid:  # pragma: no cover - payoff settles everything
        raise PAYOFF_INCOMPLETE()
    return rec
