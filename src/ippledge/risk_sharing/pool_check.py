"""The risk-sharing ledger expectation (资金池核对): each pool's ledger balance equals what the tables imply.

expected pool = contributions - the fund's claim payouts (its shares less what it still owes) + what came back to it
by clawback - subsidies paid - premium subsidies of liability policies (保费补贴); expected fund payable (应付代偿) =
what it still owes on the scheme's claims.
Registered with ``ledger.check.register_expectations("risk_sharing", ...)`` so ``ippledge ledger check`` proves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.kernel.money import money
from ippledge.ledger.accounts import account_code
from ippledge.ledger.check import register_expectations
from ippledge.risk_sharing.claims.tables import Claim, ClaimShare
from ippledge.risk_sharing.liability.tables import LiabilityPolicy
from ippledge.risk_sharing.model import Party
from ippledge.risk_sharing.pools.postings import FUND_PAYABLE, FUND_POOL
from ippledge.risk_sharing.pools.tables import FundContribution, FundPool
from ippledge.risk_sharing.subsidies.tables import SubsidyApplication, SubsidyRule


def expected_pools(session: Session) -> Mapping[str, Decimal]:
    """Each pool account's and fund payable account's expected balance, by account code."""
    out: dict[str, Decimal] = {}
    for pool in session.scalars(select(FundPool)):
        contributed = session.scalar(
            select(func.coalesce(func.sum(FundContribution.amount), 0)).where(FundContribution.pool_id == pool.id)
        )
        paid, owed, back = session.execute(
            select(
                func.coalesce(func.sum(ClaimShare.amount), 0),
                func.coalesce(func.sum(ClaimShare.owed), 0),
                func.coalesce(func.sum(ClaimShare.clawed_back), 0),
            )
            .join(Claim, Claim.id == ClaimShare.claim_id)
            .where(Claim.scheme_code == pool.scheme_code, ClaimShare.role == Party.FUND.value)
        ).one()
        subsidies = session.scalar(
            select(func.coalesce(func.sum(SubsidyApplication.amount), 0))
            .join(SubsidyRule, SubsidyRule.id == SubsidyApplication.rule_id)
            .where(SubsidyRule.scheme_code == pool.scheme_code, SubsidyApplication.status == "paid")
        )
        premium_subsidies = session.scalar(  # 保费补贴 of the institution's liability policies (Zhongguancun model)
            select(func.coalesce(func.sum(LiabilityPolicy.subsidy_paid), 0)).where(
                LiabilityPolicy.scheme_code == pool.scheme_code
            )
        )
        expected = money(contributed or 0) - (money(paid) - money(owed)) + money(back) - money(subsidies or 0)
        expected -= money(premium_subsidies or 0)
        out[account_code(pool.fund_id, FUND_POOL, pool.scheme_code)] = expected
        out[account_code(pool.fund_id, FUND_PAYABLE, pool.scheme_code)] = money(owed)
    return out


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    register_expectations("risk_sharing", expected_pools)
