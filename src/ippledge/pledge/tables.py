"""Pledge tables (质押登记簿): filings, registered pledges, their items and changes.

The rule "no IP carries two pledges in force" (禁止重复质押) is enforced by the database itself: a partial unique
index on ``pledge_item(ip_asset_id) WHERE in_force``. Concurrent registrations of one IP therefore end with exactly
one success whatever the application does; the loser's transaction rolls back whole.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow


class PledgeFiling(IdMixin, Base):
    """A joint filing (质押登记申请) by pledgor and pledgee, checked and decided by a registry officer."""

    __tablename__ = "pledge_filing"

    filing_no: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # register | change | release
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledge.id"))  # for change / release
    registry_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    pledgor_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    pledgee_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), index=True)  # see pledge.model.FilingStatus
    # contract content (合同必备条款), DOMAIN.md §3 ground 7
    debt_type: Mapped[str | None] = mapped_column(String(40))
    debt_amount: Mapped[Decimal | None] = mapped_column("debt_amount_fen", Fen)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    debt_start: Mapped[dt.date | None] = mapped_column(Date)
    debt_end: Mapped[dt.date | None] = mapped_column(Date)  # performance deadline (债务履行期限)
    security_scope: Mapped[str | None] = mapped_column(Text)  # 担保范围
    forfeiture_clause: Mapped[bool] = mapped_column(Boolean, default=False)  # 流质条款: recorded and warned, no ground
    # the co-owners' prior agreement (共有人特别约定) allowing one of them to pledge: its reference, when on file
    coowner_agreement: Mapped[str | None] = mapped_column(String(200))
    change_payload: Mapped[str | None] = mapped_column(Text)  # JSON for change filings
    # confirmations
    pledgor_confirmed_at: Mapped[dt.datetime | None]
    pledgee_confirmed_at: Mapped[dt.datetime | None]
    confirms_same_day_dual: Mapped[bool] = mapped_column(Boolean, default=False)  # ground 10 acknowledged
    confirms_invalidation_pending: Mapped[bool] = mapped_column(Boolean, default=False)  # ground 11
    # decision
    submitted_at: Mapped[dt.datetime | None]
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)  # decision deadline in working days
    decided_at: Mapped[dt.datetime | None]
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    refusal_codes: Mapped[str | None] = mapped_column(Text)  # JSON list of reason codes
    decision_note: Mapped[str | None] = mapped_column(Text)  # officer's text, required for ground 12 (other)
    pledgor_confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    pledgee_confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PledgeFilingItem(Base):
    __tablename__ = "pledge_filing_item"

    filing_id: Mapped[int] = mapped_column(ForeignKey("pledge_filing.id", ondelete="CASCADE"), primary_key=True)
    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id"), primary_key=True, index=True)


class PledgeFilingConsent(Base):
    """A co-owner's recorded consent (共有人同意) to pledging the co-owned IP of a filing (ground 8)."""

    __tablename__ = "pledge_filing_consent"

    filing_id: Mapped[int] = mapped_column(ForeignKey("pledge_filing.id", ondelete="CASCADE"), primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), primary_key=True)


class Pledge(IdMixin, Base):
    """A registered pledge (已登记质权): exists from ``effective_on`` until ``released_on``."""

    __tablename__ = "pledge"

    registration_no: Mapped[str] = mapped_column(String(32), unique=True)
    registry_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    pledgor_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    pledgee_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    debt_amount: Mapped[Decimal] = mapped_column("debt_amount_fen", Fen)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    debt_end: Mapped[dt.date] = mapped_column(Date)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    released_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), index=True)  # in_force | released
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PledgeItem(Base):
    """One IP under a pledge. ``in_force`` drops to false on release; the partial unique index forbids two."""

    __tablename__ = "pledge_item"

    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), primary_key=True)
    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id"), primary_key=True, index=True)
    in_force: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        Index(
            "uq_pledge_item_one_in_force",
            "ip_asset_id",
            unique=True,
            sqlite_where=text("in_force"),
            postgresql_where=text("in_force"),
        ),
    )


class PledgeChange(IdMixin, Base):
    """A registered change (变更登记) of amount, term or parties; before and after kept as JSON."""

    __tablename__ = "pledge_change"

    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("pledge_filing.id"))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)


class RegistrySettings(Base):
    """Per-registry parameters (登记机关设置): decision time limit, registration-number office code, IP kinds.

    Defaults when no row exists: 3 working days (CNIPA), office code ``98``, every kind. ``version`` counts edits;
    each edit is audited with before and after.
    """

    __tablename__ = "registry_settings"

    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), primary_key=True)
    time_limit_working_days: Mapped[int] = mapped_column(Integer, default=3)  # days, counted as day_basis says
    day_basis: Mapped[str] = mapped_column(String(8), default="working")  # working | calendar (copyright: calendar)
    registration_prefix: Mapped[str] = mapped_column(String(2), default="98")
    ip_kinds: Mapped[str] = mapped_column(String(60), default="patent trademark copyright")  # space-separated
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PledgeRegistrationCounter(Base):
    """Serial numbers of registration numbers, per registry and year; the upsert row-locks concurrent registrations."""

    __tablename__ = "pledge_registration_counter"

    registry_id: Mapped[int] = mapped_column(ForeignKey("party.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer, default=0)
