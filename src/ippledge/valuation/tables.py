"""Valuation tables: immutable reports (评估报告) and their per-IP values (corrections supersede); daily
revaluations of pledged IP (质押物重估) with the loan-to-value ratio of the pledge. The engine's model valuations
(模型估值) live in ``valuation.engine.tables``.

A report comes either from a valuation task of a loan application (``source = "task"``) or is an external
historical report recorded for governance (``source = "external"``: no task, application, commissioning bank or
signer on the platform; ``client_id`` names the party that engaged the valuer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow


class ValuationReport(IdMixin, Base):
    __tablename__ = "valuation_report"

    report_no: Mapped[str] = mapped_column(String(32), unique=True)
    source: Mapped[str] = mapped_column(String(12), default="task")  # task | external
    task_id: Mapped[int | None] = mapped_column(ForeignKey("intake_task.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("loan_application.id"), index=True)
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)  # the bank that commissioned it
    valuer_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)  # the bank itself when internal
    client_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)  # who engaged the valuer
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    signer_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    method: Mapped[str] = mapped_column(String(8))
    assumptions: Mapped[str] = mapped_column(Text)  # JSON object
    valuation_date: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    total: Mapped[Decimal] = mapped_column("total_fen", Fen)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("valuation_report.id"), unique=True)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ValuationReportItem(Base):
    __tablename__ = "valuation_report_item"

    report_id: Mapped[int] = mapped_column(ForeignKey("valuation_report.id", ondelete="CASCADE"), primary_key=True)
    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id"), primary_key=True, index=True)
    value: Mapped[Decimal] = mapped_column("value_fen", Fen)


class PledgeRevaluation(Base):
    """Daily revaluation of one IP under a pledge in force (质押物重估): collateral value, change, the pledge's LTV."""

    __tablename__ = "pledge_revaluation"

    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), primary_key=True)
    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id"), primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    collateral_value_fen: Mapped[int]  # the model's forced-sale value (LGD input, coverage)
    market_value_fen: Mapped[int] = mapped_column(default=0)  # the model's P50: the footing the pledge rate is on
    previous_fen: Mapped[int | None]  # the asset's collateral value at the previous revaluation of the pledge
    change_bp: Mapped[int | None]  # (value - previous) / previous in basis points
    pledge_collateral_fen: Mapped[int]  # all the pledge's IP together, forced sale
    pledge_market_fen: Mapped[int] = mapped_column(default=0)  # all the pledge's IP together, model P50
    outstanding_fen: Mapped[int]  # principal outstanding on the loans the pledge secures
    loan_ltv_bp: Mapped[int | None]  # pledge rate: outstanding / pledge market value (P50); None when it is worth 0
    model_version: Mapped[str] = mapped_column(String(40))
    seed: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_pledge_revaluation_as_of", "as_of"),)
