"""Default (违约), the bank's classification (五级分类调整), write-off (核销) and recoveries (核销后收回).

- ``declare_default``: the bank records the borrower's default (``defaulted_on``); the loan stays on the books.
- ``set_grade``: the bank classifies the loan at or below the days-past-due floor (``model.classification.classify``:
  better than the floor is refused; worse needs a reason), raised by a restructuring's floor during its observation
  period (a better grade then: ``lending.upgrade_in_observation``, 409, with the period's end); an NPL is upgraded
  to 正常/关注 only when ``model.classification.upgrade_blockers`` finds nothing in the way
  (``lending.upgrade_refused`` names what is); every change is a ``LoanGradeChange`` row.
- ``propose_write_off``: a credit officer proposes writing off a non-performing (次级 or worse) or defaulted loan;
  an ``Approval`` (maker-checker) is created. ``decide_write_off``: a different approver of the bank decides
  (``access.service.decide``: the proposer is refused ``access.self_approval``). On approval one ``loan.writeoff``
  entry takes the principal, interest and penalty receivables off the books: the loan's own loan-loss allowance
  (贷款损失准备, booked by the daily close) absorbs the principal first, only the shortfall (and the interest and
  penalty) is write-off loss, and any allowance beyond the principal is released; the loan is closed.
  Pledges stay registered: the bank keeps its security for disposal and recovery.
- ``record_recovery``: cash recovered after write-off is recovery income (Dr bank cash / Cr recovery income).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import service as access
from ippledge.access.model import LOAN_WRITE_OFF, Principal, Role
from ippledge.kernel.clock import business_date
from ippledge.kernel.errors import not_found
from ippledge.kernel.money import positive_money
from ippledge.ledger import service as ledger
from ippledge.lending import store
from ippledge.lending.contracts import require_bank_staff
from ippledge.lending.errors import (
    ALREADY_DEFAULTED,
    NOT_ACTIVE,
    NOT_WRITABLE,
    NOT_WRITTEN_OFF,
    REASON_REQUIRED,
    UPGRADE_IN_OBSERVATION,
    UPGRADE_REASON_REQUIRED,
    UPGRADE_REFUSED,
    WRITE_OFF_EXISTS,
)
from ippledge.lending.model import postings
from ippledge.lending.model.classification import (
    Grade,
    classify,
    floor_for,
    grade_of,
    loan_floor,
    observation_ends,
    parse_grade,
    upgrade_blockers,
)
from ippledge.lending.model.value_date import check_value_date
from ippledge.lending.receipts import receipt_key, receivable, replayed
from ippledge.lending.tables import Loan, LoanGradeChange, LoanRepayment, LoanWriteOff
from ippledge.outbox.events import publish


def _bank_loan(session: Session, principal: Principal, loan_id: int, *roles: Role) -> Loan:
    store.visible_loan(session, principal, loan_id)
    loan = store.lock_loan(session, loan_id)
    require_bank_staff(principal, loan, *roles)
    return loan


def declare_default(session: Session, officer: Principal, loan_id: int, today: dt.date, reason: str) -> Loan:
    loan = _bank_loan(session, officer, loan_id)
    if loan.status != "active":
        raise NOT_ACTIVE(status=loan.status)
    if loan.defaulted_on is not None:
        raise ALREADY_DEFAULTED(defaulted_on=str(loan.defaulted_on))
    if not (reason or "").strip():
        raise REASON_REQUIRED(action_zh="认定违约", action_en="a default")
    loan.defaulted_on = today
    session.flush()
    audit.record(session, officer, "lending.defaulted", "loan", loan.id, {"on": today.isoformat(), "reason": reason})
    publish(
        session,
        "lending.defaulted",
        {"loan_id": loan.id, "on": today.isoformat()},
        loan.borrower_id,
        also=(loan.bank_id,),
    )
    return loan


def set_grade(
    session: Session, officer: Principal, loan_id: int, grade: Grade | str, reason: str | None, today: dt.date
) -> Loan:
    """The bank's classification (a credit officer, or the approver deciding a downgrade proposal); never better
    than the floor for the loan's days past due."""
    loan = _bank_loan(session, officer, loan_id, Role.CREDIT_OFFICER, Role.APPROVER)
    if loan.status not in ("active",):
        raise NOT_ACTIVE(status=loan.status)
    wanted = grade if isinstance(grade, Grade) else parse_grade(grade)
    current = parse_grade(loan.grade)
    restructure = grade_of(loan.restructure_floor) if loan.restructure_floor else None
    floor = loan_floor(loan.dpd, today, loan.restructured_on, restructure)
    if floor > floor_for(loan.dpd) and wanted < floor:  # the restructuring's observation period holds the floor
        assert loan.restructured_on is not None
        raise UPGRADE_IN_OBSERVATION(
            observation_ends=observation_ends(loan.restructured_on).isoformat(),
            floor=floor.code,
            floor_zh=floor.zh,
            requested=wanted.code,
            requested_zh=wanted.zh,
        )
    result = classify(loan.dpd, wanted, reason, floor=floor)
    if result != current and result < current and not (reason or "").strip():
        raise UPGRADE_REASON_REQUIRED()
    if current.is_npl and not result.is_npl:
        blockers = upgrade_blockers(store.upgrade_facts(session, loan, today))
        if blockers:
            raise UPGRADE_REFUSED(
                requested=result.code,
                requested_zh=result.zh,
                reasons_zh="；".join(zh for zh, _ in blockers),
                reasons_en="; ".join(en for _, en in blockers),
            )
    session.add(
        LoanGradeChange(
            loan_id=loan.id,
            on=today,
            from_grade=current.code,
            to_grade=result.code,
            dpd=loan.dpd,
            reason=reason,
            actor=officer.actor,
        )
    )
    loan.grade = result.code
    loan.grade_reason = reason
    session.flush()
    audit.record(
        session, officer, "lending.graded", "loan", loan.id, {"from": current.code, "to": result.code, "reason": reason}
    )
    return loan


