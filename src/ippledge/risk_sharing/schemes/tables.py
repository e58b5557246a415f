"""Scheme tables (方案版本台账): each version of a scheme as its JSON document.

A version's ``body`` is the document of ``documents.to_dict``, kept per version so that an enrolment or a claim names
the exact version it was decided under.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
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


class WhitelistListing(IdMixin, Base):
    """An enterprise on a scheme's whitelist (白名单) from ``listed_from`` until ``listed_to`` (exclusive; open: null).

    Recorded by the platform or a fund until a push-and-matching issue fills it; ``source`` names the list it came
    from (e.g. the district's published whitelist and its batch)."""

    __tablename__ = "risk_whitelist_listing"

    scheme_code: Mapped[str] = mapped_column(String(60), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    listed_from: Mapped[dt.date] = mapped_column(Date)
    listed_to: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
