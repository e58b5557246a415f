"""Gateway tables (数据授权台账): consents a firm grants and every access made under them.

The access log keeps who read which field of which source, when and why -- never the value read (the firm can ask
the source for that; the platform keeps no copy).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, BigId, IdMixin, utcnow


class GatewayConsent(IdMixin, Base):
    """A firm's consent (数据授权): one source, some fields, one grantee bank, one purpose, until an expiry."""

    __tablename__ = "gateway_consent"

    firm_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    grantee_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    fields: Mapped[str] = mapped_column(Text)  # comma-separated, sorted
    purpose: Mapped[str] = mapped_column(String(24))
    granted_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date)
    granted_by: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_gateway_consent_pair", "firm_id", "grantee_id", "source"),)


class GatewayAccess(IdMixin, Base):
    """One field read through the gateway (访问记录): who, what, when, why, under which consent."""

    __tablename__ = "gateway_access"

    firm_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    reader_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)  # the party that read
    actor: Mapped[str] = mapped_column(String(64))  # the user or API key
    consent_id: Mapped[int | None] = mapped_column(BigId)  # None: the firm read its own data
    source: Mapped[str] = mapped_column(String(16))
    field: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(24))
    business_date: Mapped[dt.date] = mapped_column(Date)
    read_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
