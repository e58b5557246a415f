"""Monitoring tables (贷后监测台账): one row per monitored business date, the alerts raised, the watch list (关注名单)
and its history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, BigId, IdMixin, utcnow


class MonitoringRun(Base):
    """The monitoring pass of one business date (idempotent per date) and the last legal-status event it read."""

    __tablename__ = "monitoring_run"

    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    event_watermark: Mapped[int] = mapped_column(BigId, default=0)
    report: Mapped[str] = mapped_column(Text)  # JSON: counts by finding
    ran_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MonitoringAlert(IdMixin, Base):
    """One alert (预警) on one loan: raised once per subject (``subject``: e.g. ``event:123``, ``annuity:7:9``)."""

    __tablename__ = "monitoring_alert"

    business_date: Mapped[dt.date] = mapped_column(Date, index=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    finding: Mapped[str] = mapped_column(String(24))
    subject: Mapped[str] = mapped_column(String(80))
    ip_asset_id: Mapped[int | None] = mapped_column(BigId)
    act_by: Mapped[dt.date] = mapped_column(Date)
    payload: Mapped[str] = mapped_column(Text)  # JSON: what happened, why, action, audience

    __table_args__ = (UniqueConstraint("loan_id", "finding", "subject"),)


class WatchEntry(IdMixin, Base):
    """A loan on the watch list (关注名单) under one rule, with its state and owner."""

    __tablename__ = "watch_entry"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    rule: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(12))
    owner: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_alert.id"))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    opened_by: Mapped[str] = mapped_column(String(64))
    act_by: Mapped[dt.date | None] = mapped_column(Date)
    updated_on: Mapped[dt.date] = mapped_column(Date)

    __table_args__ = (Index("ix_watch_entry_loan_rule", "loan_id", "rule"),)


class WatchHistory(IdMixin, Base):
    """One step of a watch-list entry (处置记录): the move, who made it, when, and what was done."""

    __tablename__ = "watch_history"

    entry_id: Mapped[int] = mapped_column(ForeignKey("watch_entry.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MonitoringAction(IdMixin, Base):
    """A post-loan action (贷后措施, e.g. 代缴年费) on one loan: proposed by an officer, decided by an approver
    (maker-checker, ``approval``), with its time limit (``act_by``, working days) and when it was escalated."""

    __tablename__ = "monitoring_action"

    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(12), index=True)
    subject: Mapped[str] = mapped_column(String(80))  # e.g. annuity:7:9 (asset, year)
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"))  # None: carried out by an officer
    proposed_on: Mapped[dt.date] = mapped_column(Date)
    proposed_by: Mapped[str] = mapped_column(String(64))
    # the bank unit of the officer who proposed it (银行机构), as a loan carries its signer's; None: the monitoring
    # pass (a system actor), an API key or an officer not posted
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("bank_branch.id"))
    act_by: Mapped[dt.date] = mapped_column(Date)
    escalated_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    details: Mapped[str] = mapped_column(Text)  # JSON: what was proposed (asset, year, quoted amount) and done

    __table_args__ = (Index("ix_monitoring_action_loan_subject", "loan_id", "subject"),)


__all__ = ["MonitoringAction", "MonitoringAlert", "MonitoringRun", "WatchEntry", "WatchHistory"]
