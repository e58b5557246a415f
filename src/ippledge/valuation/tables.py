"""Valuation tables: immutable reports (评估报告) and their per-IP values (corrections supersede); model
valuations (模型估值) written by the engine, one row per IP, date, model version and seed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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


class ModelValuation(IdMixin, Base):
    """The engine's valuation of one IP on one date (模型估值): score, value range, collateral value, and why."""

    __tablename__ = "model_valuation"

    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id", ondelete="CASCADE"))
    as_of: Mapped[dt.date] = mapped_column(Date)
    model_version: Mapped[str] = mapped_column(String(40))
    seed: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    legal_score: Mapped[float | None] = mapped_column(Float)
    technical_score: Mapped[float | None] = mapped_column(Float)
    economic_score: Mapped[float | None] = mapped_column(Float)
    value_p10_fen: Mapped[int]
    value_p50_fen: Mapped[int]
    value_p90_fen: Mapped[int]
    collateral_value_fen: Mapped[int]
    market_value_fen: Mapped[int | None]  # market approach; None without comparables
    cost_value_fen: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    assumptions: Mapped[str] = mapped_column(Text)  # JSON: every assumption behind the numbers
    explanation: Mapped[str] = mapped_column(Text)  # JSON: dimension and indicator contributions
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("ip_asset_id", "as_of", "model_version", "seed"),
        Index("ix_model_valuation_asset_as_of", "ip_asset_id", "as_of"),
    )
