"""Ports of the daily close (日终端口): the steps a higher capability runs after each business date is closed.

Post-loan monitoring (贷后监测, ``ippledge.monitoring``) sits above lending and must run after every close, in the same
transaction, on the date just closed (a catch-up closes several dates: each gets its step). The close never imports
monitoring; the composition root (``ippledge.bootstrap.wire``) plugs the step here (decision records 0005 and 0018).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from sqlalchemy.orm import Session


class AfterClose(Protocol):
    """A step run after closing ``day`` (flushes only; an error rolls the close back with it)."""

    def __call__(self, session: Session, day: dt.date) -> None: ...


_after_close: AfterClose | None = None


def plug_after_close(step: AfterClose) -> None:
    """Called by the composition root with ``monitoring.service.after_close``."""
    global _after_close
    _after_close = step


def after_close(session: Session, day: dt.date) -> None:
    """Run the plugged step; unplugged is a wiring bug (the day would go unmonitored), never "nothing to do"."""
    if _after_close is None:
        raise LookupError("lending.close.ports.after_close is not plugged: call ippledge.bootstrap.wire() first")
    _after_close(session, day)
