"""Extension (展期), 贷款通则 art. 12: the bank moves the maturity of an active loan before it matures.

Maker-checker (双人复核, the write-off's shape): ``propose_extension`` — a credit officer of the lending bank proposes
it on the borrower's application (an ``access`` approval is opened; one open proposal per loan,
``lending.extension_pending``; the checker's deadline ``decide_by`` is ``DECIDE_WITHIN`` working days);
``decide_extension`` — a different approver of the bank approves or rejects (``access.service.decide``: the proposer
is refused ``access.self_approval``; a rejection needs its reason and writes nothing else). Both check the rules;
approving checks them again on the decision day and then:

1. refuses a loan that is not active (repaid, written off: ``lending.extension_state``, 409), one already matured
   (``lending.extension_matured``, 409) and an extension beyond the product's count or the statutory cumulative
   cap (``model.extension``; ``lending.extension_limit``, 409, with the reason);
2. re-amortises the principal not yet due over the remaining periods plus the extension (same method and rate;
   due dates stay anchored on the disbursement date; a bullet loan's one instalment moves to the new maturity with
   the interest of the longer term). Instalments already due are untouched: what is overdue stays overdue, so days
   past due and the grade carry on as they were — an extension does not cure arrears;
3. files a pledge change (变更登记) for every pledge in force securing the loan, extending the registered debt term
   (债务履行期限) to the new maturity, through the pledge capability's face; the bank confirms it, the pledgor's
   confirmation is its written consent, and the registry registers it (then the pledge's ``debt_end`` moves);
4. when the debtor is in financial difficulty, the extension is also a restructuring (2023 rules art. 19:
   ``restructure.flag_restructured``, its floor and a year's observation); otherwise the grade is unchanged.

Nothing is written when any step refuses (the caller's transaction rolls back). Flushes only.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import service as access
from ippledge.access.model import LOAN_EXTENSION, Principal, Role
from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.errors import not_found
from ippledge.ledger import service as ledger
from ippledge.lending import store
from ippledge.lending.contracts import file_debt_change, require_bank_staff
from ippledge.lending.errors import (
    EXTENSION_LIMIT,
    EXTENSION_MATURED,
    EXTENSION_MONTHS,
    EXTENSION_PENDING,
    EXTENSION_STATE,
    NOT_FOR_QUARTERLY,
    REASON_REQUIRED,
)
from ippledge.lending.model import postings
from ippledge.lending.model.extension import MAX_EXTENSION_MONTHS, before_maturity, extension_refusal
from ippledge.lending.model.schedule import RepaymentMethod, build_schedule
from ippledge.lending.restructure import flag_restructured
from ippledge.lending.tables import Loan, LoanExtension, LoanInstalment
from ippledge.outbox.events import publish
from ippledge.pledge import queries as pledge_queries
from ippledge.pledge import service as pledge_service

ZERO = Decimal("0.00")
DECIDE_WITHIN = 5  # working days the approver has to decide a proposed extension


def extensions_of(session: Session, loan_id: int) -> list[LoanExtension]:
    """Every extension of the loan, proposed, approved or rejected, in the order proposed."""
    stmt = select(LoanExtension).where(LoanExtension.loan_id == loan_id).order_by(LoanExtension.id)
    return list(session.scalars(stmt))


def _reschedule(
    session: Session, actor: Principal, loan: Loan, rows: list[LoanInstalment], months: int, today: dt.date
) -> dt.date:
    """Re-amortise what is not yet due over the rest of the term plus ``months``; the new maturity."""
    assert loan.disbursed_on is not None
    future = [r for r in rows if r.settled_on is None and r.due_date > today]
    if not future:  # pragma: no cover - an active loan before maturity always has an instalment to come
        raise EXTENSION_MATURED(maturity=str(loan.maturity_date))
    rest = sum((r.principal - r.paid_principal for r in future), ZERO)
    method = RepaymentMethod(loan.method)
    if method is RepaymentMethod.BULLET:
        new = build_schedule(rest, loan.annual_rate, loan.term_months + months, loan.disbursed_on, method)
    else:
        first = future[0].period
        new = build_schedule(
            rest, loan.annual_rate, len(future) + months, loan.disbursed_on, method, first_period=first
        )
    by_period = {r.period: r for r in future}
    carried = ZERO  # interest already accrued on a row the new schedule drops (a bullet's old maturity row)
    for r in future:
        if r.period not in {i.period for i in new.instalments}:
            carried += r.interest_accrued
            session.delete(r)
    prev_due = future[0].start_date
    accrual_fix = ZERO
    for i in new.instalments:
        row = by_period.get(i.period)
        if row is None:
            start = prev_due if method is not RepaymentMethod.BULLET else future[0].start_date
            row = LoanInstalment(
                loan_id=loan.id,
                period=i.period,
                start_date=start,
                due_date=i.due_date,
                principal=i.principal,
                interest=i.interest,
                interest_accrued=carried,
            )
            carried = ZERO
            session.add(row)
        else:
            row.principal, row.interest, row.due_date = i.principal + row.paid_principal, i.interest, i.due_date
            if row.interest_accrued > row.interest:  # accrued ahead of the smaller interest now owed: reverse
                accrual_fix += row.interest - row.interest_accrued
                row.interest_accrued = row.interest
        prev_due = i.due_date
    if accrual_fix:
        key = f"extension:{loan.id}:{today.isoformat()}:accrual"
        ledger.post(session, actor, postings.interest_accrual(loan.bank_id, loan.id, accrual_fix, today, key))
    session.flush()
    return new.instalments[-1].due_date


def _check(session: Session, loan: Loan, months: int, reason: str, today: dt.date) -> list[LoanExtension]:
    """The extension rules on ``today``; the loan's approved extensions."""
    if loan.status != "active":
        raise EXTENSION_STATE(status=loan.status)
    if loan.method == RepaymentMethod.INTEREST_QUARTERLY.value:  # its dates are settlement days, not months
        raise NOT_FOR_QUARTERLY(what_zh="展期", what_en="an extension")
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise EXTENSION_MONTHS(months=months)
    if not (reason or "").strip():
        raise REASON_REQUIRED(action_zh="展期", action_en="an extension")
    if not before_maturity(today, loan.maturity_date):
        raise EXTENSION_MATURED(maturity=str(loan.maturity_date))
    done = [e for e in extensions_of(session, loan.id) if e.status == "approved"]
    extended = sum(e.months for e in done)
    refusal = extension_refusal(loan.term_months - extended, extended, len(done), months)
    if refusal is not None:
        raise EXTENSION_LIMIT(reason_zh=refusal.zh, reason_en=refusal.en)
    return done


