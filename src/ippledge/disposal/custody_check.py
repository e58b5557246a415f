"""The disposal ledger expectation (托管资金核对): each lot's custody accounts agree with its bidders and sale.

expected deposits = the deposits still held; expected proceeds = forfeited deposits plus the price once sold, zero once
settled; expected custody = deposits + proceeds; a lot taken in satisfaction (以物抵债): the bank's foreclosed asset
at the reserve. Registered with ``ledger.check.register_expectations("disposal",
...)`` so ``ippledge ledger check`` proves that no money left custody outside these rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.disposal import postings
from ippledge.disposal.model import ZERO
from ippledge.disposal.tables import DisposalAuction, DisposalBidder, DisposalLot
from ippledge.ledger.check import register_expectations


def expected_custody(session: Session) -> Mapping[str, Decimal]:
    """Each lot's custody, deposits and proceeds account's expected balance, by account code."""
    held: dict[int, Decimal] = {}
    forfeited: dict[int, Decimal] = {}
    rows = session.execute(
        select(DisposalAuction.lot_id, DisposalBidder.status, DisposalBidder.deposit).join(
            DisposalAuction, DisposalAuction.id == DisposalBidder.auction_id
        )
    )
    for lot_id, status, deposit in rows:
        if status == "held":
            held[lot_id] = held.get(lot_id, ZERO) + deposit
        elif status == "forfeited":
            forfeited[lot_id] = forfeited.get(lot_id, ZERO) + deposit
    out: dict[str, Decimal] = {}
    for lot in session.scalars(select(DisposalLot)):
        deposits = held.get(lot.id, ZERO)
        proceeds = ZERO
        if lot.status != "settled":
            sold = (lot.price or ZERO) if lot.status == "sold" else ZERO
            proceeds = forfeited.get(lot.id, ZERO) + sold
        out[postings.account(lot.agent_id, postings.DEPOSITS, lot.id)] = deposits
        out[postings.account(lot.agent_id, postings.PROCEEDS, lot.id)] = proceeds
        out[postings.account(lot.agent_id, postings.CUSTODY, lot.id)] = deposits + proceeds
        if lot.satisfied:  # 以物抵债: the bank holds the IP at the reserve it took it at
            out[postings.account(lot.bank_id, postings.FORECLOSED, lot.id)] = lot.price or ZERO
    return out


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    register_expectations("disposal", expected_custody)
