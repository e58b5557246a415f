"""Risk-sharing tables (风险分担台账): scheme versions, fund pools, enrolments, covers, claims, subsidies.

Money is integer fen. Scheme and subsidy-rule bodies are JSON documents (``schemes.to_dict`` / ``subsidy``), kept
per version so that an enrolment or a claim names the exact version it was decided under.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, IdMixin, utcnow
from ippledge.risk_sharing import ledger_entries as _chart  # noqa: F401  (registers the risk-sharing accounts)


class SchemeVersion(IdMixin, Base):
    """One version of a scheme (方案版本); ``body`` is the JSON document validated by ``schemes.from_dict``."""

    __tablename__ = "risk_scheme_version"

    code: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[str] = mapped_column(String(20))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)  # exclusive; set when a newer version starts
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("code", "version"),)


class FundPool(IdMixin, Base):
    """The compensation fund of a scheme (风险补偿资金池), administered by a fund party."""

    __tablename__ = "risk_fund_pool"

    scheme_code: Mapped[str] = mapped_column(String(60), unique=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FundContribution(IdMixin, Base):
    """Money paid into a pool (注资); the ledger check proves the pool account equals what these tables imply."""

    __tablename__ = "risk_fund_contribution"

    pool_id: Mapped[int] = mapped_column(ForeignKey("risk_fund_pool.id"), index=True)
    value_date: Mapped[dt.date] = mapped_column(Date)
    amount_fen: Mapped[int]
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), unique=True)


class Enrolment(IdMixin, Base):
    """A loan enrolled in a scheme (纳入风险补偿), with the facts checked and the version applied."""

    __tablename__ = "risk_enrolment"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), unique=True)
    scheme_code: Mapped[str] = mapped_column(String(60), index=True)
    scheme_version: Mapped[str] = mapped_column(String(20))
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    facts: Mapped[str] = mapped_column(Text)  # JSON: every input of the eligibility check
    ip_share_bp: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))


class Cover(IdMixin, Base):
    """Insurance or a guarantee (保险/担保) covering one loan or every loan of a scheme's pool."""

    __tablename__ = "risk_cover"

    kind: Mapped[str] = mapped_column(String(20))  # pooled_insurance | loan_insurance | guarantee
    provider_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)  # policyholder / who pays the fee
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"), index=True)
    scheme_code: Mapped[str | None] = mapped_column(String(60), index=True)  # pooled cover
    premium_rate_bp: Mapped[int] = mapped_column(Integer)
    premium_fen: Mapped[int]
    paid_fen: Mapped[int] = mapped_column(default=0)
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Claim(IdMixin, Base):
    """A compensation claim (补偿申请) filed by the bank and reviewed by the fund (maker-checker)."""

    __tablename__ = "risk_claim"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("risk_enrolment.id"), index=True)
    scheme_code: Mapped[str] = mapped_column(String(60), index=True)
    scheme_version: Mapped[str] = mapped_column(String(20))
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    trigger_kind: Mapped[str] = mapped_column(String(24))
    triggered_on: Mapped[dt.date] = mapped_column(Date)
    filed_on: Mapped[dt.date] = mapped_column(Date)
    review_due: Mapped[dt.date] = mapped_column(Date)  # working-day time limit for the fund's decision
    evidence: Mapped[str] = mapped_column(Text)  # JSON: {"statement": ..., "documents": [...]}
    # filed | proposed | paid | rejected; with an advance (预付): filed | proposed | advanced | settling | paid
    status: Mapped[str] = mapped_column(String(12), index=True, default="filed")
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"))
    balance_fen: Mapped[int] = mapped_column(default=0)  # balance at default (chooses the tier)
    loss_fen: Mapped[int] = mapped_column(default=0)  # net principal loss
    interest_fen: Mapped[int] = mapped_column(default=0)
    tier_index: Mapped[int | None] = mapped_column(Integer)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    paid_year: Mapped[int | None] = mapped_column(Integer, index=True)
    recovery_mark: Mapped[int] = mapped_column(default=0)  # last loan_repayment id counted before payout
    recovered_fen: Mapped[int] = mapped_column(default=0)  # recoveries after payout shared back so far
    settled_on: Mapped[dt.date | None] = mapped_column(Date)  # an advanced claim's final settlement (清算)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ClaimShare(Base):
    """What one party bore of a claim (after caps) and how much of it came back through recoveries.

    ``amount_fen`` is the party's share (the bank: the rest of the loss); while a claim is ``advanced`` that is the
    advance (``advanced_fen``), and after settlement the final share. ``owed_fen`` (the fund only) is the part of its
    share the pool could not pay yet: a debt to the bank (应付代偿) when the scheme's liability is not limited to the
    fund, paid out of later contributions; what the fund has paid is ``amount_fen - owed_fen``."""

    __tablename__ = "risk_claim_share"

    claim_id: Mapped[int] = mapped_column(ForeignKey("risk_claim.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)  # model.Party value
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    amount_fen: Mapped[int]
    uncapped_fen: Mapped[int]
    capped_by: Mapped[str] = mapped_column(String(100), default="")
    clawed_back_fen: Mapped[int] = mapped_column(default=0)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    advanced_fen: Mapped[int] = mapped_column(default=0)  # paid before write-off (预付)
    settlement_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    owed_fen: Mapped[int] = mapped_column(default=0)  # 应付代偿: not yet paid by the fund (its pool was short)


class SubsidyRule(IdMixin, Base):
    """A subsidy rule version (补贴政策): interest, valuation-fee, premium or guarantee-fee subsidy."""

    __tablename__ = "risk_subsidy_rule"

    code: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    scheme_code: Mapped[str] = mapped_column(String(60))  # whose fund pays
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("code", "version"),)


class SubsidyApplication(IdMixin, Base):
    """An enterprise's application for a subsidy (补贴申请) for one loan and year."""

    __tablename__ = "risk_subsidy_application"

    rule_id: Mapped[int] = mapped_column(ForeignKey("risk_subsidy_rule.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    fund_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    basis_fen: Mapped[int]  # what was actually paid (interest, premium, fee)
    computed_fen: Mapped[int]  # before the per-firm cap
    amount_fen: Mapped[int]  # after the cap
    workings: Mapped[str] = mapped_column(Text)  # JSON
    # applied | proposed | approved | rejected | paid
    status: Mapped[str] = mapped_column(String(12), default="applied")
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    paid_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("rule_id", "loan_id", "year"),)
