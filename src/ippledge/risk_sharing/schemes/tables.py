"""Scheme tables (方案版本台账): each version of a scheme as its JSON document.

A version's ``body`` is the document of ``documents.to_dict``, kept per version so that an enrolment or a claim names
the exact version it was decided under.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, IdMixin, utcnow


class SchemeVersion(IdMixin, Base):
    """One version of a scheme (方案版本); ``body`` is the JSON document validated by ``documents.from_dict``."""

    __tablename__ = "risk_scheme_version"

    code: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[str] = mapped_column(String(20))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)  # exclusive; set when a newer version starts
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("code", "version"),)
