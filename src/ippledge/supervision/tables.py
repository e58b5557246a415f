"""Supervision tables (监管统计): the inputs the regulator records, kept with their history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, IdMixin, utcnow


class OverallNplRatio(IdMixin, Base):
    """A bank's overall NPL ratio (全行不良贷款率) for a period ending on ``period_end``, as the regulator recorded it.

    Never updated: a correction is a new row, and the newest row recorded on or before a date is the one in force
    then (``period_end`` is when the figure is true, ``recorded_on`` when it was known), so a report can be
    reproduced as it stood. ``ratio_ppm`` is the ratio in millionths (1.23% is 12,300)."""

    __tablename__ = "supervision_overall_npl"

    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    period_end: Mapped[dt.date] = mapped_column(Date)
    ratio_ppm: Mapped[int] = mapped_column(Integer)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_supervision_overall_npl_bank_period", "bank_id", "period_end"),)


class LoanCorrection(IdMixin, Base):
    """A back-dated correction of a loan's reported five-tier grade (报送更正), as the regulator recorded it.

    Bitemporal: ``effective_on`` is the date from which the corrected grade is true, ``recorded_on`` the date it was
    recorded. Never updated: a correction of a correction is a new row. Reports for periods ending before
    ``effective_on`` are unchanged; a report as of a date before ``recorded_on`` is reproduced without it."""

    __tablename__ = "supervision_loan_correction"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    grade: Mapped[str] = mapped_column(String(16))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
