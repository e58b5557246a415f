"""Demand tables (融资需求库): demands and survey imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow


class Demand(IdMixin, Base):
    """A firm's financing demand (融资需求): amount, term, use, IP offered and timing, from the API, a survey or an
    event."""

    __tablename__ = "demand"

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    term_months: Mapped[int] = mapped_column(Integer)
    use: Mapped[str] = mapped_column(String(20))  # demand.model.Use
    ip_offered: Mapped[str] = mapped_column(Text, default="")  # space-separated ip_asset ids
    needed_by: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(8))  # demand.model.Source
    event_id: Mapped[int | None] = mapped_column(ForeignKey("outreach_event.id"), index=True)  # collected at an event
    import_id: Mapped[int | None] = mapped_column(ForeignKey("demand_import.id"))
    line_no: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DemandImport(IdMixin, Base):
    """One survey file loaded (需求调查导入): counts and the per-line errors."""

    __tablename__ = "demand_import"

    filename: Mapped[str] = mapped_column(String(200))
    fmt: Mapped[str] = mapped_column(String(8))  # csv | xlsx
    total: Mapped[int] = mapped_column(Integer, default=0)
    loaded: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {line, field, code, message_zh, message_en}
    sha256: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


__all__ = ["Demand", "DemandImport"]
