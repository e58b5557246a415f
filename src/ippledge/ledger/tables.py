"""Ledger tables (总账): accounts, journal entries and their postings in signed integer fen.

Entries are append-only: a correction is a new (reversing) entry, never an update. The database refuses zero
postings (CHECK) and a second entry under one idempotency key (UNIQUE), so a retried money movement is written once
whatever the application does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ippledge.db import Base, Fen, IdMixin, utcnow


class LedgerAccount(IdMixin, Base):
    """An account of the chart (科目账户), created on first use; ``code`` follows ``ledger.accounts``."""

    __tablename__ = "ledger_account"

    code: Mapped[str] = mapped_column(String(200), unique=True)
    owner_party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    type: Mapped[str] = mapped_column(String(12))  # ledger.accounts.AccountType
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class JournalEntry(IdMixin, Base):
    """One balanced entry (记账分录) for one business fact, e.g. a disbursement or a day's accrual."""

    __tablename__ = "journal_entry"
    __table_args__ = (Index("ix_journal_entry_ref", "ref_type", "ref_id"),)

    entry_date: Mapped[dt.date] = mapped_column(Date, index=True)  # business date (记账日期)
    kind: Mapped[str] = mapped_column(String(40))
    ref_type: Mapped[str | None] = mapped_column(String(40))
    ref_id: Mapped[str | None] = mapped_column(String(64))
    memo: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))

    postings: Mapped[list[JournalPosting]] = relationship(
        back_populates="entry", order_by="JournalPosting.id", lazy="selectin"
    )


class JournalPosting(IdMixin, Base):
    """One line of an entry: debit positive, credit negative, never zero."""

    __tablename__ = "journal_posting"
    __table_args__ = (CheckConstraint("amount_fen <> 0", name="nonzero"),)

    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"), index=True)
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)  # yuan in Python, signed integer fen in the table

    entry: Mapped[JournalEntry] = relationship(back_populates="postings")
    account: Mapped[LedgerAccount] = relationship(lazy="joined")


# Core tables for bulk statements (executemany without per-row ORM objects).
ACCOUNT_TABLE = cast(Table, LedgerAccount.__table__)
ENTRY_TABLE = cast(Table, JournalEntry.__table__)
POSTING_TABLE = cast(Table, JournalPosting.__table__)
