"""Disposal request and response bodies (押品处置接口报文). Amounts are decimal strings in yuan; instants ISO UTC."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from ippledge.web.money import Yuan


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LotIn(_Body):
    loan_id: int
    channel: str = Field(default="auction", description="auction | sale | agreed | listing")
    rules: str | None = Field(default=None, max_length=60, description="rule set name (default: spc-online-2016)")
    appraisal: str | None = Field(default=None, description="default: the appraisal of record")


class RoundIn(_Body):
    announced_on: dt.date | None = Field(default=None, description="default: the business date")
    start_price: str | None = Field(default=None, description="default: the lowest the rules allow")
    deposit: str | None = Field(default=None, description="default: the lowest the rules allow")
    format: str = Field(
        default="english", max_length=20, description="english | sealed_first | sealed_second (auctions only)"
    )


class BidderIn(_Body):
    party_id: int
    preemptive: bool = Field(default=False, description="holds a pre-emption right (优先购买权), e.g. a co-owner")


class BidIn(_Body):
    amount: str | int


class SettleIn(_Body):
    costs: str | int = "0"


class RoundOut(BaseModel):
    id: int
    lot_id: int
    number: int
    stage: str
    format: str
    start_price: Yuan
    increment: Yuan
    deposit: Yuan
    announced_on: dt.date
    opens_at: dt.datetime
    ends_at: dt.datetime
    status: str
    bid_count: int
    price: Yuan | None


class LotOut(BaseModel):
    id: int
    loan_id: int
    bank_id: int
    agent_id: int
    pledgor_id: int
    asset_ids: list[int]
    appraisal: Yuan
    model_value: Yuan | None
    forced_sale_value: Yuan | None
    facts: dict[str, dict[str, object]]  # per asset id: number, kind, legal status, encumbrances, remaining days
    channel: str
    rules: str
    status: str
    satisfied: bool  # 以物抵债: the bank took it at the reserve
    buyer_id: int | None
    price: Yuan | None
    rounds: list[RoundOut]


class BidderOut(BaseModel):
    id: int
    auction_id: int
    party_id: int
    preemptive: bool
    deposit: Yuan
    status: str


class BidOut(BaseModel):
    id: int
    auction_id: int
    seq: int
    amount: Yuan
    at: dt.datetime
    ends_at: dt.datetime
    extended: bool


class SettlementOut(BaseModel):
    lot_id: int
    proceeds: Yuan
    costs: Yuan
    debt: Yuan
    surplus: Yuan
    claim_id: int | None
    clawed_back: dict[str, Yuan]
    release_filings: list[int]
    transfer_filings: list[int]


class PlanRulesOut(BaseModel):
    name: str
    version: str
    title_zh: str


class PlanRoundOut(BaseModel):
    round: int
    label_zh: str
    start_price: str
    deposit: list[str]
    increment: str
    notice_days: int
    bidding_hours: int
    within_days_of_failure: int | None


class PlanSaleOut(BaseModel):
    price: str
    days: int


class PlanExtensionOut(BaseModel):
    window_minutes: int
    minutes: int


class PlanOut(BaseModel):
    rules: PlanRulesOut
    appraisal: str
    rounds: list[PlanRoundOut]
    sale: PlanSaleOut | None
    satisfaction_price: str | None
    extension: PlanExtensionOut
    preemption_at_equal_price: bool


class FilingOut(BaseModel):
    id: int
    lot_id: int
    kind: str
    subject_id: int
    reference: int | None
    filed_on: dt.date
    recorded_on: dt.date | None


class ListingOut(BaseModel):
    """One listing (挂牌) as a search returns it: ours or another platform's, with its source."""

    source: str
    id: str
    kind: str
    title: str
    ip_kinds: list[str]
    ipc: list[str]
    region: str | None
    price: Yuan
    status: str
    channel: str
    updated_on: dt.date
    verified: bool
    line: dict[str, object]


class FeedIn(_Body):
    lines: list[str] = Field(max_length=10_000, description="ippledge.listings-feed/1 lines (JSON, one per item)")


class FeedImportOut(BaseModel):
    created: int
    updated: int
    sources: list[str]


class OfferIn(_Body):
    """挂牌: IP the caller's organisation owns, offered for transfer or licence."""

    asset_ids: list[int] = Field(min_length=1, max_length=50, description="the IP assets offered together")
    deal: str = Field(max_length=20, description="transfer | exclusive_licence | ordinary_licence | open_licence")
    price: str | int = Field(description="asking price (a licence: its fee), yuan to the fen, positive")
    region: str | None = Field(default=None, max_length=6, description="GB/T 2260 code (default: the owner's)")
    title: str | None = Field(default=None, max_length=500, description="default: the IP titles")


class OfferOut(BaseModel):
    id: int
    owner_id: int
    asset_ids: list[int]
    deal: str
    title: str
    price: Yuan
    region: str | None
    facts: dict[str, dict[str, object]]
    status: str
    created_on: dt.date
    withdrawn_on: dt.date | None
