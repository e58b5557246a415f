"""Register request and response bodies (登记簿接口). Numbers are strings, dates ISO, money decimal strings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.registry.feed import FeedReport
from ippledge.registry.feed_parse import FeedError
from ippledge.registry.model import IpKind, LegalState, Subtype
from ippledge.web.dates import BusinessDate, RecordDate
from ippledge.web.money import RevenueAmountOrZero, Yuan
from ippledge.web.views import ViewModel


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnterpriseIn(_In):
    name: str = Field(min_length=1, max_length=200)
    uscc: str
    region_code: str
    industry: str | None = None
    size: str | None = None
    annual_revenue: RevenueAmountOrZero | None = Field(default=None, description="yuan, e.g. '12500000.00'")
    revenue_year: int | None = None
    employees: int | None = None
    founded_on: RecordDate | None = None
    high_tech: bool = False


class EnterpriseOut(BaseModel):
    party_id: int
    name: str
    uscc: str | None
    region_code: str | None
    industry: str | None
    size: str | None
    annual_revenue: Yuan | None
    revenue_year: int | None
    employees: int | None
    founded_on: dt.date | None
    high_tech: bool


class OwnerIn(_In):
    party_id: int
    share_bp: int = Field(default=10_000, description="basis points; all owners sum to 10,000")


class OwnerOut(BaseModel):
    party_id: int
    share_bp: int
    since: dt.date | None


class AssetIn(_In):
    kind: IpKind
    subtype: Subtype
    number: str
    title: str = Field(min_length=1, max_length=300)
    filing_date: RecordDate
    grant_date: RecordDate | None = None
    expiry_date: RecordDate | None = None
    status: LegalState | None = None
    ipc: list[str] = Field(default_factory=list)
    nice_classes: list[int] = Field(default_factory=list)
    claims: int | None = None
    same_day_twin: str | None = None
    owners: list[OwnerIn]
    annuities_paid_through: int | None = None


class AnnuityOut(BaseModel):
    year_no: int
    due_date: dt.date
    grace_end: dt.date
    amount: Yuan
    paid_on: dt.date | None
    paid: Yuan | None
    state: str


class AssetOut(BaseModel):
    id: int
    kind: str
    subtype: str
    number: str
    display: str
    title: str
    filing_date: dt.date
    grant_date: dt.date | None
    expiry_date: dt.date | None
    status: str
    status_zh: str
    status_date: dt.date | None
    preserved: bool
    invalidation_pending: bool
    open_licence: bool = Field(False, description="开放许可 declared (OL01) and not withdrawn (OL02)")
    holder_name: str | None = Field(None, description="holder's name as the register prints it after CP01/CP03")
    holder_address: str | None = Field(None, description="holder's address after CP02/CP03")
    same_day_twin: str | None
    ipc: list[str]
    nice_classes: list[int]
    claims: int | None
    owners: list[OwnerOut]
    annuities: list[AnnuityOut]


class EventIn(_In):
    code: str = Field(description="any of the 110 CN legal-status codes; a legacy one is stored as its equivalent")
    effective_date: BusinessDate
    details: dict[str, Any] | None = Field(
        None,
        description="TG01/TP01: expiry_after (YYYY-MM-DD) or days; CP01-CP03: name and/or address; "
        "OL01 on a pledged right: pledgee_consent_id",
    )


class EventOut(BaseModel):
    id: int
    code: str
    title_zh: str
    title_en: str
    effective_date: dt.date
    details: Any
    source: str
    batch_id: int | None
    recorded_at: dt.datetime


class AgeingOut(BaseModel):
    """One ageing run (登记簿老化): the asset ids aged, by reason (annuity_lapsed, term_expired, mark_unrenewed)."""

    as_of: dt.date
    total: int
    aged: dict[str, list[int]]


class PaymentIn(_In):
    paid_on: BusinessDate


class LicenceIn(_In):
    licensee_name: str = Field(min_length=1, max_length=200)
    licensee_id: int | None = None
    licensor_id: int | None = None
    exclusivity: str
    recorded_on: BusinessDate
    ends_on: BusinessDate | None = None
    pledgee_consent: bool = False
    pledgee_consent_id: int | None = Field(default=None, description="party id of the consenting pledgee")


class LicenceChangeIn(_In):
    changed_on: BusinessDate
    ends_on: BusinessDate | None = None
    exclusivity: str | None = None
    licensee_name: str | None = None
    pledgee_consent: bool = False
    pledgee_consent_id: int | None = None


class LicenceCancelIn(_In):
    cancelled_on: BusinessDate


class LicenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ip_asset_id: int
    licensor_id: int
    licensee_name: str
    licensee_id: int | None
    exclusivity: str
    recorded_on: dt.date
    ends_on: dt.date | None
    cancelled_on: dt.date | None
    pledgee_consent_id: int | None


class TransferIn(_In):
    owners: list[OwnerIn]
    effective_date: BusinessDate
    pledgee_consent: bool = False
    pledgee_consent_id: int | None = None


class InvalidationIn(_In):
    pending: bool
    on: BusinessDate
    note: str | None = Field(default=None, max_length=500)


class FeedErrorOut(ViewModel, view=FeedError):
    pass


class FeedReportOut(ViewModel, view=FeedReport, nested={FeedError: FeedErrorOut}):
    pass


class BatchQueryIn(_In):
    numbers: list[str]
    as_of: BusinessDate | None = None


class OwnerViewOut(BaseModel):
    party_id: int
    name: str
    uscc: str | None
    share_bp: int


class PledgeViewOut(BaseModel):
    registration_no: str
    pledgee_id: int
    pledgee_name: str
    effective_on: dt.date
    debt_amount: Yuan | None = Field(description="withheld (null) unless the caller is a party or a supervisor")
    currency: str


class BatchItemOut(BaseModel):
    query: str
    result: str
    kind: str | None = None
    subtype: str | None = None
    number: str | None = None
    display: str | None = None
    title: str | None = None
    status: str | None = None
    status_zh: str | None = None
    status_date: dt.date | None = None
    filing_date: dt.date | None = None
    grant_date: dt.date | None = None
    expiry_date: dt.date | None = None
    preserved: bool = False
    invalidation_pending: bool = False
    owners: list[OwnerViewOut] = Field(default_factory=list)
    pledges: list[PledgeViewOut] = Field(default_factory=list)
    annuity_state: str | None = None
    next_annuity_due: dt.date | None = None
    unpaid_in_grace: list[dt.date] = Field(default_factory=list)
    error_code: str | None = None
    error_zh: str | None = None
    error_en: str | None = None


class BatchQueryOut(BaseModel):
    as_of: dt.date
    found: int
    not_found: int
    invalid: int
    items: list[BatchItemOut]


class DesignationIn(_In):
    kind: str = Field(
        max_length=20, description="ip_demonstration | ip_advantage | specialised | high_tech | park (企业认定)"
    )
    valid_from: BusinessDate
    valid_to: BusinessDate | None = None
    source: str = Field(min_length=1, max_length=200, description="the list or notice it comes from")
    detail: str | None = Field(None, max_length=100, description="the park's name, for a park")


class DesignationOut(BaseModel):
    id: int
    party_id: int
    kind: str
    detail: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    source: str


class AbnormalIn(_In):
    flagged_on: BusinessDate
    notice: str = Field(min_length=1, max_length=200, description="the IP office notice (非正常专利申请通知)")


class AbnormalClearIn(_In):
    cleared_on: BusinessDate


class AbnormalOut(BaseModel):
    id: int
    ip_asset_id: int
    flagged_on: dt.date
    notice: str
    cleared_on: dt.date | None
