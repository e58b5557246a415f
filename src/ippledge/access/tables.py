"""Access tables (参与方、用户、凭证、审计): persistence of parties, users, credentials, approvals and audit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, BigId, IdMixin, utcnow


class Party(IdMixin, Base):
    """An institution (机构) of one kind. Enterprises add a registry profile (registry.tables.Enterprise)."""

    __tablename__ = "party"

    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    region_code: Mapped[str | None] = mapped_column(String(6))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class User(IdMixin, Base):
    __tablename__ = "app_user"

    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class AccessToken(IdMixin, Base):
    """Opaque bearer tokens: only a SHA-256 digest is stored, so a leaked table grants nothing."""

    __tablename__ = "access_token"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class ApiKey(IdMixin, Base):
    """System-to-system credential (接口密钥) acting for one party with fixed roles."""

    __tablename__ = "api_key"

    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    roles: Mapped[str] = mapped_column(String(200))  # comma-separated Role values
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None]  # None only for keys made before keys expired
    revoked_at: Mapped[dt.datetime | None]


class LoginThrottle(Base):
    """Failed-login count (登录失败计数) of one account or one source address, and until when logins there pause."""

    __tablename__ = "login_throttle"

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)  # account | address
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)  # the username as typed, or the address
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[dt.datetime]
    locked_until: Mapped[dt.datetime | None]


class Approval(IdMixin, Base):
    """A maker-checker proposal (待复核事项) on any subject; decided by a different user."""

    __tablename__ = "approval"

    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    proposed_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | approved | rejected
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[dt.datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_approval_subject", "subject_type", "subject_id"),)


class AuditRecord(Base):
    """Append-only, hash-chained audit trail (审计记录). Never updated or deleted by the application."""

    __tablename__ = "audit_record"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO instant as hashed, so verification needs no re-formatting
    actor: Mapped[str] = mapped_column(String(40))
    party_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_audit_record_subject", "subject_type", "subject_id"),)


class AuditHead(Base):
    """One row: the last sequence number and hash. Locked while appending, so writers chain in order."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))


class BankBranch(IdMixin, Base):
    """A unit of a bank (银行机构): its head office (总行), a branch (分行) or a sub-branch (支行), with the type the
    regulator counts (科技特色 / 文化特色 / ordinary) and the county-level division it sits in."""

    __tablename__ = "bank_branch"

    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("bank_branch.id"))
    level: Mapped[str] = mapped_column(String(16))  # access.model.BranchLevel
    branch_type: Mapped[str] = mapped_column(String(16))  # access.model.BranchType
    name: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(String(6))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BranchPosting(Base):
    """Where a bank's person works (人员归属): one branch and a team; loans they sign carry both."""

    __tablename__ = "branch_posting"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("bank_branch.id"), index=True)
    team: Mapped[str] = mapped_column(String(40), default="")


class BranchPostingSpell(IdMixin, Base):
    """One spell of a person's posting (任职期间): the branch and team from ``valid_from`` until the day before
    ``valid_until`` (None: still posted there). A re-posting closes the open spell and opens a new one, so a team's
    past loans stay with the team they were signed in (record 0034). Never deleted."""

    __tablename__ = "branch_posting_spell"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("bank_branch.id"))
    team: Mapped[str] = mapped_column(String(40), default="")
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
