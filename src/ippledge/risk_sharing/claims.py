"""Compensation claims (补偿申请): trigger, filing with evidence, the fund's maker-checker review, payout, clawback.

* **Trigger** (代偿触发) from the loan's state under the enrolled version: days past due (``Loan.dpd``), first
  classified 次级 or worse (``LoanGradeChange``), write-off (``LoanWriteOff``), N months after it became an NPL.
* **Filing**: the lending bank, within ``claim_window_days`` of the trigger, with a statement and document refs.
  The fund must decide within :data:`REVIEW_WORKING_DAYS` working days (``review_due``; assumption: no source
  gives the limit; the Haidian fast track is 15 days).
* **Review**: a FUND_REVIEWER of the fund proposes payment; a different APPROVER of the fund decides
  (``access.decide`` refuses self-approval). On approval the loss is computed (principal at default less recoveries so
  far; interest receivable as the scheme's interest rule says) and split by ``allocation.split_loss`` with the caps
  used so far and the pool balance from the ledger. The pool never goes negative. Under a scheme whose liability is
  limited to the fund (Haikou) the fund's share is capped at its balance and the rest falls to the scheme's overflow
  party (the bank). Under any other scheme the fund keeps its full share; the part its pool cannot pay is a debt to
  the bank (应付代偿, ``owed_fen`` on the fund's share row, ``risk.fund_debt``), paid first-in-first-out out of the
  next contributions into the pool (``debts.pay_down``).
* **Payout**: one ledger entry per paying party (fund pool, insurer, guarantor, valuer, IP operations institution ->
  bank). The valuer (Zhongshan's 4%) is the valuation firm whose external report backed the loan's credit decision
  (:func:`valuer_of`); a loan valued internally by the bank has no external valuer. A share whose party the platform
  cannot name (no cover, no external valuer) falls to the bank too (``capped_by`` = ``no_party``).
* **Advance** (预付, Shanghai): when the scheme has an ``advance_ratio_bp`` below 100% and the claim is approved
  before the loan is written off, ``advance_ratio`` of the net loss is paid now (at most what the paying parties owe,
  shared among them pro rata; status ``advanced``), as ``allocation.advance_amount`` shows it; after the
  write-off the fund reviews again and a different approver settles (``settlement.settle_claim``).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import service as access
from ippledge.access.model import Principal, Role
from ippledge.credit.tables import CreditDecision
from ippledge.kernel.calendar import add_months, default_calendar
from ippledge.kernel.errors import ConflictError, PermissionDeniedError, ValidationError, not_found
from ippledge.kernel.money import from_fen, round_fen, to_fen
from ippledge.ledger import service as ledger
from ippledge.ledger.accounts import account_code
from ippledge.ledger.store import balance
from ippledge.lending import store as loans
from ippledge.lending.tables import Loan, LoanGradeChange, LoanRepayment, LoanWriteOff
from ippledge.risk_sharing import covers, ledger_entries, notices, store
from ippledge.risk_sharing.allocation import Allocation, CapsState, largest_remainder, split_loss
from ippledge.risk_sharing.model import BP_TOTAL, Party, Scheme, TriggerKind
from ippledge.risk_sharing.tables import Claim, ClaimShare, Cover
from ippledge.valuation.tables import ValuationReport

REVIEW_WORKING_DAYS = 20
NPL_GRADES = ("substandard", "doubtful", "loss")
OPEN = ("filed", "proposed", "advanced", "settling", "paid")


def _conflict(code: str, zh: str, en: str, **details: Any) -> ConflictError:
    return ConflictError(zh, en, code=f"risk.claim.{code}", details=details)


def _first_npl(session: Session, loan: Loan) -> dt.date | None:
    stmt = select(func.min(LoanGradeChange.on)).where(
        LoanGradeChange.loan_id == loan.id, LoanGradeChange.to_grade.in_(NPL_GRADES)
    )
    return session.scalar(stmt)


def write_off_of(session: Session, loan_id: int) -> LoanWriteOff | None:
    stmt = select(LoanWriteOff).where(LoanWriteOff.loan_id == loan_id, LoanWriteOff.status == "approved")
    return session.scalars(stmt).first()


def triggered_on(session: Session, scheme: Scheme, loan: Loan, today: dt.date) -> dt.date | None:
    """The date the scheme's trigger was met, or ``None`` when it has not been (yet)."""
    kind, value = scheme.trigger.kind, scheme.trigger.value
    if kind is TriggerKind.DAYS_PAST_DUE:
        if loan.dpd < value:
            return None
        return (loan.accrued_through or today) - dt.timedelta(days=loan.dpd - value)
    if kind is TriggerKind.WRITE_OFF:
        wo = write_off_of(session, loan.id)
        return None if wo is None else wo.approved_on
    npl = _first_npl(session, loan)
    if npl is None:
        return None
    if kind is TriggerKind.FIRST_SUBSTANDARD:
        return npl
    due = add_months(npl, value)
    return due if due <= today else None


