"""Ports of monitoring (贷后监测端口): borrower signals from outside the platform (借款人预警信号).

Tax arrears, a revenue drop, litigation, non-performing loans at other banks: the data-gateway issue will fill this
port from the tax, court and credit-bureau feeds. Until then the composition root plugs :class:`FakeSignals`, which
tests and the demo fill by hand; an unplugged port raises, it never answers "no signal".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

SIGNAL_KINDS = ("tax_arrears", "revenue_drop", "litigation", "npl_elsewhere")


@dataclass(frozen=True)
class BorrowerSignal:
    """One warning sign on a borrower, observed on ``on``: ``kind`` from SIGNAL_KINDS, ``ref`` the source's id."""

    borrower_id: int
    on: dt.date
    kind: str
    ref: str
    detail: str


class BorrowerSignals(Protocol):
    """The signals observed on ``on`` for these borrowers."""

    def __call__(self, session: Session, borrower_ids: Sequence[int], on: dt.date) -> list[BorrowerSignal]: ...


@dataclass
class FakeSignals:
    """The stand-in source (测试/演示用): signals added by hand, answered on their date."""

    signals: list[BorrowerSignal] = field(default_factory=list)

    def add(self, signal: BorrowerSignal) -> None:
        if signal.kind not in SIGNAL_KINDS:
            raise ValueError(f"unknown borrower signal {signal.kind!r}")
        self.signals.append(signal)

    def clear(self) -> None:
        self.signals.clear()

    def __call__(self, session: Session, borrower_ids: Sequence[int], on: dt.date) -> list[BorrowerSignal]:
        wanted = set(borrower_ids)
        return [s for s in self.signals if s.on == on and s.borrower_id in wanted]


FAKE = FakeSignals()
_signals: BorrowerSignals | None = None


def plug_borrower_signals(source: BorrowerSignals) -> None:
    global _signals
    _signals = source


def borrower_signals(session: Session, borrower_ids: Sequence[int], on: dt.date) -> list[BorrowerSignal]:
    if _signals is None:
        raise LookupError("monitoring.ports.borrower_signals is not plugged: call ippledge.bootstrap.wire() first")
    return _signals(session, borrower_ids, on)
