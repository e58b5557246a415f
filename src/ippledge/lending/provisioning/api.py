"""Provisioning routes (贷款损失准备接口): the provisions report and the provisioning policy versions.

``GET /banks/{id}/provisions?as_of=`` one bank (its own staff, the regulator, the platform);
``GET /provisions?as_of=`` every bank the caller may see, per bank and in total.
``POST /banks/{id}/provision-policies`` a bank's policy version (its admin or approver);
``POST /provision-policies`` the platform default (the platform's admin or operator).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter

from ippledge.lending.provisioning import queries, service
from ippledge.lending.provisioning.schemas import BankReportOut, PolicyIn, PolicyVersionOut, ProvisionsOut
from ippledge.lending.provisioning.tables import ProvisionPolicyVersion
from ippledge.web.dates import BusinessDate
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["lending"])


def _doc(body: PolicyIn) -> dict[str, Any]:
    return {**body.model_dump(mode="json"), "sources": []}


def _version_out(row: ProvisionPolicyVersion) -> PolicyVersionOut:
    return PolicyVersionOut(
        id=row.id,
        bank_id=row.bank_id,
        version_no=row.version_no,
        effective_from=row.effective_from,
        policy=json.loads(row.body),
    )


@router.get("/banks/{bank_id}/provisions")
def bank_provisions(
    bank_id: IdPath, principal: PrincipalDep, session: SessionDep, today: TodayDep, as_of: BusinessDate | None = None
) -> BankReportOut:
    """贷款损失准备: per five-tier grade, required and held allowance, NPL ratio, 拨备覆盖率 and 贷款拨备率."""
    out = queries.provisions(session, principal, today, bank_id=bank_id, as_of=as_of)
    return BankReportOut(as_of=out.as_of, policy_date=out.policy_date, **dict(out.banks[0]))


@router.get("/provisions")
def all_provisions(
    principal: PrincipalDep, session: SessionDep, today: TodayDep, as_of: BusinessDate | None = None
) -> ProvisionsOut:
    """Every bank the caller may see (a bank: its own), and the total."""
    return queries.provisions(session, principal, today, as_of=as_of)


@router.post("/banks/{bank_id}/provision-policies", status_code=201)
def add_bank_policy(bank_id: IdPath, body: PolicyIn, principal: PrincipalDep, session: SessionDep) -> PolicyVersionOut:
    """A bank's provisioning policy from a date (substandard and doubtful may float ±20%; refused outside)."""
    return _version_out(service.add_policy_version(session, principal, bank_id, _doc(body)))


@router.post("/provision-policies", status_code=201)
def add_default_policy(body: PolicyIn, principal: PrincipalDep, session: SessionDep) -> PolicyVersionOut:
    """The platform's default provisioning policy from a date."""
    return _version_out(service.add_policy_version(session, principal, None, _doc(body)))