def file_claim(
    session: Session, principal: Principal, loan_id: int, statement: str, documents: list[str], today: dt.date
) -> Claim:
    """The lending bank files a claim for an enrolled loan whose trigger has been met, within the window."""
    loan = loans.visible_loan(session, principal, loan_id)
    if principal.party_id != loan.bank_id:
        raise PermissionDeniedError(
            "只有贷款银行可以申请补偿", "only the lending bank may claim", code="risk.claim.bank"
        )
    principal.require(Role.CREDIT_OFFICER, Role.APPROVER)
    if not (statement or "").strip():
        raise ValidationError(
            "须说明申请理由和证据", "a claim needs a statement of evidence", code="risk.claim.evidence"
        )
    enrolment = store.enrolment_of(session, loan.id)
    if enrolment is None:
        raise _conflict("not_enrolled", "贷款未纳入风险补偿方案", "the loan is not enrolled in a scheme")
    scheme = store.scheme_version(session, enrolment.scheme_code, enrolment.scheme_version)
    on = triggered_on(session, scheme, loan, today)
    if on is None:
        raise _conflict(
            "not_triggered",
            "尚未满足方案的代偿条件",
            "the scheme's trigger has not been met",
            trigger=scheme.trigger.kind.value,
            value=scheme.trigger.value,
        )
    if scheme.claim_window_days is not None and (today - on).days > scheme.claim_window_days:
        raise _conflict(
            "window_closed",
            f"已超过申请时限（{scheme.claim_window_days} 天）",
            f"the claim window of {scheme.claim_window_days} days has closed",
            triggered_on=str(on),
        )
    if session.scalars(select(Claim).where(Claim.loan_id == loan.id, Claim.status.in_(OPEN))).first() is not None:
        raise _conflict("exists", "该贷款已有补偿申请", "a claim on this loan is already open or paid")
    claim = Claim(
        loan_id=loan.id,
        enrolment_id=enrolment.id,
        scheme_code=scheme.code,
        scheme_version=scheme.version,
        bank_id=loan.bank_id,
        fund_id=enrolment.fund_id,
        trigger_kind=scheme.trigger.kind.value,
        triggered_on=on,
        filed_on=today,
        review_due=default_calendar().add_working_days(today, REVIEW_WORKING_DAYS),
        evidence=json.dumps({"statement": statement, "documents": list(documents)}, ensure_ascii=False),
        status="filed",
    )
    session.add(claim)
    session.flush()
    audit.record(session, principal, "risk.claim_filed", "risk_claim", claim.id, {"loan_id": loan.id})
    notices.claim_event(session, claim, "risk.claim_filed", {"review_due": str(claim.review_due)})
    return claim


def fund_claim(session: Session, principal: Principal, claim_id: int) -> Claim:
    claim = scope.get_visible(session, Claim, claim_id, principal)
    if principal.party_id != claim.fund_id:
        raise not_found("补偿申请", "compensation claim", id=claim_id)
    return claim


