"""Daily close runs (日终批次): one row per closed business date with the close's report.

``BusinessDay.last_closed`` says how far the platform has closed; this table keeps what each close did, so that
closing a date again returns the first report (and changes nothing).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, utcnow


class BusinessDayClose(Base):
    """The close of one business date: who ran it, when, and its report as JSON (``close.service.CloseReport``)."""

    __tablename__ = "business_day_close"

    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    closed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    report: Mapped[str] = mapped_column(Text)
