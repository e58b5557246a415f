"""Who may read a fund pool (资金池查阅范围): the scheme's parties, the regulator and the platform.

A pool's cash and what its fund owes banks are the scheme's business, not every party's. Its parties are the fund that
administers it, the banks with loans enrolled in the scheme, the providers and payers of pooled covers on it, the
insurers and institutions of its liability policies and whoever co-funds it. Anyone else gets the pool's own 404
(``risk.pool.missing``), exactly as for a scheme without a pool: no existence oracle.
"""

from __future__ import annotations

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Principal
from ippledge.risk_sharing.covers.tables import Cover
from ippledge.risk_sharing.enrolments.tables import Enrolment
from ippledge.risk_sharing.liability.tables import LiabilityPolicy, PoolCoContribution
from ippledge.risk_sharing.pools.tables import FundContribution, FundPool

OVERSEERS = frozenset({PartyKind.REGULATOR, PartyKind.PLATFORM})


def may_read_pool(session: Session, principal: Principal, pool: FundPool) -> bool:
    """Whether the caller is one of the scheme's parties or oversees the platform."""
    if principal.party_kind in OVERSEERS or principal.party_id == pool.fund_id:
        return True
    code, me = pool.scheme_code, principal.party_id
    parties = union_all(
        select(Enrolment.bank_id.label("p")).where(Enrolment.scheme_code == code, Enrolment.bank_id == me),
        select(Cover.provider_id).where(Cover.scheme_code == code, Cover.provider_id == me),
        select(Cover.payer_id).where(Cover.scheme_code == code, Cover.payer_id == me),
        select(LiabilityPolicy.insurer_id).where(LiabilityPolicy.scheme_code == code, LiabilityPolicy.insurer_id == me),
        select(LiabilityPolicy.insured_id).where(LiabilityPolicy.scheme_code == code, LiabilityPolicy.insured_id == me),
        select(PoolCoContribution.contributor_id)
        .join(FundContribution, FundContribution.id == PoolCoContribution.contribution_id)
        .where(FundContribution.pool_id == pool.id, PoolCoContribution.contributor_id == me),
    )
    return session.execute(select(parties.subquery()).limit(1)).first() is not None
