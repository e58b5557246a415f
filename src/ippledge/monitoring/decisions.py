"""The approver's decision on any post-loan action (贷后措施审批): ``actions.decide`` with what approving each
kind beyond 代缴年费 and 下调分类建议 does (追加担保: the request goes to the borrower; 提前收回: the loan is
accelerated)."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.monitoring import actions, recall, security
from ippledge.monitoring.model import ActionKind
from ippledge.monitoring.tables import MonitoringAction

HANDLERS: Final[dict[ActionKind, actions.Handler]] = {
    ActionKind.ADDITIONAL_SECURITY: security.approved,
    ActionKind.EARLY_RECALL: recall.approved,
}


def decide(
    session: Session, checker: Principal, action_id: int, approve: bool, reason: str | None, day: dt.date
) -> MonitoringAction:
    return actions.decide(session, checker, action_id, approve, reason, day, HANDLERS)
