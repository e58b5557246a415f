"""Pool tables (资金池台账): one compensation fund pool per scheme, and the money paid into it.

Money is stored as integer fen (``Fen`` columns, named ``*_fen``) and read as ``Decimal`` yuan. The pool's cash is a
ledger account (``postings.FUND_POOL``); these rows say what the ledger must hold (``risk_sharing.pool_check``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow


class FundPool(IdMixin, Base):
    """The compensation fund of a scheme (风险补偿资金池), administered by a fund party."""

    __tablename__ = "risk_fund_pool"

    scheme_code: Mapped[str] = mapped_column(String(60), unique=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FundContribution(IdMixin, Base):
    """Money paid into a pool (注资); the ledger check proves the pool account equals what these tables imply."""

    __tablename__ = "risk_fund_contribution"

    pool_id: Mapped[int] = mapped_column(ForeignKey("risk_fund_pool.id"), index=True)
    value_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column("amount_fen", Fen)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
