"""Provisioning routes (贷款损失准备接口): the provisions report and the provisioning policy versions.

``GET /banks/{id}/provisions?as_of=`` one bank (its own staff, the regulator, the platform);
``GET /provisions?as_of=`` every bank the caller may see, per bank and in total.
``POST /banks/{id}/provision-policies`` a bank's policy version (its admin or approver);
``POST /provision-policies`` the platform default (the platform's admin or operator).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ippledge.lending.provisioning import model as pm
from ippledge.lending.provisioning import queries, service
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep

router = APIRouter(tags=["lending"])


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str = Field(min_length=1, max_length=40)
    effective_from: dt.date
    specific_bp: dict[str, int] = Field(
        default_factory=dict,
        description="specific rates by grade in basis points; only substandard (2000-3000) and doubtful "
        "(4000-6000) may differ from 银发〔2002〕98号",
    )
    general_bp: int = Field(pm.DEFAULT_GENERAL_BP, description="general rate on performing loans, basis points")
    coverage_min_bp: int = Field(pm.DEFAULT_COVERAGE_MIN_BP, description="拨备覆盖率 floor, 12000-15000")
    loan_ratio_min_bp: int = Field(pm.DEFAULT_LOAN_RATIO_MIN_BP, description="贷款拨备率 floor, 150-250")
    notes: str = Field("", max_length=500)


def _doc(body: PolicyIn) -> dict[str, Any]:
    return {**body.model_dump(mode="json"), "sources": []}


def _version_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "bank_id": row.bank_id,
        "version_no": row.version_no,
        "effective_from": row.effective_from.isoformat(),
        "policy": json.loads(row.body),
    }


@router.get("/banks/{bank_id}/provisions")
def bank_provisions(
    bank_id: int, principal: PrincipalDep, session: SessionDep, today: TodayDep, as_of: dt.date | None = None
) -> dict[str, Any]:
    """贷款损失准备: per five-tier grade, required and held allowance, NPL ratio, 拨备覆盖率 and 贷款拨备率."""
    out = queries.report(session, principal, today, bank_id=bank_id, as_of=as_of)
    return {"as_of": out["as_of"], "policy_date": out["policy_date"], **out["banks"][0]}


@router.get("/provisions")
def all_provisions(
    principal: PrincipalDep, session: SessionDep, today: TodayDep, as_of: dt.date | None = None
) -> dict[str, Any]:
    """Every bank the caller may see (a bank: its own), and the total."""
    return queries.report(session, principal, today, as_of=as_of)


@router.post("/banks/{bank_id}/provision-policies", status_code=201)
def add_bank_policy(bank_id: int, body: PolicyIn, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """A bank's provisioning policy from a date (substandard and doubtful may float ±20%; refused outside)."""
    return _version_view(service.add_policy_version(session, principal, bank_id, _doc(body)))


@router.post("/provision-policies", status_code=201)
def add_default_policy(body: PolicyIn, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """The platform's default provisioning policy from a date."""
    return _version_view(service.add_policy_version(session, principal, None, _doc(body)))