def propose_write_off(session: Session, officer: Principal, loan_id: int, today: dt.date, reason: str) -> LoanWriteOff:
    loan = _bank_loan(session, officer, loan_id)
    if loan.status != "active":
        raise NOT_ACTIVE(status=loan.status)
    if not parse_grade(loan.grade).is_npl and loan.defaulted_on is None:
        raise NOT_WRITABLE(grade=loan.grade)
    if not (reason or "").strip():
        raise REASON_REQUIRED(action_zh="核销", action_en="a write-off")
    existing = session.scalars(select(LoanWriteOff).where(LoanWriteOff.loan_id == loan.id)).one_or_none()
    if existing is not None and existing.status != "rejected":
        raise WRITE_OFF_EXISTS(status=existing.status)
    amounts = {p: receivable(session, loan, p) for p in ("principal", "interest", "penalty", "advance")}
    approval = access.propose(
        session,
        officer,
        LOAN_WRITE_OFF,
        loan.id,
        "write_off",
        {"reason": reason, **{k: str(v) for k, v in amounts.items()}},
    )
    row = existing or LoanWriteOff(loan_id=loan.id)
    row.approval_id, row.proposed_on, row.status, row.approved_on = approval.id, today, "proposed", None
    row.principal, row.interest, row.penalty = amounts["principal"], amounts["interest"], amounts["penalty"]
    if existing is None:
        session.add(row)
    session.flush()
    audit.record(session, officer, "lending.write_off_proposed", "loan", loan.id, {"write_off_id": row.id})
    return row


def decide_write_off(
    session: Session, approver: Principal, write_off_id: int, approve: bool, reason: str | None, today: dt.date
) -> LoanWriteOff:
    row = session.get(LoanWriteOff, write_off_id)
    if row is None:
        raise not_found("核销申请", "write-off", id=write_off_id)
    loan = store.visible_loan(session, approver, row.loan_id)
    if approver.party_id != loan.bank_id:
        raise not_found("核销申请", "write-off", id=write_off_id)
    access.decide(session, approver, row.approval_id, approve, reason)
    loan = store.lock_loan(session, loan.id)
    if not approve:
        row.status = "rejected"
        session.flush()
        return row
    if loan.status != "active":
        raise NOT_ACTIVE(status=loan.status)
    amounts = {p: receivable(session, loan, p) for p in ("principal", "interest", "penalty", "advance")}
    allowance = loan.allowance
    used, released = postings.allowance_split(allowance, amounts["principal"])
    entry = None
    if any(amounts.values()) or allowance:
        key = f"writeoff:{loan.id}"
        draft = postings.write_off(loan.bank_id, loan.id, today, key, **amounts, allowance=allowance)
        entry = ledger.post(session, approver, draft)
    row.status, row.approved_on = "approved", today
    row.principal, row.interest, row.penalty = amounts["principal"], amounts["interest"], amounts["penalty"]
    row.allowance_used, row.allowance_released = used, released
    row.entry_id = entry.id if entry is not None else None
    loan.status, loan.closed_on, loan.outstanding_principal = "written_off", today, Decimal("0.00")
    loan.allowance = Decimal("0.00")
    session.flush()
    payload = {
        "loan_id": loan.id,
        "on": today.isoformat(),
        **{k: str(v) for k, v in amounts.items()},
        "allowance_used": str(used),
        "allowance_released": str(released),
    }
    audit.record(session, approver, "lending.written_off", "loan", loan.id, payload)
    publish(session, "lending.written_off", payload, loan.bank_id, also=(loan.borrower_id,))
    return row


def record_recovery(
    session: Session,
    principal: Principal,
    loan_id: int,
    amount: Decimal | str | int,
    value_date: dt.date,
    key: str,
    currency: str = "CNY",
    today: dt.date | None = None,
) -> LoanRepayment:
    """核销后收回 on ``value_date``, not after ``today`` (the business date; ``None``: today in China)."""
    value = positive_money(amount, currency)
    check_value_date(value_date, today or business_date(), what_zh="收回日")
    entry_key = receipt_key("recovery", loan_id, key)
    if (done := replayed(session, entry_key)) is not None:
        return done
    loan = _bank_loan(session, principal, loan_id)
    if loan.status != "written_off":
        raise NOT_WRITTEN_OFF()
    entry = ledger.post(session, principal, postings.recovery(loan.bank_id, loan.id, value, value_date, entry_key))
    rec = LoanRepayment(
        loan_id=loan.id,
        kind="recovery",
        value_date=value_date,
        amount=value,
        entry_id=entry.id,
        allocation="[]",
    )
    session.add(rec)
    session.flush()
    audit.record(session, principal, "lending.recovery", "loan", loan.id, {"amount": str(value), "entry": entry.id})
    publish(
        session, "lending.recovered", {"loan_id": loan.id, "amount": str(value)}, loan.bank_id, also=(loan.borrower_id,)
    )
    return rec
