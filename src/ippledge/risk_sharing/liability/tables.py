"""Liability tables (职业责任保险台账): policies, the institution's claims on them, pool co-contributions, and the
institution's appointment as disposal agent.

Money is stored as integer fen (``Fen`` columns, named ``*_fen``) and read as ``Decimal`` yuan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow

ZERO = Decimal("0.00")


class LiabilityPolicy(IdMixin, Base):
    """A professional liability policy (职业责任保险单): the institution is policyholder and insured."""

    __tablename__ = "risk_liability_policy"

    scheme_code: Mapped[str] = mapped_column(String(60), index=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    insured_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)  # policyholder = insured
    per_claim_limit: Mapped[Decimal] = mapped_column("per_claim_limit_fen", Fen)
    aggregate_limit: Mapped[Decimal] = mapped_column("aggregate_limit_fen", Fen)
    deductible: Mapped[Decimal] = mapped_column("deductible_fen", Fen)
    exclusions: Mapped[str] = mapped_column(String(200), default="")  # comma-separated model.Cause values
    insured_amount: Mapped[Decimal] = mapped_column("insured_amount_fen", Fen)
    premium_rate_bp: Mapped[int] = mapped_column(Integer)
    premium: Mapped[Decimal] = mapped_column("premium_fen", Fen)
    subsidy_bp: Mapped[int] = mapped_column(Integer, default=0)
    subsidy_cap: Mapped[Decimal | None] = mapped_column("subsidy_cap_fen", Fen, nullable=True)
    premium_paid: Mapped[Decimal] = mapped_column("premium_paid_fen", Fen, default=ZERO)
    subsidy_paid: Mapped[Decimal] = mapped_column("subsidy_paid_fen", Fen, default=ZERO)  # from the scheme's pool
    indemnified: Mapped[Decimal] = mapped_column("indemnified_fen", Fen, default=ZERO)  # aggregate used so far
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LiabilityClaim(IdMixin, Base):
    """The institution's claim on its policy for what it paid a bank on a compensation claim (索赔)."""

    __tablename__ = "risk_liability_claim"

    policy_id: Mapped[int] = mapped_column(ForeignKey("risk_liability_policy.id"), index=True)
    risk_claim_id: Mapped[int] = mapped_column(ForeignKey("risk_claim.id"), unique=True)
    insured_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    cause: Mapped[str] = mapped_column(String(24))
    statement: Mapped[str] = mapped_column(Text)
    loss: Mapped[Decimal] = mapped_column("loss_fen", Fen)  # what the institution paid the bank
    filed_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="filed")  # filed | settled | declined
    indemnity: Mapped[Decimal] = mapped_column("indemnity_fen", Fen, default=ZERO)
    deductible: Mapped[Decimal] = mapped_column("deductible_fen", Fen, default=ZERO)
    limited_by: Mapped[str] = mapped_column(String(100), default="")
    settled_on: Mapped[dt.date | None] = mapped_column(Date)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))


class PoolCoContribution(IdMixin, Base):
    """Who paid a contribution into a co-funded pool (共建资金池): the district IP office or the institution."""

    __tablename__ = "risk_pool_co_contribution"

    contribution_id: Mapped[int] = mapped_column(ForeignKey("risk_fund_contribution.id"), unique=True)
    source: Mapped[str] = mapped_column(String(24))  # district_ip_office | ip_operator
    contributor_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)


class DisposalAgent(IdMixin, Base):
    """The bank appoints the institution to dispose of a defaulted loan's IP (处置代理); data for disposal."""

    __tablename__ = "risk_disposal_agent"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), unique=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    appointed_on: Mapped[dt.date] = mapped_column(Date)
    mandate: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
