"""Whitelist tables (白名单台账): criteria versions, lists and members, pushes to banks, pushed firms and the banks'
feedback history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, IdMixin, utcnow


class WhitelistCriteria(IdMixin, Base):
    """One version of a named set of whitelist criteria (白名单标准); versions are never edited, only added."""

    __tablename__ = "whitelist_criteria"

    code: Mapped[str] = mapped_column(String(40))
    version_no: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    rules: Mapped[str] = mapped_column(Text)  # JSON: whitelist.model.Criteria.to_dict()
    effective_from: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("code", "version_no"),)


class Whitelist(IdMixin, Base):
    """A list built from one criteria version on one date (名单), reviewed by a second operator before publication."""

    __tablename__ = "whitelist"

    criteria_id: Mapped[int] = mapped_column(ForeignKey("whitelist_criteria.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[dt.date] = mapped_column(Date)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), index=True)  # whitelist.model.ListStatus
    considered: Mapped[int] = mapped_column(Integer)
    unknown: Mapped[int] = mapped_column(Integer)  # held back by a missing fact
    built_by: Mapped[str] = mapped_column(String(64))
    built_by_user: Mapped[int | None] = mapped_column(Integer)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    review_note: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WhitelistMember(Base):
    """A firm on a list (名单企业): its rank, score and the reasons (each criterion's verdict)."""

    __tablename__ = "whitelist_member"

    whitelist_id: Mapped[int] = mapped_column(ForeignKey("whitelist.id", ondelete="CASCADE"), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("party.id"), primary_key=True, index=True)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of whitelist.model.Reason


class WhitelistPush(IdMixin, Base):
    """One push of a published list's top firms to one bank (推送), with the time limits it set -- or an event's
    follow-up tasks for one invited bank (活动后续对接: ``event_id`` set, no list), worked the same way."""

    __tablename__ = "whitelist_push"

    whitelist_id: Mapped[int | None] = mapped_column(ForeignKey("whitelist.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(Integer, index=True)  # outreach.tables.OutreachEvent (a layer up)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    pushed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    first_contact_days: Mapped[int] = mapped_column(Integer)
    next_step_days: Mapped[int] = mapped_column(Integer)
    firms: Mapped[int] = mapped_column(Integer)
    pushed_by: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("whitelist_id", "bank_id"), UniqueConstraint("event_id", "bank_id"))


class PushItem(IdMixin, Base):
    """One firm pushed to one bank (推送企业), or one attending firm of an event to follow up (活动对接任务), and where
    the bank's follow-up stands."""

    __tablename__ = "whitelist_push_item"

    push_id: Mapped[int] = mapped_column(ForeignKey("whitelist_push.id", ondelete="CASCADE"), index=True)
    whitelist_id: Mapped[int | None] = mapped_column(ForeignKey("whitelist.id"))
    event_id: Mapped[int | None] = mapped_column(Integer)  # an event's follow-up task (no list)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))  # whitelist.model.FeedbackState
    state_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    branch: Mapped[str | None] = mapped_column(String(100))  # the branch (支行) working the firm, when the bank says
    furthest: Mapped[str] = mapped_column(String(12))  # the furthest step forward reached (a decline keeps it)
    decline_reason: Mapped[str | None] = mapped_column(String(24))
    escalated_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (Index("ix_push_item_state_due", "state", "due_on"),)


class PushFeedback(IdMixin, Base):
    """One step a bank reported on a pushed firm (对接反馈), or an escalation (督办)."""

    __tablename__ = "whitelist_push_feedback"

    item_id: Mapped[int] = mapped_column(ForeignKey("whitelist_push_item.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    on: Mapped[dt.date] = mapped_column(Date)
    reason_code: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


__all__ = ["PushFeedback", "PushItem", "Whitelist", "WhitelistCriteria", "WhitelistMember", "WhitelistPush"]
