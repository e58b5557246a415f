"""Model valuation table (模型估值): the engine's result, one row per IP, date, model version and seed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, IdMixin, utcnow


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
