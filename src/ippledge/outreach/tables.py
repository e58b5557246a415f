"""Event tables (对接活动台账): events, the banks invited, and the firms' sign-ups with their attendance."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, IdMixin, utcnow


class OutreachEvent(IdMixin, Base):
    """An event (对接活动): training, a roadshow or a park campaign, on one day, with a capacity."""

    __tablename__ = "outreach_event"

    kind: Mapped[str] = mapped_column(String(16))  # outreach.model.EventKind
    title: Mapped[str] = mapped_column(String(200))
    park: Mapped[str | None] = mapped_column(String(100))
    region_code: Mapped[str | None] = mapped_column(String(6))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    organiser_id: Mapped[int] = mapped_column(ForeignKey("party.id"))  # the platform or the regulator
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    follow_ups_on: Mapped[dt.date | None] = mapped_column(Date)  # when the banks' follow-up tasks were opened


class OutreachInvite(Base):
    """A bank invited to an event (受邀银行): it gets the follow-up tasks afterwards."""

    __tablename__ = "outreach_invite"

    event_id: Mapped[int] = mapped_column(ForeignKey("outreach_event.id", ondelete="CASCADE"), primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), primary_key=True)


class OutreachSignup(IdMixin, Base):
    """A firm signed up for an event (报名), and whether it attended (签到)."""

    __tablename__ = "outreach_signup"

    event_id: Mapped[int] = mapped_column(ForeignKey("outreach_event.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    signed_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(8))  # outreach.model.SignupSource
    line_no: Mapped[int | None] = mapped_column(Integer)  # the line of the sign-up file
    attended: Mapped[bool | None] = mapped_column(Boolean)  # None until attendance is recorded
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("event_id", "enterprise_id"),)


__all__ = ["OutreachEvent", "OutreachInvite", "OutreachSignup"]
