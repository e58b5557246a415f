"""Request and response models of the monitoring routes (贷后监测接口)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ippledge.monitoring.model import WatchState
from ippledge.web.dates import BusinessDate


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date = Field(description="closed business date to monitor; missed dates before it are monitored first")


class RunOut(BaseModel):
    date: dt.date
    loans: int
    alerts: int
    by_finding: dict[str, int]
    watch_opened: int
    revalued: bool
    already_run: bool
    escalated: int = 0
    inspections_opened: int = 0


class WatchOpenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    loan_id: int
    reason: str = Field(min_length=1, max_length=2000)
    owner: str | None = Field(None, max_length=64)


class WatchMoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: WatchState = Field(description="acting, cured, escalated or closed (open → acting → cured/escalated → closed)")
    note: str = Field(min_length=1, max_length=2000, description="what was done (处置情况)")
    owner: str | None = Field(None, max_length=64)


class StepOut(BaseModel):
    from_state: str | None
    to_state: str
    on: dt.date
    actor: str
    note: str


class WatchOut(BaseModel):
    id: int
    loan_id: int
    bank_id: int
    rule: str
    state: str
    owner: str | None
    reason: str
    alert_id: int | None
    opened_on: dt.date
    opened_by: str
    act_by: dt.date | None
    updated_on: dt.date
    history: list[StepOut]


class AlertOut(BaseModel):
    id: int
    business_date: dt.date
    loan_id: int
    finding: str
    subject: str
    act_by: dt.date
    payload: dict[str, Any]


class AnnuityPaymentIn(BaseModel):
    """代缴年费: pay one unpaid annuity of IP pledged for the loan on the pledgor's behalf (an approver decides)."""

    model_config = ConfigDict(extra="forbid")
    loan_id: int = Field(ge=1)
    asset_id: int = Field(ge=1)
    year_no: int = Field(ge=1, le=30)


class ActionDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    reason: str | None = Field(None, max_length=2000, description="required to reject")


class ActionOut(BaseModel):
    id: int
    loan_id: int
    bank_id: int
    kind: str
    state: str
    subject: str
    approval_id: int | None
    proposed_on: dt.date
    proposed_by: str
    branch_id: int | None = Field(description="the proposing officer's bank unit (银行机构); null: the pass, unposted")
    act_by: dt.date
    escalated_on: dt.date | None
    decided_on: dt.date | None
    decided_by: str | None
    entry_id: int | None
    details: dict[str, Any]


class DowngradeIn(BaseModel):
    """下调分类建议: a worse grade than the loan's, with the reason (an approver decides)."""

    model_config = ConfigDict(extra="forbid")
    loan_id: int = Field(ge=1)
    grade: str = Field(min_length=1, max_length=16, description="special_mention, substandard, doubtful or loss")
    reason: str = Field(min_length=1, max_length=2000)


class SiteVisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    loan_id: int = Field(ge=1)
    purpose: str = Field(min_length=1, max_length=2000, description="why the bank visits (走访目的)")


class FindingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    findings: str = Field(min_length=1, max_length=4000, description="what was found (检查发现)")
    evidence: list[str] = Field(default_factory=list, max_length=20, description="references of evidence files")


class SecurityRequestIn(BaseModel):
    """追加担保: ask the borrower for more IP under the loan's pledge (an approver decides)."""

    model_config = ConfigDict(extra="forbid")
    loan_id: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=2000)
    watch_entry_id: int | None = Field(None, ge=1, description="the watch-list entry it answers, cured when done")


class SecurityOfferIn(BaseModel):
    """The borrower's offer of more IP: a pledge change filing adding it is drafted and confirmed by the bank."""

    model_config = ConfigDict(extra="forbid")
    asset_ids: list[int] = Field(default_factory=list, max_length=50)
    ip_numbers: list[str] = Field(default_factory=list, max_length=50, description="patent or mark numbers")
    pledge_id: int | None = Field(None, ge=1, description="the loan's pledge to add it to (default: its first)")


class RecallIn(BaseModel):
    """提前收回: accelerate the loan (an approver decides)."""

    model_config = ConfigDict(extra="forbid")
    loan_id: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=2000)
    recall_on: BusinessDate | None = Field(None, description="the recall date (default: the day it is approved)")
