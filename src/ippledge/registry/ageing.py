"""Register ageing (登记簿老化): the events the passing of time owes the register, recorded on the business date.

A right the register still shows in force may have lapsed for an annuity left unpaid past its grace (CF01), run
past its term (CX01), or, for a mark, passed its renewal grace unrenewed (CX01). Nobody files those; the register
must age itself so that "有效" means in force on the business date. Each event goes through
``legal_status.record_event`` (the same rules, audit record, outbox event and collateral alerts as any other); the
run is idempotent: an aged asset is no longer in force and is not found again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.kernel.calendar import add_months
from ippledge.registry import model
from ippledge.registry.guards import require_registry_writer
from ippledge.registry.legal_status import record_event
from ippledge.registry.model import IpKind, LegalState
from ippledge.registry.tables import Annuity, IpAsset

_CHUNK = 5_000


@dataclass
class AgeingReport:
    """What one ageing run recorded: asset ids by reason (annuity_lapsed, term_expired, mark_unrenewed)."""

    as_of: dt.date
    aged: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.aged.values())

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "total": self.total,
            "aged": {k: sorted(v) for k, v in self.aged.items()},
        }


def _candidates(session: Session, as_of: dt.date) -> list[int]:
    """Rights in force that may owe an event: past the term, or with an annuity unpaid past its grace."""
    grace_start = add_months(as_of, -model.ANNUITY_GRACE_MONTHS)  # due before this: grace is over
    lapsed = select(Annuity.ip_asset_id).where(Annuity.paid_on.is_(None), Annuity.due_date < grace_start)
    stmt = (
        select(IpAsset.id)
        .where(IpAsset.status == LegalState.IN_FORCE.value)
        .where(or_(IpAsset.expiry_date < as_of, IpAsset.id.in_(lapsed)))
        .order_by(IpAsset.id)
    )
    return [int(i) for i in session.scalars(stmt)]


def age_register(session: Session, principal: Principal, as_of: dt.date) -> AgeingReport:
    """Record every lapse and expiry due by ``as_of`` (年费终止、期限届满、商标期满未续展); flushes, never commits."""
    require_registry_writer(principal)
    report = AgeingReport(as_of)
    ids = _candidates(session, as_of)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        unpaid: dict[int, list[dt.date]] = defaultdict(list)
        stmt = select(Annuity.ip_asset_id, Annuity.due_date).where(
            Annuity.ip_asset_id.in_(chunk), Annuity.paid_on.is_(None), Annuity.due_date <= as_of
        )
        for aid, due in session.execute(stmt):
            unpaid[int(aid)].append(due)
        for a in session.scalars(select(IpAsset).where(IpAsset.id.in_(chunk)).order_by(IpAsset.id)):
            owed = model.ageing_event(IpKind(a.kind), a.expiry_date, tuple(sorted(unpaid[a.id])), as_of)
            if owed is None:
                continue
            # Never before the last recorded change (a preservation noted later would make it a backdated event).
            on = max(owed.effective_date, a.status_date or owed.effective_date)
            details = {"reason": owed.reason, "aged_on": as_of.isoformat()}
            record_event(session, principal, a.id, owed.code, on, details, source="registry", as_of=as_of)
            report.aged[owed.reason].append(a.id)
    return report
