"""Ports of supervision (监管统计端口): what the statistics need from capabilities above them, plugged at start-up.

Disposal sits above supervision in the layers (``.importlinter``: disposal reads the lending and risk-sharing faces
supervision also reads, and is an edge-like workflow), so supervision never imports it. ``ippledge.bootstrap.wire()``
plugs ``disposal.queries.rounds_closed`` in here, adapted to :class:`RoundResult`. Unplugged (a tool that did not
wire), the disposal figures are reported as unavailable, never as zero. See decision record 0034.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy.orm import Session


class RoundResult(NamedTuple):
    """One auction round closed in the period: sold or not, the lot's appraisal and the price (元)."""

    sold: bool
    appraisal: Decimal
    price: Decimal | None


RoundsClosed = Callable[[Session, dt.date, dt.date], list[RoundResult]]

_rounds_closed: RoundsClosed | None = None


def plug_rounds_closed(source: RoundsClosed) -> None:
    """Called by the composition root (``ippledge.bootstrap``) with disposal's read."""
    global _rounds_closed
    _rounds_closed = source


def rounds_closed(session: Session, start: dt.date, end: dt.date) -> list[RoundResult] | None:
    """The auction rounds closed from ``start`` to ``end`` inclusive; None when the port is not plugged."""
    return None if _rounds_closed is None else _rounds_closed(session, start, end)
