"""A claim's assessment (损失核定): the net loss and its split as of now, and who pays each share.

The loss is the principal at default (the written-off principal once written off) less every recovery so far; the
lost interest is the interest written off (or still receivable). The split uses the caps used so far this year and
the pool balance from the ledger; the pool never goes negative. The valuer (Zhongshan's 4%) is the valuation firm
whose external report backed the loan's credit decision (:func:`valuer_of`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy.orm import Session

from ippledge.credit import queries as credit
from ippledge.kernel.money import money
from ippledge.ledger import queries as ledger
from ippledge.ledger.accounts import account_code
from ippledge.lending import queries as lending
from ippledge.risk_sharing.claims import store
from ippledge.risk_sharing.claims.model import Allocation, CapsState, split_loss
from ippledge.risk_sharing.claims.tables import ZERO, Claim
from ippledge.risk_sharing.claims.trigger import write_off_of
from ippledge.risk_sharing.covers import store as covers
from ippledge.risk_sharing.enrolments import store as enrolments
from ippledge.risk_sharing.liability import store as liability
from ippledge.risk_sharing.model import Party, Scheme
from ippledge.risk_sharing.pools import store as pools
from ippledge.risk_sharing.schemes import store as schemes
from ippledge.valuation import queries as valuation


class Assessment(NamedTuple):
    """A claim's loss and split as of now: ``owed`` is the part of the fund's share its pool cannot pay now (a debt
    to the bank; 0 when the scheme limits liability to the fund, which caps the share at the balance instead);
    ``recovery_mark`` the last recovery counted; ``balance`` the balance at default."""

    scheme: Scheme
    allocation: Allocation
    recovery_mark: int
    balance: Decimal
    owed: Decimal


def fund_paid_on(session: Session, claim: Claim) -> Decimal:
    """What the fund has paid on this claim so far (its advance)."""
    return sum((s.amount for s in store.shares_of(session, claim.id) if s.role == Party.FUND.value), ZERO)


def assess(session: Session, claim: Claim, today: dt.date, paid_before: Decimal = ZERO) -> Assessment:
    """The loss and its split as of now; also the last recovery counted (``recovery_mark``).

    ``paid_before``: what the fund already advanced on this claim; the final split's caps count it as not yet paid
    (it is part of the final share), so it goes back to the pool balance and, in the same year, off the annual sums.
    The pool never goes negative: a scheme limited to the fund caps the fund's share at the balance (the rest falls
    to the overflow party); any other scheme keeps the fund's full share and the part beyond the balance is owed.
    """
    scheme = schemes.scheme_version(session, claim.scheme_code, claim.scheme_version)
    loan = lending.loan_summary(session, claim.loan_id)
    assert loan is not None
    wo = write_off_of(session, loan.id)
    if wo is not None:
        principal, interest = wo.principal, wo.interest
    else:
        principal = loan.outstanding_principal
        interest = ledger.balance(session, account_code(loan.bank_id, "loan_interest", loan.id))
    recovered = lending.recoveries(session, loan.id)
    loss = max(principal - recovered.total, ZERO)
    pool = pools.pool(session, claim.scheme_code, lock=True)
    year = today.year
    in_year = paid_before if claim.paid_year == year else ZERO
    cash = pools.pool_balance(session, pool) + paid_before
    caps = CapsState(
        fund_balance=cash,
        fund_paid_this_year=store.fund_paid(session, claim.scheme_code, year) - in_year,
        institution_paid_this_year=store.fund_paid(session, claim.scheme_code, year, claim.bank_id) - in_year,
    )
    enrolment = enrolments.enrolment_of(session, loan.id)
    ip_share = enrolment.ip_share_bp if enrolment is not None else None
    allocation = split_loss(scheme, loss, principal, caps, interest=max(interest, ZERO), ip_share_bp=ip_share)
    fund = allocation.shares.get(Party.FUND, ZERO)
    owed = ZERO if scheme.liability_limited_to_fund else max(fund - max(cash, ZERO), ZERO)
    return Assessment(scheme, allocation, recovered.last_id, principal, money(owed))


def payers_of(session: Session, claim: Claim, on: dt.date) -> dict[Party, int | None]:
    """Who pays each party's share (``None``: nobody the platform can name): the covers in force on ``on``."""
    out: dict[Party, int | None] = {Party.FUND: claim.fund_id, Party.BANK: claim.bank_id}
    out[Party.INSURER] = covers.provider_for(session, claim.loan_id, claim.scheme_code, Party.INSURER, on)
    out[Party.GUARANTOR] = covers.provider_for(session, claim.loan_id, claim.scheme_code, Party.GUARANTOR, on)
    # the institution: the policyholder of a pooled cover, or the insured of the scheme's liability policy in force
    out[Party.IP_OPERATOR] = covers.pooled_policyholder(session, claim.scheme_code) or liability.insured_of(
        session, claim.scheme_code, on
    )
    out[Party.VALUER] = valuer_of(session, claim.loan_id)
    return out


def valuer_of(session: Session, loan_id: int) -> int | None:
    """The valuation firm that bears the valuer's share: the valuer of the external (not internal) reports named by
    the loan's credit decision. Several firms: the one whose reports backed the most value (then the lowest party
    id). ``None`` when the bank valued the IP itself or no report backed the decision."""
    loan = lending.loan_summary(session, loan_id)
    decision = None if loan is None or loan.decision_id is None else credit.decision_facts(session, loan.decision_id)
    if decision is None:
        return None
    backed: dict[int, Decimal] = {}
    for used in decision.valuations:
        if used.report_id is not None:
            backed[used.report_id] = backed.get(used.report_id, Decimal(0)) + (used.value or Decimal(0))
    if not backed:
        return None
    by_valuer: dict[int, Decimal] = {}
    for r in valuation.report_authors(session, backed).values():
        if not r.internal and r.valuer_id != decision.bank_id:
            by_valuer[r.valuer_id] = by_valuer.get(r.valuer_id, Decimal(0)) + backed[r.report_id]
    return min(by_valuer, key=lambda v: (-by_valuer[v], v)) if by_valuer else None
