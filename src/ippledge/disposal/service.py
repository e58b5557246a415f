"""Disposal commands (押品处置命令), the capability's face: lots here; rounds, bidders and bids in ``rounds``;
以物抵债 and settlement in ``settlement`` (re-exported, so callers keep one face).

Every command runs in the caller's unit of work (flushes, never commits).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import Principal
from ippledge.disposal import errors, model
from ippledge.disposal.common import CHANNELS, get_lot, rounds_of, rules_of
from ippledge.disposal.rounds import close_round, pay, place_bid, register_bidder, renege, schedule_round
from ippledge.disposal.settlement import (
    Settlement,
    record_transfer,
    secured_debt,
    settle,
    take_in_satisfaction,
)
from ippledge.disposal.tables import DisposalLot
from ippledge.kernel.errors import not_found
from ippledge.lending import queries as loans
from ippledge.pledge import queries as pledges
from ippledge.registry import queries as registry
from ippledge.risk_sharing import queries as risk
from ippledge.valuation import queries as valuation

__all__ = [
    "Settlement",
    "close_round",
    "get_lot",
    "open_lot",
    "pay",
    "place_bid",
    "record_transfer",
    "register_bidder",
    "renege",
    "rounds_of",
    "rules_of",
    "schedule_round",
    "secured_debt",
    "settle",
    "take_in_satisfaction",
]

# -- lots -----------------------------------------------------------------------------------------------------------


def _asset_facts(session: Session, asset_ids: list[int], today: dt.date) -> dict[str, object]:
    facts = registry.load_facts(session, asset_ids, today)
    out: dict[str, object] = {}
    for aid in asset_ids:
        f = facts.get(aid)
        if f is None:
            continue
        out[str(aid)] = {
            "number": f.number,
            "kind": f.kind.value,
            "title": f.title,
            "legal_status": f.status.value,
            "remaining_days": None if f.expiry_date is None else max((f.expiry_date - today).days, 0),
            "encumbrances": [
                e
                for e, on in (
                    ("preserved 保全", f.preserved),
                    ("invalidation pending 无效宣告审查中", f.invalidation_pending),
                    ("annuity unpaid 年费未缴", bool(f.unpaid_due_dates)),
                )
                if on
            ],
            "owners": [o.party_id for o in f.owners],
        }
    return out


def open_lot(
    session: Session,
    principal: Principal,
    loan_id: int,
    today: dt.date,
    channel: str = "auction",
    rules: str | None = None,
    appraisal: Decimal | str | None = None,
) -> DisposalLot:
    """标的: the pledged IP in force of a defaulted or written-off loan becomes one lot (a portfolio when several),
    with the appraisal of record (the report the loan was granted on, unless ``appraisal`` is given), the model's
    value and forced-sale value, legal status, encumbrances and remaining term. The bank or its appointed disposal
    agent (处置代理) opens it; the agent, when there is one, holds the deposits and proceeds in custody."""
    loan = loans.loan_summary(session, loan_id)
    agent = risk.disposal_agent(session, loan_id)
    if loan is None or principal.party_id not in (loan.bank_id, agent):
        raise not_found("贷款", "loan", id=loan_id)
    if loan.status != "written_off" and loan.defaulted_on is None:
        raise errors.NOT_DEFAULTED(status=loan.status)
    if channel not in CHANNELS:
        raise errors.LOT_STATE(status=channel, action_zh="使用该处置方式", action_en="use this channel")
    ruleset = model.load_rules(rules)
    live = session.scalars(
        select(DisposalLot.id).where(DisposalLot.loan_id == loan_id, DisposalLot.status != "settled")
    )
    if (existing := live.first()) is not None:
        raise errors.LOT_OPEN(lot_id=existing)
    standing = [s for p in loans.pledges_of_loan(session, loan_id) if (s := pledges.pledge_standing(session, p))]
    in_force = [s for s in standing if s.in_force]
    asset_ids = sorted({a for s in in_force for a in pledges.pledge_asset_ids(session, s.id)})
    if not asset_ids:
        raise errors.NO_PLEDGE()
    if appraisal is None:
        items = [
            valuation.latest_valid(session, loan.application_id, a, loan.contracted_on)
            if loan.application_id is not None
            else None
            for a in asset_ids
        ]
        if any(i is None for i in items):
            raise errors.APPRAISAL(value=None)
        value = sum((i.value for i in items if i is not None), model.ZERO)
        reports = sorted({i.report_id for i in items if i is not None})
    else:
        value, reports = model.appraisal_amount(appraisal), []
    models = [valuation.model_values(session, a, today) for a in asset_ids]
    known = [m for m in models if m is not None]
    lot = DisposalLot(
        loan_id=loan_id,
        bank_id=loan.bank_id,
        agent_id=agent or loan.bank_id,
        pledgor_id=in_force[0].pledgor_id,
        pledge_ids=json.dumps([s.id for s in in_force]),
        asset_ids=json.dumps(asset_ids),
        appraisal=value,
        report_ids=json.dumps(reports),
        model_value=sum((m.p50 for m in known), model.ZERO) if len(known) == len(asset_ids) else None,
        forced_sale_value=sum((m.forced_sale for m in known), model.ZERO) if len(known) == len(asset_ids) else None,
        facts=json.dumps(_asset_facts(session, asset_ids, today), ensure_ascii=False),
        channel=channel,
        rules_name=ruleset.name,
        rules_version=ruleset.version,
        status="open",
        created_on=today,
    )
    session.add(lot)
    session.flush()
    audit.record(session, principal, "disposal.lot", "disposal_lot", lot.id, {"loan": loan_id, "assets": asset_ids})
    return lot
