"""Ports of the register (登记簿端口): what the registry asks of the capabilities built on it.

The registry sits below ``pledge`` and never imports it. Yet two register rules need to know which pledges are in
force on an IP: a transfer or licence of pledged IP needs the pledgee's consent (Civil Code art. 444), and a pledged
IP's legal-status change alerts its pledgee (质押物状态变化提醒); the batch query also shows the pledges in force.
So the registry names the read it needs here (:class:`PledgesInForce`) and the composition root
(``ippledge.bootstrap.wire``) plugs in pledge's published function ``pledge.queries.pledges_in_force``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class PledgeInForce:
    """A registered pledge in force on one asset (在押质权), as the register shows it."""

    pledge_id: int
    registration_no: str
    pledgor_id: int
    pledgee_id: int
    effective_on: dt.date
    debt_amount: Decimal
    currency: str


class PledgesInForce(Protocol):
    """``asset_id -> pledges in force on it now`` for the given assets; assets without one are absent."""

    def __call__(self, session: Session, asset_ids: Sequence[int]) -> dict[int, list[PledgeInForce]]: ...


_pledges_in_force: PledgesInForce | None = None


def plug_pledges_in_force(read: PledgesInForce) -> None:
    """Called by the composition root (``ippledge.bootstrap``) with ``pledge.queries.pledges_in_force``."""
    global _pledges_in_force
    _pledges_in_force = read


def pledges_in_force(session: Session, asset_ids: Sequence[int]) -> dict[int, list[PledgeInForce]]:
    """The pledges in force on these assets, through the plugged read; unplugged is a wiring bug, not "no pledge"."""
    if _pledges_in_force is None:
        raise LookupError("registry.ports.pledges_in_force is not plugged: call ippledge.bootstrap.wire() first")
    return _pledges_in_force(session, asset_ids)


def pledgees_in_force(session: Session, asset_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """``asset_id -> (pledge_id, pledgee party id)`` of the pledge in force on each pledged asset (at most one)."""
    return {aid: (ps[0].pledge_id, ps[0].pledgee_id) for aid, ps in pledges_in_force(session, asset_ids).items() if ps}
