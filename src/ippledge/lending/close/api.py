"""Daily close routes (业务日终接口): ``POST /close`` (the platform operator) and ``GET /business-day``.

The close may not run ahead of the calendar: a date after today's business date is refused
(``lending.close_future``). Closing a date already closed returns its first report with ``already_closed``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.lending.close import service as close
from ippledge.lending.errors import CLOSE_FUTURE
from ippledge.lending.tables import BusinessDay
from ippledge.web.dates import BusinessDate
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.money import Yuan

router = APIRouter(tags=["lending"])


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: BusinessDate = Field(description="business date to close (YYYY-MM-DD); missing earlier days are closed first")


class CloseOut(BaseModel):
    date: dt.date
    loans: int
    interest: Yuan = Field(description="interest accrued (利息计提)")
    penalty: Yuan = Field(description="penalty interest accrued (罚息计提)")
    interest_fen: int
    penalty_fen: int
    entries: int
    newly_overdue: int
    overdue_loans: int
    reclassified: dict[str, int]
    grade_mix: dict[str, int]
    tasks_flagged: int
    provision_charge_fen: int = Field(0, description="loan-loss allowance added (贷款损失准备计提), fen")
    provision_release_fen: int = Field(0, description="loan-loss allowance released (转回), fen")
    interest_off_fen: int = Field(0, description="interest accrued off balance sheet (表外利息, non-accrual), fen")
    general_reserve_fen: int = Field(0, description="general reserve appropriated at year end (一般风险准备), fen")
    non_accrual_loans: int = Field(0, description="loans more than 90 days past due (非应计)")
    seconds: float
    already_closed: bool
    caught_up: list[dt.date]
    earlier: list[dict[str, Any]] = Field(
        default_factory=list, description="a catch-up: each earlier day's figures (date, loans, interest_fen, ...)"
    )


class BusinessDayOut(BaseModel):
    last_closed: dt.date | None
    closed_at: dt.datetime | None
    last_report: CloseOut | None = Field(None, description="the platform and the regulator see the last report")


def _out(report: close.CloseReport) -> CloseOut:
    return CloseOut.model_validate(report.to_dict())


def _require_operator(principal: Principal) -> None:
    principal.require_kind(PartyKind.PLATFORM)
    principal.require(Role.OPERATOR, Role.ADMIN)


@router.post("/close", response_model=CloseOut)
def run_close(body: CloseIn, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> CloseOut:
    """Close the business day (日终): accrue interest and penalty, age and reclassify loans, flag overdue tasks."""
    _require_operator(principal)
    if body.date > today:
        raise CLOSE_FUTURE(date=body.date.isoformat(), today=today.isoformat())
    return _out(close.close_day(session, principal, body.date, today=today))


@router.get("/business-day", response_model=BusinessDayOut)
def get_business_day(session: SessionDep, principal: PrincipalDep) -> BusinessDayOut:
    """The last closed business date (营业日); the platform and the regulator also get that close's report."""
    row = session.get(BusinessDay, 1)
    if row is None or row.last_closed is None:
        return BusinessDayOut(last_closed=None, closed_at=None)
    report = None
    if principal.party_kind in (PartyKind.PLATFORM, PartyKind.REGULATOR):
        found = close.last_report(session, row.last_closed)
        report = _out(found) if found is not None else None
    return BusinessDayOut(last_closed=row.last_closed, closed_at=row.closed_at, last_report=report)
