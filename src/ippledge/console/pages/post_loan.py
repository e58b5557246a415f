"""What the loan page offers for post-loan actions (贷后处置选项): the pledged patents' annuities an officer may
propose to pay (代缴年费), and the proposed actions an approver decides. Reads only; the forms are in
``loan_actions``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ippledge.monitoring.model import DECIDED, ActionState
from ippledge.pledge import queries as pledge_queries
from ippledge.registry import queries as registry_queries

GRACE_DAYS = 190  # an annuity unpaid past its due date stays payable with a surcharge for six months (滞纳金)
SOON_DAYS = 90  # and one due within three months is worth paying now
DECIDED_KINDS = frozenset(k.value for k in DECIDED)


def annuities(session: Session, pledge_ids: list[int], today: dt.date) -> list[dict[str, Any]]:
    """The unpaid annuities of the loan's pledged patents, due in the next three months or in their grace period."""
    assets = sorted({a for ids in pledge_queries.pledge_asset_ids_of(session, pledge_ids).values() for a in ids})
    due_from, due_to = today - dt.timedelta(days=GRACE_DAYS), today + dt.timedelta(days=SOON_DAYS)
    rows = registry_queries.open_annuities(session, assets, due_from, due_to)
    return [
        {"value": f"{r.asset_id}:{r.year_no}", "asset_id": r.asset_id, "year_no": r.year_no, "due_date": r.due_date}
        | {"amount": r.amount, "late": r.due_date < today}
        for r in rows
    ]


def open_for_approver(actions: list[Any]) -> list[Any]:
    """The proposed actions an approver decides (visits and inspections are done by the officer's findings)."""
    return [a for a in actions if a.kind in DECIDED_KINDS and a.state == ActionState.PROPOSED.value]
