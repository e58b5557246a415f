"""Registry tables (登记簿): enterprises, IP assets and their owners, annuities, licences and legal-status events.

Column choices keep the ``beijing`` market (3.4 million assets) compact: codes are short strings, money is integer
fen, dates are ``DATE``. ``ip_asset.number`` holds the compact canonical identifier (patent application number with
check digit, trademark or copyright registration number).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, BigId, Fen, IdMixin, utcnow

PATENT_IN_FORCE_INDEX: Final = "ix_ip_asset_patent_in_force"


class Enterprise(Base):
    """Registry profile of an enterprise party (企业信息)."""

    __tablename__ = "enterprise"

    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), primary_key=True)
    industry: Mapped[str | None] = mapped_column(String(8))  # GB/T 4754 section/division code
    size: Mapped[str | None] = mapped_column(String(8))  # micro | small | medium | large
    annual_revenue_fen: Mapped[int | None]
    revenue_year: Mapped[int | None] = mapped_column(Integer)
    employees: Mapped[int | None] = mapped_column(Integer)
    founded_on: Mapped[dt.date | None] = mapped_column(Date)
    high_tech: Mapped[bool] = mapped_column(Boolean, default=False)  # 高新技术企业


class IpAsset(IdMixin, Base):
    """One patent, trademark or copyright (知识产权) with its current legal state."""

    __tablename__ = "ip_asset"

    kind: Mapped[str] = mapped_column(String(12))  # patent | trademark | copyright
    subtype: Mapped[str] = mapped_column(String(16))  # invention | utility_model | design | mark | work | software
    number: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    filing_date: Mapped[dt.date] = mapped_column(Date)
    grant_date: Mapped[dt.date | None] = mapped_column(Date)  # grant / registration date
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), index=True)  # see registry.model.LegalState
    ipc_main: Mapped[str | None] = mapped_column(String(20))
    ipc_all: Mapped[str | None] = mapped_column(Text)  # space-separated compact IPC symbols
    nice_classes: Mapped[str | None] = mapped_column(String(200))  # space-separated 1..45
    claims: Mapped[int | None] = mapped_column(SmallInteger)
    forward_citations: Mapped[int | None] = mapped_column(Integer)
    backward_citations: Mapped[int | None] = mapped_column(Integer)
    family_size: Mapped[int | None] = mapped_column(SmallInteger)
    preserved: Mapped[bool] = mapped_column(Boolean, default=False)  # court preservation / ownership suspension
    invalidation_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    same_day_twin: Mapped[str | None] = mapped_column(String(32))  # 同日申请的发明/实用新型
    status_date: Mapped[dt.date | None] = mapped_column(Date)  # effective date of the last status change
    # 开放许可 declared (OL01) and not withdrawn (OL02): an encumbrance the pledgee hears of (decision 0031). The
    # server default keeps rows bulk-loaded without the column (the simulator) comparable in a feed's update.
    open_licence: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # The holder line as the register prints it after a name or address change (CP01-CP03); None: as first recorded
    # (the owners' party records). Ownership never changes through these: a transfer (TR01) does.
    holder_name: Mapped[str | None] = mapped_column(String(300))
    holder_address: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("kind", "number"),
        Index("ix_ip_asset_number", "number"),
        # Narrow and partial: a firm's patents in force (their count, inventions among them) are read from this
        # index alone, not from the wide asset rows (the reverse push, whitelist facts; decision 0033).
        Index(
            PATENT_IN_FORCE_INDEX,
            "id",
            "subtype",
            sqlite_where=text("kind = 'patent' AND status = 'in_force'"),
            postgresql_where=text("kind = 'patent' AND status = 'in_force'"),
        ),
    )


class IpOwner(Base):
    """Owner or co-owner (权利人/共有人); ``share_bp`` in basis points, all owners sum to 10,000."""

    __tablename__ = "ip_owner"

    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id", ondelete="CASCADE"), primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), primary_key=True)
    share_bp: Mapped[int] = mapped_column(Integer, default=10_000)
    since: Mapped[dt.date | None] = mapped_column(Date)

    # By owner, covering the asset id: a firm's rights are found without reading the owner rows (decision 0033).
    __table_args__ = (Index("ix_ip_owner_party_asset", "party_id", "ip_asset_id"),)


class Annuity(Base):
    """Annual fee (年费) for patent year ``year_no``; unpaid past grace terminates the right."""

    __tablename__ = "annuity"

    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id", ondelete="CASCADE"), primary_key=True)
    year_no: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    paid: Mapped[Decimal | None] = mapped_column("paid_fen", Fen)  # includes any late surcharge

    # The unpaid annuities only (a small share of the rows): the reverse push and the annuity watch (decision 0033).
    __table_args__ = (
        Index(
            "ix_annuity_open",
            "ip_asset_id",
            "due_date",
            sqlite_where=text("paid_on IS NULL"),
            postgresql_where=text("paid_on IS NULL"),
        ),
    )


class Licence(IdMixin, Base):
    """A recorded licence (许可备案) of an IP asset."""

    __tablename__ = "licence"

    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id", ondelete="CASCADE"), index=True)
    licensor_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    licensee_name: Mapped[str] = mapped_column(String(200))
    licensee_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    exclusivity: Mapped[str] = mapped_column(String(12))  # exclusive | sole | ordinary
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)
    pledgee_consent_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))


class LegalStatusEvent(IdMixin, Base):
    """One legal-status event (法律状态事件), e.g. CF01 termination for unpaid annuity, from the API or a feed."""

    __tablename__ = "legal_status_event"

    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    details: Mapped[str | None] = mapped_column(Text)  # JSON
    source: Mapped[str] = mapped_column(String(16))  # api | feed | registry | simulator
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("feed_batch.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("ip_asset_id", "code", "effective_date"),
        Index("ix_legal_status_event_asset_date", "ip_asset_id", "effective_date"),
    )


class FeedBatch(IdMixin, Base):
    """One bulk legal-status feed load (批量导入): counts and the per-line errors."""

    __tablename__ = "feed_batch"

    source_name: Mapped[str] = mapped_column(String(200))
    fmt: Mapped[str] = mapped_column(String(8))  # csv | jsonl
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[str] = mapped_column(String(40))
    total: Mapped[int] = mapped_column(Integer, default=0)
    loaded: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {line, code, message_zh, message_en}
    sha256: Mapped[str] = mapped_column(String(64))


class EnterpriseDesignation(IdMixin, Base):
    """A public designation of an enterprise (企业认定), valid for a period: IP demonstration or advantage firm
    (知识产权示范/优势企业), 专精特新, 高新技术企业, or a park it sits in (园区). Recorded as data with its source, so a
    whitelist criterion can cite it."""

    __tablename__ = "enterprise_designation"

    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # registry.model.Designation
    detail: Mapped[str | None] = mapped_column(String(100))  # e.g. the park's name, the designation level
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200))  # the list or notice it comes from
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("party_id", "kind", "valid_from"),)


class AbnormalApplication(IdMixin, Base):
    """An IP office notice that an application is abnormal (非正常专利申请): flagged on a date, cleared when the notice
    is withdrawn or the applicant's correction is accepted."""

    __tablename__ = "abnormal_application"

    ip_asset_id: Mapped[int] = mapped_column(ForeignKey("ip_asset.id", ondelete="CASCADE"), index=True)
    flagged_on: Mapped[dt.date] = mapped_column(Date)
    notice: Mapped[str] = mapped_column(String(200))
    cleared_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("ip_asset_id", "flagged_on"),)


__all__ = [
    "AbnormalApplication",
    "Annuity",
    "BigId",
    "Enterprise",
    "EnterpriseDesignation",
    "FeedBatch",
    "IpAsset",
    "IpOwner",
    "LegalStatusEvent",
    "Licence",
]
