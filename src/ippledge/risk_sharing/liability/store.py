"""Liability reads (职业责任保险查询): policies in force, the aggregate used, the institution of a scheme."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.risk_sharing.liability.model import Cause, PolicyTerms
from ippledge.risk_sharing.liability.tables import DisposalAgent, LiabilityClaim, LiabilityPolicy


def terms_of(row: LiabilityPolicy) -> PolicyTerms:
    return PolicyTerms(
        per_claim_limit=row.per_claim_limit,
        aggregate_limit=row.aggregate_limit,
        deductible=row.deductible,
        exclusions=frozenset(Cause(c) for c in row.exclusions.split(",") if c),
        premium_rate_bp=row.premium_rate_bp,
        subsidy_bp=row.subsidy_bp,
        subsidy_cap=row.subsidy_cap,
    )


def policy_in_force(
    session: Session, scheme_code: str, on: dt.date, insured_id: int | None = None, lock: bool = False
) -> LiabilityPolicy | None:
    """The scheme's liability policy in force on ``on`` (of ``insured_id`` when given), the oldest first."""
    stmt = select(LiabilityPolicy).where(
        LiabilityPolicy.scheme_code == scheme_code, LiabilityPolicy.start_on <= on, LiabilityPolicy.end_on >= on
    )
    if insured_id is not None:
        stmt = stmt.where(LiabilityPolicy.insured_id == insured_id)
    stmt = stmt.order_by(LiabilityPolicy.id)
    return session.scalars(stmt.with_for_update() if lock else stmt).first()


def insured_of(session: Session, scheme_code: str, on: dt.date) -> int | None:
    """The IP operations institution that answers to the bank under a scheme on ``on``: its policy's insured."""
    policy = policy_in_force(session, scheme_code, on)
    return None if policy is None else policy.insured_id


def insures(session: Session, scheme_code: str, party_id: int) -> bool:
    """Whether ``party_id`` holds any liability policy under the scheme (the scheme's institution)."""
    stmt = select(LiabilityPolicy.id).where(
        LiabilityPolicy.scheme_code == scheme_code, LiabilityPolicy.insured_id == party_id
    )
    return session.scalars(stmt).first() is not None


def claim_of(session: Session, risk_claim_id: int) -> LiabilityClaim | None:
    return session.scalars(select(LiabilityClaim).where(LiabilityClaim.risk_claim_id == risk_claim_id)).first()


def agent_of(session: Session, loan_id: int) -> DisposalAgent | None:
    return session.scalars(select(DisposalAgent).where(DisposalAgent.loan_id == loan_id)).first()
