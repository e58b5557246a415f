"""Enrolment table (方案登记台账): a loan enrolled in a scheme, with the facts checked and the version applied."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, IdMixin


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