def propose_extension(
    session: Session,
    officer: Principal,
    loan_id: int,
    months: int,
    reason: str,
    today: dt.date,
    *,
    debtor_in_difficulty: bool = False,
) -> LoanExtension:
    """展期申请 (maker): the bank's credit officer proposes extending by ``months`` months on ``today``."""
    store.visible_loan(session, officer, loan_id)
    loan = store.lock_loan(session, loan_id)
    require_bank_staff(officer, loan, Role.CREDIT_OFFICER)
    _check(session, loan, months, reason, today)
    open_one = next((e for e in extensions_of(session, loan.id) if e.status == "proposed"), None)
    if open_one is not None:
        raise EXTENSION_PENDING(extension_id=open_one.id)
    assert loan.maturity_date is not None
    details = {"months": months, "reason": reason.strip(), "debtor_in_difficulty": debtor_in_difficulty}
    approval = access.propose(session, officer, LOAN_EXTENSION, loan.id, "extension", details)
    ext = LoanExtension(
        loan_id=loan.id,
        seq=0,
        applied_on=today,
        months=months,
        from_maturity=loan.maturity_date,
        reason=reason.strip(),
        debtor_in_difficulty=debtor_in_difficulty,
        filing_ids="[]",
        actor=officer.actor[:64],
        status="proposed",
        approval_id=approval.id,
        decide_by=default_calendar().add_working_days(today, DECIDE_WITHIN),
    )
    session.add(ext)
    session.flush()
    audit.record(session, officer, "lending.extension_proposed", "loan", loan.id, {"extension_id": ext.id, **details})
    return ext


def decide_extension(
    session: Session,
    approver: Principal,
    loan_id: int,
    extension_id: int,
    approve: bool,
    reason: str | None,
    today: dt.date,
) -> LoanExtension:
    """展期审批 (checker): a different approver of the bank approves (the extension is carried out, see the module
    docstring) or rejects (nothing but the decision is written)."""
    store.visible_loan(session, approver, loan_id)
    ext = session.get(LoanExtension, extension_id)
    if ext is None or ext.loan_id != loan_id or ext.approval_id is None:
        raise not_found("展期申请", "extension", id=extension_id)
    loan = store.lock_loan(session, loan_id)
    if approver.party_id != loan.bank_id:
        raise not_found("展期申请", "extension", id=extension_id)
    access.decide(session, approver, ext.approval_id, approve, reason)
    ext.decided_on, ext.decided_by = today, approver.actor[:64]
    if not approve:
        ext.status = "rejected"
        session.flush()
        audit.record(session, approver, "lending.extension_rejected", "loan", loan.id, {"extension_id": ext.id})
        return ext
    return _apply(session, approver, loan, ext, today)


def _apply(session: Session, approver: Principal, loan: Loan, ext: LoanExtension, today: dt.date) -> LoanExtension:
    """Carry out the approved extension on ``today``: the rules again, the new schedule, the pledge changes."""
    months, reason, debtor_in_difficulty = ext.months, ext.reason, ext.debtor_in_difficulty
    done = _check(session, loan, months, reason, today)
    before = loan.maturity_date
    assert before is not None
    rows = store.instalments(session, loan.id)
    new_maturity = _reschedule(session, approver, loan, rows, months, today)
    loan.maturity_date = new_maturity
    loan.term_months += months
    in_force = [
        pid
        for pid in store.linked_pledges(session, loan.id)
        if (standing := pledge_queries.pledge_standing(session, pid)) is not None and standing.in_force
    ]
    change = pledge_service.PledgeChangeRequest(debt_end=new_maturity)
    filings = file_debt_change(session, approver, in_force, change, today)
    ext.seq, ext.status, ext.from_maturity, ext.to_maturity = len(done) + 1, "approved", before, new_maturity
    ext.filing_ids = json.dumps(filings)
    session.flush()
    if debtor_in_difficulty:  # 2023 rules art. 19: changed terms for a debtor in difficulty are a restructuring
        flag_restructured(session, approver, loan, f"展期（债务人财务困难）：{reason}", today, True)
    payload = {
        "loan_id": loan.id,
        "extension_id": ext.id,
        "on": today.isoformat(),
        "months": months,
        "from_maturity": before.isoformat(),
        "to_maturity": new_maturity.isoformat(),
        "pledge_change_filings": filings,
        "restructured": debtor_in_difficulty,
    }
    audit.record(session, approver, "lending.extended", "loan", loan.id, payload)
    publish(session, "lending.extended", payload, loan.bank_id, also=(loan.borrower_id,))
    return ext
