"""Who sees which risk-sharing rows (风险分担数据范围): registered with ``access.scope`` by the composition root.

A claim is seen by its bank and its fund, an enrolment also by the borrower, a cover by its provider and payer, a
subsidy application by the enterprise, its bank and the fund, a fund pool by its fund and the scheme's other parties
(banks with loans enrolled, cover providers and payers, liability insurers and insured, co-funders); the platform
operator and the regulator see all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, union

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.risk_sharing.claims.tables import Claim
from ippledge.risk_sharing.covers.tables import Cover
from ippledge.risk_sharing.enrolments.tables import Enrolment
from ippledge.risk_sharing.liability.tables import LiabilityPolicy, PoolCoContribution
from ippledge.risk_sharing.pools.store import OVERSEERS
from ippledge.risk_sharing.pools.tables import FundContribution, FundPool
from ippledge.risk_sharing.subsidies.tables import SubsidyApplication


def _scheme_parties(principal: Principal) -> Any:
    """A pool is the business of its scheme's parties besides its fund: banks with loans enrolled in the scheme, the
    providers and payers of its covers, the insurers and insured of its liability policies, and its co-funders."""
    me = principal.party_id
    codes: Any = union(
        select(Enrolment.scheme_code).where(Enrolment.bank_id == me),
        select(Cover.scheme_code).where(or_(Cover.provider_id == me, Cover.payer_id == me)),
        select(LiabilityPolicy.scheme_code).where(
            or_(LiabilityPolicy.insurer_id == me, LiabilityPolicy.insured_id == me)
        ),
    )
    cofunded = (
        select(FundContribution.pool_id)
        .join(PoolCoContribution, PoolCoContribution.contribution_id == FundContribution.id)
        .where(PoolCoContribution.contributor_id == me)
    )
    return or_(FundPool.scheme_code.in_(codes), FundPool.id.in_(cofunded))


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(Claim, scope.ScopeRule(("bank_id", "fund_id"), OVERSEERS, "补偿申请", "compensation claim"))
    scope.register(
        Enrolment, scope.ScopeRule(("bank_id", "fund_id", "borrower_id"), OVERSEERS, "方案登记", "enrolment")
    )
    scope.register(Cover, scope.ScopeRule(("provider_id", "payer_id"), OVERSEERS, "保险/担保", "cover"))
    scope.register(
        SubsidyApplication,
        scope.ScopeRule(("enterprise_id", "bank_id", "fund_id"), OVERSEERS, "补贴申请", "subsidy application"),
    )
    scope.register(FundPool, scope.ScopeRule(("fund_id",), OVERSEERS, "资金池", "fund pool", custom=_scheme_parties))
