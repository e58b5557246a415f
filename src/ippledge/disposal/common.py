"""Disposal rows and shared steps (押品处置公共部分): a lot or round read (under its row lock when asked), the agent
check, a custody entry through the ledger, the rule set a lot was opened under and its rounds in order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.disposal import errors, model, postings
from ippledge.disposal.tables import DisposalAuction, DisposalLot
from ippledge.kernel.errors import not_found
from ippledge.ledger import service as ledger

CHINA = dt.timezone(dt.timedelta(hours=8))
OPENING_HOUR = 10  # bidding opens at 10:00 Beijing time on the first day after the notice period
CHANNELS = ("auction", "sale", "agreed", "listing")
_T = TypeVar("_T")


def _locked(stmt: Select[_T]) -> Select[_T]:
    # Refresh what the session already holds: a row read before the lock must be judged as the lock shows it.
    return stmt.with_for_update().execution_options(populate_existing=True)


def _lot(session: Session, lot_id: int, lock: bool = False) -> DisposalLot:
    stmt = select(DisposalLot).where(DisposalLot.id == lot_id)
    lot = session.scalars(_locked(stmt) if lock else stmt).first()
    if lot is None:
        raise not_found("处置标的", "disposal lot", id=lot_id)
    return lot


def _auction(session: Session, auction_id: int, lock: bool = False) -> DisposalAuction:
    stmt = select(DisposalAuction).where(DisposalAuction.id == auction_id)
    row = session.scalars(_locked(stmt) if lock else stmt).first()
    if row is None:
        raise not_found("拍卖场次", "auction round", id=auction_id)
    return row


def get_lot(session: Session, lot_id: int) -> DisposalLot:
    """One lot (a public notice, 公告: any signed-in party may read it); 404 when there is none."""
    return _lot(session, lot_id)


def _require_agent(principal: Principal, lot: DisposalLot) -> None:
    if principal.party_id not in (lot.bank_id, lot.agent_id):
        raise errors.NOT_AGENT()


def _entry(
    session: Session, principal: Principal, kind: str, lot: DisposalLot, amount: Decimal, day: dt.date, key: str
) -> None:
    if amount > 0:
        draft = postings.move(kind, lot.agent_id, lot.id, amount, day, ("disposal_lot", lot.id), key)
        ledger.post(session, principal, draft)


def rules_of(lot: DisposalLot) -> model.RuleSet:
    return model.load_rules(lot.rules_name)


def rounds_of(session: Session, lot_id: int) -> list[DisposalAuction]:
    stmt = select(DisposalAuction).where(DisposalAuction.lot_id == lot_id).order_by(DisposalAuction.number)
    return list(session.scalars(stmt))
