"""Ports of intake (受理端口): what the one-stop application needs from capabilities above it, plugged at start-up.

Intake is the lowest capability of the application flow (intake < valuation < credit < lending) and never imports
those above it. An application to "any bank" goes to every bank offering a credit product in effect; the offers
belong to credit, so ``ippledge.bootstrap.wire()`` plugs ``credit.queries.banks_offering`` in here. See
docs/decisions/0005-reactions-between-capabilities.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

BanksOffering = Callable[[Session, dt.date], list[int]]
"""The active banks with a credit product in effect on the date, by party id (ascending)."""

_banks_offering: BanksOffering | None = None


def plug_banks_offering(source: BanksOffering) -> None:
    """Called by the composition root (``ippledge.bootstrap``) with credit's read."""
    global _banks_offering
    _banks_offering = source


def banks_offering(session: Session, as_of: dt.date) -> list[int]:
    """The banks an application to "any bank" goes to on ``as_of``."""
    if _banks_offering is None:
        raise RuntimeError("intake.ports.banks_offering is not plugged: call ippledge.bootstrap.wire() first")
    return _banks_offering(session, as_of)
