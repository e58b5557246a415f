"""Claim tables (补偿申请台账): a claim and what each party bore of it.

Money is stored as integer fen (``Fen`` columns, named ``*_fen``) and read as ``Decimal`` yuan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow

ZERO = Decimal("0.00")


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
    balance: Mapped[Decimal] = mapped_column("balance_fen", Fen, default=ZERO)  # at default (chooses the tier)
    loss: Mapped[Decimal] = mapped_column("loss_fen", Fen, default=ZERO)  # net principal loss
    interest: Mapped[Decimal] = mapped_column("interest_fen", Fen, default=ZERO)
    tier_index: Mapped[int | None] = mapped_column(Integer)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    paid_year: Mapped[int | None] = mapped_column(Integer, index=True)
    recovery_mark: Mapped[int] = mapped_column(default=0)  # last loan_repayment id counted before payout
    recovered: Mapped[Decimal] = mapped_column("recovered_fen", Fen, default=ZERO)  # shared back after payout so far
    settled_on: Mapped[dt.date | None] = mapped_column(Date)  # an advanced claim's final settlement (清算)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ClaimShare(Base):
    """What one party bore of a claim (after caps) and how much of it came back through recoveries.

    ``amount`` is the party's share (the bank: the rest of the loss); while a claim is ``advanced`` that is the
    advance (``advanced``), and after settlement the final share. ``owed`` (the fund only) is the part of its share
    the pool could not pay yet: a debt to the bank (应付代偿) when the scheme's liability is not limited to the fund,
    paid out of later contributions; what the fund has paid is ``amount - owed``."""

    __tablename__ = "risk_claim_share"

    claim_id: Mapped[int] = mapped_column(ForeignKey("risk_claim.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)  # model.Party value
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)
    uncapped: Mapped[Decimal] = mapped_column("uncapped_fen", Fen)
    capped_by: Mapped[str] = mapped_column(String(100), default="")
    clawed_back: Mapped[Decimal] = mapped_column("clawed_back_fen", Fen, default=ZERO)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    advanced: Mapped[Decimal] = mapped_column("advanced_fen", Fen, default=ZERO)  # paid before write-off (预付)
    settlement_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    owed: Mapped[Decimal] = mapped_column("owed_fen", Fen, default=ZERO)  # 应付代偿: not yet paid (the pool was short)
