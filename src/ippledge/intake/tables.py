"""One-stop application tables (一站式受理): applications, their IP, consents, tasks, limits, green channel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow


class Application(IdMixin, Base):
    """One financing application (融资申请), lodged once by an enterprise."""

    __tablename__ = "loan_application"

    application_no: Mapped[str] = mapped_column(String(32), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    term_months: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text)
    any_bank: Mapped[bool] = mapped_column(Boolean, default=False)
    green_channel: Mapped[bool] = mapped_column(Boolean, default=False)  # whitelisted when submitted
    status: Mapped[str] = mapped_column(String(16), index=True)  # intake.model.ApplicationStatus, derived
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApplicationAsset(Base):
    __tablename__ = "loan_application_asset"

    application_id: Mapped[int] = mapped_column(ForeignKey("loan_application.id", ondelete="CASCADE"), primary_key=True)
    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id"), primary_key=True, index=True)


class DataConsent(IdMixin, Base):
    """The applicant's consent (数据共享授权) to share the application with one party; revocable."""

    __tablename__ = "data_consent"

    application_id: Mapped[int] = mapped_column(ForeignKey("loan_application.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    basis: Mapped[str] = mapped_column(String(16))  # explicit | any_bank
    granted_on: Mapped[dt.date] = mapped_column(Date)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Task(IdMixin, Base):
    """A party's piece of work on an application (任务), with its time limit in working days."""

    __tablename__ = "intake_task"

    application_id: Mapped[int] = mapped_column(ForeignKey("loan_application.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # intake.model.TaskKind
    assignee_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)  # the bank whose process it serves
    # The bank unit that took the task: the posting (access.tables.BranchPosting) of the bank's person who accepted it.
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("bank_branch.id"))
    status: Mapped[str] = mapped_column(String(12), index=True)  # intake.model.TaskStatus
    channel: Mapped[str] = mapped_column(String(8))  # standard | green
    limit_days: Mapped[int] = mapped_column(Integer)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)  # decline / cancel reason
    result_ref: Mapped[str | None] = mapped_column(String(64))  # e.g. valuation_report:12, pledge_filing:3
    overdue_flagged_on: Mapped[dt.date | None] = mapped_column(Date)
    opened_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_intake_task_app_kind", "application_id", "kind"),)


class TaskTimeLimit(IdMixin, Base):
    """A versioned time limit (办理时限) for a task kind and channel, from ``effective_from``."""

    __tablename__ = "task_time_limit"

    task_kind: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str] = mapped_column(String(8))
    working_days: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("task_kind", "channel", "effective_from"),)


class GreenChannelEntry(IdMixin, Base):
    """A firm on the green-channel whitelist (绿色通道白名单) between ``since`` and ``until``."""

    __tablename__ = "green_channel_entry"

    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class InternalValuationThreshold(IdMixin, Base):
    """Below this amount a bank may value the IP itself (内部评估门槛), from ``effective_from``."""

    __tablename__ = "internal_valuation_threshold"

    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    effective_from: Mapped[dt.date] = mapped_column(Date, unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WindowReceipt(IdMixin, Base):
    """The centre window's handling of an application (窗口受理/退回补正): the checklist as it stood, what the firm
    presented, what was missing (told once, in full) and why it was returned. Read through the application."""

    __tablename__ = "intake_window_receipt"

    application_id: Mapped[int] = mapped_column(ForeignKey("loan_application.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # intake.model.WindowOutcome
    presented: Mapped[str] = mapped_column(Text)  # JSON list of document codes
    missing: Mapped[str] = mapped_column(Text)  # JSON list of {code, zh, en, ref}
    reason: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
