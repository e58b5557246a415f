"""Subsidy tables (补贴台账): rule versions and enterprises' applications.

Money is stored as integer fen (``Fen`` columns, named ``*_fen``) and read as ``Decimal`` yuan. A rule's ``body`` is
its JSON document (``model.rule_problems`` checks it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin


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
    basis: Mapped[Decimal] = mapped_column("basis_fen", Fen)  # what was actually paid (interest, premium, fee)
    computed: Mapped[Decimal] = mapped_column("computed_fen", Fen)  # before the per-firm cap
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)  # after the cap
    workings: Mapped[str] = mapped_column(Text)  # JSON
    # applied | proposed | approved | rejected | paid
    status: Mapped[str] = mapped_column(String(12), default="applied")
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    paid_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("rule_id", "loan_id", "year"),)