def propose_payment(session: Session, reviewer: Principal, claim_id: int, note: str, today: dt.date) -> Claim:
    """The fund's reviewer (maker) proposes to pay (a filed claim) or to settle (an advanced claim once the loan is
    written off); the payload shows the split on today's caps."""
    claim = fund_claim(session, reviewer, claim_id)
    reviewer.require(Role.FUND_REVIEWER)
    if claim.status not in ("filed", "advanced"):
        raise _conflict("state", f"申请状态为 {claim.status}", f"the claim is {claim.status}")
    settle = claim.status == "advanced"
    if settle and write_off_of(session, claim.loan_id) is None:
        raise _conflict("not_written_off", "贷款核销后才能清算预付", "an advance is settled after the write-off")
    preview = assess(session, claim, today, paid_before=fund_paid_on(session, claim) if settle else 0)
    shares = {p.value: str(v) for p, v in preview.allocation.shares.items()}
    payload = {"note": note, "shares": shares, "fund_owed": str(from_fen(preview.owed_fen))}
    approval = access.propose(session, reviewer, "risk_claim", claim.id, "settle" if settle else "pay", payload)
    claim.status, claim.approval_id = ("settling" if settle else "proposed"), approval.id
    session.flush()
    return claim


def fund_paid_on(session: Session, claim: Claim) -> int:
    """What the fund has paid on this claim so far (its advance), in fen."""
    return sum(s.amount_fen for s in store.shares_of(session, claim.id) if s.role == Party.FUND.value)


class Assessment(NamedTuple):
    """A claim's loss and split as of now: ``owed_fen`` is the part of the fund's share its pool cannot pay now (a
    debt to the bank; 0 when the scheme limits liability to the fund, which caps the share at the balance instead);
    ``recovery_mark`` the last recovery counted; ``balance_fen`` the balance at default."""

    scheme: Scheme
    allocation: Allocation
    recovery_mark: int
    balance_fen: int
    owed_fen: int


def assess(session: Session, claim: Claim, today: dt.date, paid_before: int = 0) -> Assessment:
    """The loss and its split as of now; also the last recovery counted (``recovery_mark``).

    ``paid_before``: what the fund already advanced on this claim; the final split's caps count it as not yet paid
    (it is part of the final share), so it goes back to the pool balance and, in the same year, off the annual sums.
    The pool never goes negative: a scheme limited to the fund caps the fund's share at the balance (the rest falls
    to the overflow party); any other scheme keeps the fund's full share and the part beyond the balance is owed.
    """
    scheme = store.scheme_version(session, claim.scheme_code, claim.scheme_version)
    loan = session.get(Loan, claim.loan_id)
    assert loan is not None
    wo = write_off_of(session, loan.id)
    if wo is not None:
        principal_fen, interest_fen = to_fen(wo.principal), to_fen(wo.interest)
    else:
        principal_fen = to_fen(loan.outstanding_principal)
        interest_fen = to_fen(balance(session, account_code(loan.bank_id, "loan_interest", loan.id)))
    rec = select(func.coalesce(func.sum(LoanRepayment.amount), 0), func.coalesce(func.max(LoanRepayment.id), 0))
    recovered, mark = session.execute(
        rec.where(LoanRepayment.loan_id == loan.id, LoanRepayment.kind == "recovery")
    ).one()
    loss_fen = max(principal_fen - to_fen(recovered), 0)
    pool = store.pool(session, claim.scheme_code, lock=True)
    year = today.year
    in_year = from_fen(paid_before if claim.paid_year == year else 0)
    cash = store.pool_balance(session, pool) + from_fen(paid_before)
    caps = CapsState(
        fund_balance=cash,
        fund_paid_this_year=store.fund_paid(session, claim.scheme_code, year) - in_year,
        institution_paid_this_year=store.fund_paid(session, claim.scheme_code, year, claim.bank_id) - in_year,
    )
    enrolment = store.enrolment_of(session, loan.id)
    ip_share = enrolment.ip_share_bp if enrolment is not None else None
    allocation = split_loss(
        scheme,
        from_fen(loss_fen),
        from_fen(principal_fen),
        caps,
        interest=from_fen(max(interest_fen, 0)),
        ip_share_bp=ip_share,
    )
    fund_fen = to_fen(allocation.shares.get(Party.FUND, Decimal(0)))
    owed = 0 if scheme.liability_limited_to_fund else max(fund_fen - max(to_fen(cash), 0), 0)
    return Assessment(scheme, allocation, int(mark), principal_fen, owed)


