"""Cover table (保险/担保台账): insurance or a guarantee of one loan or of every loan of a scheme's pool.

Money is stored as integer fen (``Fen`` columns, named ``*_fen``) and read as ``Decimal`` yuan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow

ZERO = Decimal("0.00")


class Cover(IdMixin, Base):
    """Insurance or a guarantee (保险/担保) covering one loan or every loan of a scheme's pool."""

    __tablename__ = "risk_cover"

    kind: Mapped[str] = mapped_column(String(20))  # pooled_insurance | loan_insurance | guarantee
    provider_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)  # policyholder / who pays the fee
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"), index=True)
    scheme_code: Mapped[str | None] = mapped_column(String(60), index=True)  # pooled cover
    premium_rate_bp: Mapped[int] = mapped_column(Integer)
    premium: Mapped[Decimal] = mapped_column("premium_fen", Fen)
    paid: Mapped[Decimal] = mapped_column("paid_fen", Fen, default=ZERO)
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
