"""Renewal (续贷 / 无还本续贷): a maturing loan replaced by a new loan on the same pledge, without release.

``renew`` (the bank's approver decides on the borrower's application; rules in ``model.renewal``):

1. refuses a loan that is not active (repaid, written off: ``lending.renewal_state``, 409) and a renewal the rule
   refuses (``lending.renewal_refused``, 409, with the reason: too early, past due beyond the rule, non-performing,
   a no-repayment renewal of another amount than the outstanding principal, more than the original principal, no
   pledge in force);
2. makes the new loan's contract (no new credit decision: the same application, bank, borrower, branch; the old
   loan's rate, penalty uplift and method unless the decision names others) and links the old loan's pledges in
   force to it;
3. moves the money as balanced ledger entries through the borrower's settlement account:
   - 续贷: the old loan is paid off from the borrower's own funds first, then the new loan is disbursed;
   - 无还本续贷: the new loan is disbursed and its proceeds pay the old loan off at once, so no cash reaches the
     borrower; the borrower's own funds pay only the interest (and any penalty or advance) the old loan owes;
   either way the old loan's payoff files no release (``payoff(keep_pledges=True)``): the pledge stays;
4. files a pledge change (变更登记) for each pledge: the secured amount and the debt term become the new loan's; the
   bank confirms it, the pledgor's confirmation is its written consent, the registry registers it;
5. classification: the new loan carries the old one's grade and restructuring observation; with the debtor in
   financial difficulty the renewal is a restructuring (2023 rules art. 19: ``restructure.flag_restructured``);
6. risk sharing: a loan enrolled in a scheme has the new loan enrolled in the same scheme (``renewal_ports``: the
   scheme's eligibility is checked again on the renewal date); a refusal does not stop the renewal, it is recorded
   on it (``scheme_carry``) with the scheme's reasons (decision record 0042).

A shortfall of funds (``lending.insufficient_funds``) or any other refusal rolls everything back. Flushes only.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal, Role
from ippledge.lending import renewal_ports, store
from ippledge.lending.contracts import bank_system, file_debt_change, link_pledges, require_bank_staff
from ippledge.lending.disbursement import disburse
from ippledge.lending.errors import REASON_REQUIRED, RENEWAL_REFUSED, RENEWAL_STATE
from ippledge.lending.model.classification import grade_of
from ippledge.lending.model.interest import check_rate
from ippledge.lending.model.renewal import RenewalKind, renewal_refusal
from ippledge.lending.model.schedule import RepaymentMethod
from ippledge.lending.repayment import payoff
from ippledge.lending.restructure import flag_restructured
from ippledge.lending.tables import Loan, LoanRenewal
from ippledge.outbox.events import publish
from ippledge.pledge import queries as pledge_queries
from ippledge.pledge import service as pledge_service


def renewal_of(session: Session, loan_id: int) -> LoanRenewal | None:
    """The renewal that repaid ``loan_id`` or that made it, if any."""
    stmt = select(LoanRenewal).where((LoanRenewal.old_loan_id == loan_id) | (LoanRenewal.new_loan_id == loan_id))
    return session.scalars(stmt).first()


def renew(
    session: Session,
    approver: Principal,
    loan_id: int,
    kind: RenewalKind,
    months: int,
    reason: str,
    today: dt.date,
    *,
    amount: Decimal | None = None,
    annual_rate: Decimal | None = None,
    method: RepaymentMethod | None = None,
    debtor_in_difficulty: bool = False,
) -> LoanRenewal:
    """续贷 / 无还本续贷 of ``loan_id`` for ``months`` on ``today`` (see the module docstring)."""
    store.visible_loan(session, approver, loan_id)
    old = store.lock_loan(session, loan_id)
    require_bank_staff(approver, old, Role.APPROVER)
    if old.status != "active":
        raise RENEWAL_STATE(status=old.status)
    if not (reason or "").strip():
        raise REASON_REQUIRED(action_zh=kind.zh, action_en="a renewal")
    assert old.maturity_date is not None
    lend = old.outstanding_principal if amount is None else amount
    refusal = renewal_refusal(
        kind, today, old.maturity_date, old.dpd, grade_of(old.grade), months, lend, old.outstanding_principal,
        old.principal,
    )  # fmt: skip
    if refusal is not None:
        raise RENEWAL_REFUSED(reason_zh=refusal.zh, reason_en=refusal.en)
    pledges = [
        pid
        for pid in store.linked_pledges(session, old.id)
        if (s := pledge_queries.pledge_standing(session, pid)) is not None and s.in_force
    ]
    if not pledges:
        raise RENEWAL_REFUSED(reason_zh="原贷款没有有效的质押登记", reason_en="the loan has no pledge in force")
    new = Loan(
        contract_no=f"XD{today:%Y%m%d}-{old.id:06d}",
        decision_id=None,
        application_id=old.application_id,
        bank_id=old.bank_id,
        borrower_id=old.borrower_id,
        branch_id=old.branch_id,
        officer_id=approver.user_id,
        currency=old.currency,
        principal=lend,
        annual_rate=check_rate(annual_rate) if annual_rate is not None else old.annual_rate,
        penalty_uplift=old.penalty_uplift,
        method=(method or RepaymentMethod(old.method)).value,
        term_months=months,
        contracted_on=today,
        status="contracted",
        outstanding_principal=Decimal("0.00"),
        dpd=0,
        grade=old.grade,  # a renewal cures nothing: the grade and any observation carry over
        restructured_on=old.restructured_on,
        restructure_floor=old.restructure_floor,
    )
    session.add(new)
    session.flush()
    link_pledges(session, new, pledges)
    system, key = bank_system(old), f"renewal:{old.id}"
    if kind is RenewalKind.REPAY_FIRST:  # the borrower's own money first, then the new loan
        payoff(session, system, old.id, today, key, today=today, keep_pledges=True)
        disburse(session, system, new.id, today, key, today=today)
    else:  # the new loan's proceeds repay the old principal at once: nothing reaches the borrower
        disburse(session, system, new.id, today, key, today=today)
        payoff(session, system, old.id, today, key, today=today, keep_pledges=True)
    assert new.maturity_date is not None
    change = pledge_service.PledgeChangeRequest(debt_amount=new.principal, debt_end=new.maturity_date)
    filings = file_debt_change(session, approver, pledges, change, today)
    row = LoanRenewal(
        old_loan_id=old.id,
        new_loan_id=new.id,
        kind=kind.value,
        on=today,
        amount=lend,
        reason=reason.strip(),
        debtor_in_difficulty=debtor_in_difficulty,
        filing_ids=json.dumps(filings),
        actor=approver.actor[:64],
    )
    session.add(row)
    session.flush()
    if debtor_in_difficulty:  # 2023 rules art. 19: a renewal for a debtor in difficulty is a restructuring
        flag_restructured(session, approver, new, f"{kind.zh}（债务人财务困难）：{reason.strip()}", today, True)
    carry = renewal_ports.after_renewal(session, approver, old.id, new.id, today)  # the scheme share follows
    row.scheme_carry = None if carry is None else json.dumps(carry.to_dict(), ensure_ascii=False)
    payload = {
        "renewal_id": row.id,
        "kind": kind.value,
        "old_loan_id": old.id,
        "new_loan_id": new.id,
        "on": today.isoformat(),
        "amount": str(lend),
        "maturity_date": new.maturity_date.isoformat(),
        "pledge_change_filings": filings,
        "restructured": debtor_in_difficulty,
        "risk_sharing": None if carry is None else carry.to_dict(),
    }
    audit.record(session, approver, "lending.renewed", "loan", old.id, payload)
    publish(session, "lending.renewed", payload, old.bank_id, also=(old.borrower_id,))
    return row