def cash_only(
    shares: dict[Party, Decimal], capped: dict[Party, list[str]], owed_fen: int
) -> tuple[dict[Party, Decimal], dict[Party, list[str]]]:
    """The split with the fund's owed part moved to the bank (what is paid now when no debt is recorded: an advance)."""
    if not owed_fen:
        return shares, capped
    out, why = dict(shares), {p: list(w) for p, w in capped.items()}
    out[Party.FUND] -= from_fen(owed_fen)
    out[Party.BANK] = out.get(Party.BANK, Decimal(0)) + from_fen(owed_fen)
    why.setdefault(Party.FUND, []).append("fund_balance")
    return out, why


def payers_of(session: Session, claim: Claim, on: dt.date) -> dict[Party, int | None]:
    out: dict[Party, int | None] = {Party.FUND: claim.fund_id, Party.BANK: claim.bank_id}
    out[Party.INSURER] = covers.provider_for(session, claim.loan_id, claim.scheme_code, Party.INSURER, on)
    out[Party.GUARANTOR] = covers.provider_for(session, claim.loan_id, claim.scheme_code, Party.GUARANTOR, on)
    pooled = session.scalars(
        select(Cover).where(Cover.kind == "pooled_insurance", Cover.scheme_code == claim.scheme_code)
    ).first()  # the IP operations institution is the pooled policy's policyholder
    out[Party.IP_OPERATOR] = None if pooled is None else pooled.payer_id
    out[Party.VALUER] = valuer_of(session, claim.loan_id)
    return out


def valuer_of(session: Session, loan_id: int) -> int | None:
    """The valuation firm that bears the valuer's share: the valuer of the external (not internal) reports named by
    the loan's credit decision. Several firms: the one whose reports backed the most value (then the lowest party
    id). ``None`` when the bank valued the IP itself or no report backed the decision."""
    loan = session.get(Loan, loan_id)
    decision = None if loan is None or loan.decision_id is None else session.get(CreditDecision, loan.decision_id)
    if decision is None:
        return None
    backed: dict[int, Decimal] = {}
    for item in json.loads(decision.valuations):
        if item.get("report_id") is not None:
            backed[int(item["report_id"])] = backed.get(int(item["report_id"]), Decimal(0)) + Decimal(
                item.get("value") or 0
            )
    if not backed:
        return None
    reports = session.scalars(
        select(ValuationReport).where(ValuationReport.id.in_(backed), ValuationReport.internal.is_(False))
    )
    by_valuer: dict[int, Decimal] = {}
    for r in reports:
        if r.valuer_id != decision.bank_id:
            by_valuer[r.valuer_id] = by_valuer.get(r.valuer_id, Decimal(0)) + backed[r.id]
    return min(by_valuer, key=lambda v: (-by_valuer[v], v)) if by_valuer else None


def resolve_shares(
    allocation: Allocation, payers: dict[Party, int | None]
) -> tuple[dict[Party, Decimal], dict[Party, list[str]]]:
    """The split with every share whose party the platform cannot name moved to the bank (``no_party``)."""
    shares = dict(allocation.shares)
    capped = {p: list(w) for p, w in allocation.capped_by.items()}
    for party in list(shares):
        if party is not Party.BANK and shares[party] and payers.get(party) is None:
            shares[Party.BANK] = shares.get(Party.BANK, Decimal(0)) + shares[party]
            shares[party] = Decimal(0)
            capped.setdefault(party, []).append("no_party")
    return shares, capped


def advance_shares(scheme: Scheme, total: Decimal, shares: dict[Party, Decimal]) -> dict[Party, Decimal]:
    """Each party's advance: ``advance_ratio`` x the net loss, capped at the others' shares, split to the fen."""
    others = [p for p, v in shares.items() if p is not Party.BANK and v > 0]
    owed = sum((shares[p] for p in others), Decimal(0))
    ratio = Decimal(scheme.advance_ratio_bp or 0) / BP_TOTAL
    advance_fen = to_fen(min(round_fen(total * ratio), owed))
    parts = largest_remainder(advance_fen, [to_fen(shares[p]) for p in others]) if others else []
    out: dict[Party, Decimal] = {p: from_fen(part) for p, part in zip(others, parts, strict=True)}
    out.update({p: Decimal(0) for p in shares if p not in out and p is not Party.BANK})
    out[Party.BANK] = total - sum(out.values(), Decimal(0))
    return out


