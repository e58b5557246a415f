"""Ports of monitoring (贷后监测端口): borrower signals from outside the platform (借款人预警信号).

Tax arrears, a revenue drop, litigation, non-performing loans at other banks. The composition root plugs
:class:`GatewaySignals`: tax arrears and NPLs elsewhere read through the data gateway where the borrower consented to
its lending bank's post-loan monitoring (``purpose=post_loan``; each read logged for the firm), plus the stand-in
:class:`FakeSignals`, which tests and the demo fill by hand (revenue drops, litigation). An unplugged port raises, it
never answers "no signal".
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
    """One warning sign on a borrower, observed on ``on``: ``kind`` from SIGNAL_KINDS, ``ref`` the source's id.
    ``bank_id``: only that bank's loans hear it (a signal read under that bank's consent); ``None``: every lender."""

    borrower_id: int
    on: dt.date
    kind: str
    ref: str
    detail: str
    bank_id: int | None = None


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


@dataclass
class GatewaySignals:
    """Borrower signals from the data gateway, for each lending bank the borrower consented to, then ``also``'s."""

    also: BorrowerSignals | None = None

    def __call__(self, session: Session, borrower_ids: Sequence[int], on: dt.date) -> list[BorrowerSignal]:
        from ippledge.gateway import queries as consents
        from ippledge.gateway import service as gateway
        from ippledge.lending import queries as lending

        out = [] if self.also is None else list(self.also(session, borrower_ids, on))
        grants = consents.post_loan_grants(session, sorted(set(borrower_ids)), on)
        if grants:  # only then are the lending pairs looked up: most days no borrower has such a consent
            lent = {(loan.bank_id, loan.borrower_id) for loan in lending.loans(session, "active")}
            for s in gateway.post_loan_signals(session, sorted(grants & lent), on):
                out.append(BorrowerSignal(s.firm_id, on, s.kind, s.ref, s.detail, s.bank_id))
        return out
