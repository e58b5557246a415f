"""Who sees which risk-sharing rows (风险分担数据范围): registered with ``access.scope`` by the composition root.

A claim is seen by its bank and its fund, an enrolment also by the borrower, a cover by its provider and payer, a
subsidy application by the enterprise, its bank and the fund, a fund pool by its fund and the IP operator insured
under its scheme (共建出资); the platform operator and the regulator see all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.risk_sharing.claims.tables import Claim
from ippledge.risk_sharing.covers.tables import Cover
from ippledge.risk_sharing.enrolments.tables import Enrolment
from ippledge.risk_sharing.liability.tables import LiabilityPolicy
from ippledge.risk_sharing.pools.store import OVERSEERS
from ippledge.risk_sharing.pools.tables import FundPool
from ippledge.risk_sharing.subsidies.tables import SubsidyApplication


def _insured_schemes(principal: Principal) -> Any:
    """An IP operator co-funds the pools of the schemes it holds a liability policy under."""
    if principal.party_kind is not PartyKind.IP_OPERATOR:
        return None
    mine = select(LiabilityPolicy.scheme_code).where(LiabilityPolicy.insured_id == principal.party_id)
    return FundPool.scheme_code.in_(mine)


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
    scope.register(FundPool, scope.ScopeRule(("fund_id",), OVERSEERS, "资金池", "fund pool", custom=_insured_schemes))