def decide(
    session: Session, approver: Principal, claim_id: int, approve: bool, reason: str | None, today: dt.date
) -> Claim:
    """A different approver of the fund decides; on approval every party's share is paid through the ledger."""
    claim = fund_claim(session, approver, claim_id)
    if claim.status != "proposed" or claim.approval_id is None:
        raise _conflict("state", f"申请状态为 {claim.status}", f"the claim is {claim.status}, not proposed")
    access.decide(session, approver, claim.approval_id, approve, reason)
    claim.decided_on = today
    if not approve:
        claim.status = "rejected"
        session.flush()
        return claim
    scheme, allocation, mark, balance_fen, owed = assess(session, claim, today)
    payers = payers_of(session, claim, claim.triggered_on)  # the covers in force when the loss was triggered
    shares, capped = resolve_shares(allocation, payers)
    advance = scheme.advance_ratio_bp is not None and scheme.advance_ratio_bp < BP_TOTAL
    advance = advance and write_off_of(session, claim.loan_id) is None
    if advance:  # 预付: the advance ratio of the net loss, at most what the others owe, shared pro rata among them
        shares, capped = cash_only(shares, capped, owed)  # an advance is paid from cash; no debt before settlement
        shares, owed = advance_shares(scheme, allocation.total, shares), 0
    claim.balance_fen = balance_fen
    claim.loss_fen, claim.interest_fen = to_fen(allocation.loss), to_fen(allocation.interest)
    claim.tier_index, claim.paid_year, claim.recovery_mark = allocation.tier_index, today.year, mark
    claim.status = "advanced" if advance else "paid"
    session.flush()
    for party, amount in shares.items():
        row = ClaimShare(
            claim_id=claim.id,
            role=party.value,
            party_id=payers.get(party),
            amount_fen=to_fen(amount),
            uncapped_fen=to_fen(allocation.uncapped.get(party, Decimal(0))),
            capped_by=",".join(capped.get(party, [])),
            advanced_fen=to_fen(amount) if advance and party is not Party.BANK else 0,
            owed_fen=owed if party is Party.FUND else 0,
        )
        if party is not Party.BANK and amount > 0:
            payer = payers[party]
            assert payer is not None
            paid = pay_share(session, approver, claim, party, payer, to_fen(amount) - row.owed_fen, today)
            debt = record_debt(session, approver, claim, row.owed_fen, today)  # only the fund's, when short
            row.entry_id = paid or debt
        session.add(row)
    session.flush()
    audit.record(
        session,
        approver,
        "risk.claim_advanced" if advance else "risk.claim_paid",
        "risk_claim",
        claim.id,
        {"shares": {p.value: str(v) for p, v in shares.items()}, "scheme": scheme.code, "fund_owed": owed},
    )
    notices.claim_event(
        session,
        claim,
        "risk.claim_decided",
        {"shares": {p.value: str(v) for p, v in shares.items()}, "fund_owed": str(from_fen(owed))},
    )
    return claim


def pay_share(
    session: Session, principal: Principal, claim: Claim, party: Party, payer: int, fen: int, today: dt.date
) -> int | None:
    """Post one party's payment to the bank (``risk.payout``); returns the entry id (None when nothing is due)."""
    if fen <= 0:
        return None
    fund_scheme = claim.scheme_code if party is Party.FUND else None
    key = f"risk.payout:{claim.id}:{party.value}"
    draft = ledger_entries.payout(payer, claim.bank_id, from_fen(fen), today, claim.id, key, fund_scheme)
    return ledger.post(session, principal, draft).id


def record_debt(session: Session, principal: Principal, claim: Claim, fen: int, today: dt.date) -> int | None:
    """应付代偿: the fund owes the bank ``fen`` on this claim (``risk.fund_debt``); paid from later contributions."""
    if fen <= 0:
        return None
    key = f"risk.fund_debt:{claim.id}:{fen}"
    draft = ledger_entries.fund_debt(
        claim.fund_id, claim.scheme_code, claim.bank_id, from_fen(fen), today, claim.id, key
    )
    entry = ledger.post(session, principal, draft)
    audit.record(session, principal, "risk.fund_debt", "risk_claim", claim.id, {"owed": str(from_fen(fen))})
    return entry.id
