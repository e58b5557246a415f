"""Realised disposal outcomes (处置成交结果): valuation's own record of how each ended disposal went.

Disposal sits above valuation and pushes each outcome in through ``valuation.outcomes.service``; valuation keeps
what it needs (the IP, the appraisal reports, the price) in its own table, so its calibration never reads disposal's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow


class RealisedSale(IdMixin, Base):
    """One ended disposal (a lot sold, or taken in satisfaction 以物抵债): what it was appraised at, what it fetched."""

    __tablename__ = "valuation_realised_sale"

    reference: Mapped[str] = mapped_column(String(80), unique=True)  # e.g. ``disposal-lot:5`` (one row per lot)
    channel: Mapped[str] = mapped_column(String(20))  # auction | sale | agreed | listing | satisfaction
    asset_ids: Mapped[str] = mapped_column(Text)  # JSON list
    report_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list: the appraisal reports of record
    kind: Mapped[str] = mapped_column(String(12), index=True)  # the lot's main IP kind
    ipc_field: Mapped[str] = mapped_column(String(8), default="")  # IPC class (3 chars) of the main patent
    appraised: Mapped[Decimal] = mapped_column(Fen)
    model_value: Mapped[Decimal | None] = mapped_column(Fen)  # the model's P50 when the lot was opened
    sold: Mapped[bool] = mapped_column(Boolean)  # sold on the market (not taken in satisfaction)
    price: Mapped[Decimal | None] = mapped_column(Fen)
    rounds: Mapped[int] = mapped_column(Integer, default=0)  # rounds it took (failed ones included)
    closed_on: Mapped[dt.date]
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
