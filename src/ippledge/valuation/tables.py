"""Valuation report tables (评估报告): immutable reports and their per-IP values; corrections supersede."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, IdMixin, utcnow


class ValuationReport(IdMixin, Base):
    __tablename__ = "valuation_report"

    report_no: Mapped[str] = mapped_column(String(32), unique=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("intake_task.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("loan_application.id"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)  # the bank that commissioned it
    valuer_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)  # the bank itself when internal
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    signer_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    method: Mapped[str] = mapped_column(String(8))
    assumptions: Mapped[str] = mapped_column(Text)  # JSON object
    valuation_date: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    total_fen: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("valuation_report.id"), unique=True)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ValuationReportItem(Base):
    __tablename__ = "valuation_report_item"

    report_id: Mapped[int] = mapped_column(ForeignKey("valuation_report.id", ondelete="CASCADE"), primary_key=True)
    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id"), primary_key=True, index=True)
    value_fen: Mapped[int]
