"""Pledge registration task (质押登记任务): the bank's officer drafts the joint filing with the approved terms.

The filing is an ordinary pledge filing (``pledge.service.create_filing``): the enterprise and the bank then confirm
and submit it through the pledge API, and the registry decides it within its own time limit. Drafting completes
the platform task and links the filing to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.credit import errors
from ippledge.credit.service import approved_terms, check_registrable
from ippledge.credit.tables import CreditDecision
from ippledge.intake import service as intake
from ippledge.intake.errors import TASK_STATE
from ippledge.intake.model import TaskKind, TaskStatus
from ippledge.kernel.calendar import add_months
from ippledge.pledge import queries as pledge_queries
from ippledge.pledge.service import NewFiling, create_filing

DEBT_TYPE = "知识产权质押贷款"
SECURITY_SCOPE = "主债权本金、利息、罚息、违约金及实现质权的费用"


@dataclass(frozen=True)
class DraftedFiling:
    """The pledge filing (质押登记申请) drafted for an approved decision."""

    filing_id: int
    filing_no: str
    status: str
    ip_asset_ids: list[int]


def draft_pledge_filing(
    session: Session,
    principal: Principal,
    task_id: int,
    registry_id: int,
    today: dt.date,
    security_scope: str | None = None,
) -> DraftedFiling:
    """Draft the filing for the approved decision behind this task; the task is done and points at the filing."""
    task = intake.assigned_task(session, principal, task_id, TaskKind.PLEDGE_REGISTRATION)
    if not task.status.active:
        raise TASK_STATE(status=task.status.value, action="draft")
    stmt = select(CreditDecision.id).where(
        CreditDecision.application_id == task.application_id,
        CreditDecision.bank_id == task.bank_id,
        CreditDecision.status == "approved",
    )
    decision_id = session.scalar(stmt)
    if decision_id is None:
        raise errors.NOT_APPROVED()
    terms = approved_terms(session, decision_id)
    # the registry's pre-check again, now that the registry is chosen (wrong registry, a lapse since approval)
    debt_end = add_months(today, terms.term_months)
    check_registrable(session, terms.borrower_id, list(terms.pledged_asset_ids), today, debt_end, registry_id)
    filing = create_filing(
        session,
        principal,
        NewFiling(
            registry_id=registry_id,
            pledgor_id=terms.borrower_id,
            pledgee_id=terms.bank_id,
            ip_asset_ids=terms.pledged_asset_ids,
            debt_type=DEBT_TYPE,
            debt_amount=terms.amount,
            debt_start=today,
            debt_end=debt_end,
            security_scope=security_scope or SECURITY_SCOPE,
        ),
        today,
    )
    if task.status is TaskStatus.OPEN:
        intake.accept_task(session, principal, task.id, today)
    intake.complete_task(session, principal, task.id, today, result_ref=f"pledge_filing:{filing.id}")
    assets = pledge_queries.filing_asset_ids(session, filing.id)
    return DraftedFiling(filing.id, filing.filing_no, filing.status, assets)
