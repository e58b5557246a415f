"""Risk-sharing commands (风险分担命令接口): what the edges (HTTP, CLI) and other capabilities ask risk_sharing to do.

Every command runs inside the caller's unit of work (it flushes, never commits) and checks who may act. A command
returns the row it wrote, for this capability's own edge to answer from; other capabilities read results through
``risk_sharing.queries``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.risk_sharing.claims import clawback, debts, settlement
from ippledge.risk_sharing.claims import service as claims
from ippledge.risk_sharing.claims.tables import Claim
from ippledge.risk_sharing.covers import service as covers
from ippledge.risk_sharing.covers.tables import Cover
from ippledge.risk_sharing.enrolments import service as enrolments
from ippledge.risk_sharing.enrolments.tables import Enrolment
from ippledge.risk_sharing.pools import service as pools
from ippledge.risk_sharing.pools.tables import FundPool
from ippledge.risk_sharing.schemes import service as schemes
from ippledge.risk_sharing.schemes.tables import SchemeVersion
from ippledge.risk_sharing.subsidies import service as subsidies
from ippledge.risk_sharing.subsidies.tables import SubsidyApplication, SubsidyRule


def add_scheme_version(session: Session, principal: Principal, doc: dict[str, Any]) -> SchemeVersion:
    """新方案版本: store a scheme version given as its JSON document; it closes the version before it."""
    return schemes.add_version(session, principal, doc)


def create_pool(session: Session, principal: Principal, scheme_code: str) -> FundPool:
    """设立资金池: the fund administrator sets up the pool of a stored scheme."""
    return pools.create_pool(session, principal, scheme_code)


def contribute(
    session: Session, principal: Principal, scheme_code: str, amount: Decimal | str, day: dt.date, key: str
) -> FundPool:
    """注资: money paid into the pool (once per ``key``); what the fund owes banks on claims is then paid out of it,
    oldest first (``claims.debts.pay_down``), in the same transaction."""
    pool, new = pools.contribute(session, principal, scheme_code, amount, day, key)
    if new:
        debts.pay_down(session, principal, pool, day)
    return pool


def enrol(session: Session, principal: Principal, loan_id: int, scheme_code: str, today: dt.date) -> Enrolment:
    """纳入: the lending bank enrols its loan in a scheme with a pool; a refusal lists every reason."""
    return enrolments.enrol(session, principal, loan_id, scheme_code, today)


def add_cover(
    session: Session,
    principal: Principal,
    *,
    kind: str,
    payer_id: int,
    premium_rate_bp: int,
    start_on: dt.date,
    end_on: dt.date,
    loan_id: int | None = None,
    scheme_code: str | None = None,
    insured_amount: Decimal | str | None = None,
) -> Cover:
    """保险/担保: the insurer or guarantor records a cover it has written (of a loan, or pooled over a scheme)."""
    return covers.add_cover(
        session,
        principal,
        kind=kind,
        payer_id=payer_id,
        premium_rate_bp=premium_rate_bp,
        start_on=start_on,
        end_on=end_on,
        loan_id=loan_id,
        scheme_code=scheme_code,
        insured_amount=insured_amount,
    )


def pay_premium(session: Session, principal: Principal, cover_id: int, day: dt.date, key: str) -> Cover:
    """收取保费: the provider records the premium or fee received from the payer (a ledger entry)."""
    return covers.pay_premium(session, principal, cover_id, day, key)


def file_claim(
    session: Session, principal: Principal, loan_id: int, statement: str, documents: list[str], today: dt.date
) -> Claim:
    """申请补偿: the lending bank claims on an enrolled loan whose trigger has been met, within the window."""
    return claims.file_claim(session, principal, loan_id, statement, documents, today)


def review_claim(session: Session, reviewer: Principal, claim_id: int, note: str, today: dt.date) -> Claim:
    """审核: the fund's reviewer (maker) proposes to pay a filed claim or to settle an advanced one."""
    return claims.propose_payment(session, reviewer, claim_id, note, today)


def decide_claim(
    session: Session, approver: Principal, claim_id: int, approve: bool, reason: str | None, today: dt.date
) -> Claim:
    """审批: a different approver of the fund approves (every share is paid through the ledger) or rejects."""
    return claims.decide(session, approver, claim_id, approve, reason, today)


def settle_claim(
    session: Session,
    approver: Principal,
    claim_id: int,
    today: dt.date,
    approve: bool = True,
    reason: str | None = None,
) -> Claim:
    """预付清算: a different approver settles an advanced claim on the final loss after write-off, or rejects the
    proposed settlement (no money moves)."""
    return settlement.settle_claim(session, approver, claim_id, today, approve, reason)


def recover(
    session: Session, principal: Principal, claim_id: int, amount: Decimal | str, day: dt.date, key: str
) -> Claim:
    """追偿: the bank records a recovery on the claim's loan and shares it back to the payers in one step."""
    return clawback.recover(session, principal, claim_id, amount, day, key)


def share_back(session: Session, principal: Principal, claim_id: int, today: dt.date) -> Claim:
    """追偿返还: share back every recovery recorded on the loan since payout (nothing new, nothing posted)."""
    return clawback.share_back(session, principal, claim_id, today)


def add_subsidy_rule(session: Session, principal: Principal, scheme_code: str, body: dict[str, Any]) -> SubsidyRule:
    """补贴政策: store a subsidy rule version paid by the scheme's fund; every bad field listed."""
    return subsidies.add_rule(session, principal, scheme_code, body)


def apply_subsidy(
    session: Session,
    principal: Principal,
    rule_id: int,
    loan_id: int,
    year: int,
    today: dt.date,
    declared_fee: Decimal | str | None = None,
) -> SubsidyApplication:
    """补贴申请: the borrower applies; the amount is computed from what was paid and capped per firm per year."""
    return subsidies.apply(session, principal, rule_id, loan_id, year, today, declared_fee)


def review_subsidy(session: Session, reviewer: Principal, app_id: int) -> SubsidyApplication:
    """The fund's reviewer (maker) proposes to approve a subsidy application."""
    return subsidies.propose(session, reviewer, app_id)


def decide_subsidy(
    session: Session, approver: Principal, app_id: int, approve: bool, reason: str | None
) -> SubsidyApplication:
    """A different approver of the fund approves or rejects a proposed subsidy."""
    return subsidies.decide(session, approver, app_id, approve, reason)


def pay_subsidy(session: Session, principal: Principal, app_id: int, today: dt.date) -> SubsidyApplication:
    """补贴发放: the fund pays an approved subsidy from its pool (refused when the pool holds less)."""
    return subsidies.pay(session, principal, app_id, today)
