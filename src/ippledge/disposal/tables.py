"""Disposal tables (押品处置): lots, auction rounds, registered bidders, bids, and the filings after a sale.

A round's bids are numbered 1, 2, ... under the round's row lock; UNIQUE (auction, seq) makes the order total even if
the lock were ever skipped. A round closes once: the close is a conditional UPDATE on its status."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, Fen, IdMixin, utcnow


class DisposalLot(IdMixin, Base):
    """标的: a defaulted or written-off loan's pledged IP offered for disposal, with what a buyer must know."""

    __tablename__ = "disposal_lot"

    loan_id: Mapped[int] = mapped_column(Integer, index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("party.id"))  # 处置代理 (the bank itself when none appointed)
    pledgor_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    pledge_ids: Mapped[str] = mapped_column(Text)  # JSON list
    asset_ids: Mapped[str] = mapped_column(Text)  # JSON list
    appraisal: Mapped[Decimal] = mapped_column(Fen)  # 评估价 of record
    report_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list: the appraisal reports of record
    model_value: Mapped[Decimal | None] = mapped_column(Fen)  # 模型估值 P50
    forced_sale_value: Mapped[Decimal | None] = mapped_column(Fen)  # 强制变现价值
    facts: Mapped[str] = mapped_column(Text)  # JSON: legal status, encumbrances, remaining term per asset
    channel: Mapped[str] = mapped_column(String(20))  # agreed | listing | auction | sale
    rules_name: Mapped[str] = mapped_column(String(60))
    rules_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | sold | settled
    satisfied: Mapped[bool] = mapped_column(Boolean, default=False)  # 以物抵债: the bank took it at the reserve
    created_on: Mapped[dt.date]
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    price: Mapped[Decimal | None] = mapped_column(Fen)
    settled_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DisposalAuction(IdMixin, Base):
    """One round (一拍, 二拍, 变卖) of a lot: its prices, times and outcome."""

    __tablename__ = "disposal_auction"
    __table_args__ = (UniqueConstraint("lot_id", "number"),)

    lot_id: Mapped[int] = mapped_column(ForeignKey("disposal_lot.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(10))  # auction | sale (变卖)
    format: Mapped[str] = mapped_column(String(14), default="english")  # english | sealed_first | sealed_second
    start_price: Mapped[Decimal] = mapped_column(Fen)
    increment: Mapped[Decimal] = mapped_column(Fen)
    deposit: Mapped[Decimal] = mapped_column(Fen)
    announced_on: Mapped[dt.date]
    opens_at: Mapped[dt.datetime] = mapped_column()
    ends_at: Mapped[dt.datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default="scheduled")  # scheduled | failed | won | paid | reneged
    bid_count: Mapped[int] = mapped_column(Integer, default=0)
    price: Mapped[Decimal | None] = mapped_column(Fen)
    leader_id: Mapped[int | None] = mapped_column(Integer)  # disposal_bidder.id
    closed_at: Mapped[dt.datetime | None] = mapped_column()


class DisposalBidder(IdMixin, Base):
    """竞买人: a party registered for one round, its deposit held in custody through the ledger."""

    __tablename__ = "disposal_bidder"
    __table_args__ = (UniqueConstraint("auction_id", "party_id"),)

    auction_id: Mapped[int] = mapped_column(ForeignKey("disposal_auction.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    preemptive: Mapped[bool] = mapped_column(Boolean, default=False)  # 优先购买权人 (e.g. a co-owner)
    deposit: Mapped[Decimal] = mapped_column(Fen)
    status: Mapped[str] = mapped_column(String(12), default="held")  # held | refunded | applied | forfeited
    registered_at: Mapped[dt.datetime] = mapped_column()


class DisposalBid(IdMixin, Base):
    """出价: one accepted bid, numbered in the round's order; ``ends_at`` is the end time after it."""

    __tablename__ = "disposal_bid"
    __table_args__ = (UniqueConstraint("auction_id", "seq"),)

    auction_id: Mapped[int] = mapped_column(ForeignKey("disposal_auction.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("disposal_bidder.id"))
    amount: Mapped[Decimal] = mapped_column(Fen)
    at: Mapped[dt.datetime] = mapped_column()
    ends_at: Mapped[dt.datetime] = mapped_column()
    extended: Mapped[bool] = mapped_column(Boolean, default=False)


class DisposalFiling(IdMixin, Base):
    """过户与解押: the transfer to the buyer (TR01) or the pledge release filed after settlement."""

    __tablename__ = "disposal_filing"
    __table_args__ = (UniqueConstraint("lot_id", "kind", "subject_id"),)

    lot_id: Mapped[int] = mapped_column(ForeignKey("disposal_lot.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # transfer | release
    subject_id: Mapped[int] = mapped_column(Integer)  # the asset (transfer) or the pledge (release)
    reference: Mapped[int | None] = mapped_column(Integer)  # the pledge filing id of a release
    detail: Mapped[str] = mapped_column(Text, default="")
    filed_on: Mapped[dt.date]
    recorded_on: Mapped[dt.date | None]  # the registry recorded the transfer (TR01)


class DisposalListing(IdMixin, Base):
    """挂牌信息（外部）: a lot or offer imported from another platform's listings feed, read-only, with its source.
    ``ip_kinds`` and ``ipc`` are space-padded lists (`` patent trademark ``) so a search can match one of them."""

    __tablename__ = "disposal_listing"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    source: Mapped[str] = mapped_column(String(60), index=True)
    source_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))  # lot | offer
    title: Mapped[str] = mapped_column(String(500))
    ip_kinds: Mapped[str] = mapped_column(String(200))
    ipc: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(6))
    price: Mapped[Decimal] = mapped_column(Fen, index=True)
    status: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20))
    updated_on: Mapped[dt.date]
    verified: Mapped[bool] = mapped_column(Boolean, default=False)  # HMAC checked under the source's key
    line: Mapped[str] = mapped_column(Text)  # the feed line as received
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DisposalOffer(IdMixin, Base):
    """挂牌（非处置）: an owner's transfer or licence offer of IP it holds (高校知识产权转化, a firm's own offer),
    searched beside the lots and exported in the feed as ``offer``."""

    __tablename__ = "disposal_offer"

    owner_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    asset_ids: Mapped[str] = mapped_column(Text)  # JSON list
    deal: Mapped[str] = mapped_column(String(20))  # transfer | exclusive_licence | ordinary_licence | open_licence
    title: Mapped[str] = mapped_column(String(500))
    price: Mapped[Decimal] = mapped_column(Fen)  # asking price (a licence: its fee)
    region: Mapped[str | None] = mapped_column(String(6))  # GB/T 2260
    facts: Mapped[str] = mapped_column(Text)  # JSON: number, kind, title, legal status, IPC per asset at offering
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | withdrawn
    created_on: Mapped[dt.date]
    withdrawn_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
