"""Post-loan monitoring's reads of the register (贷后监测): the day's legal-status events, the annuities of pledged
patents, and the state of pledged IP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.registry.model import LegalState
from ippledge.registry.queries.assets import CHUNK
from ippledge.registry.tables import Annuity, IpAsset, LegalStatusEvent


@dataclass(frozen=True)
class StatusEventRow:
    """One recorded legal-status event (法律状态事件) as monitoring reads it."""

    id: int
    asset_id: int
    code: str
    effective_date: dt.date
    source: str
    batch_id: int | None


def status_events_after(
    session: Session, after_id: int, through: dt.date, effective_from: dt.date | None = None
) -> list[StatusEventRow]:
    """Events recorded after event id ``after_id`` and effective on or before ``through`` (and on or after
    ``effective_from`` when given), by id: feeds and the API alike; a watermark on the id catches a backdated feed
    line that a window on the effective date would miss."""
    stmt = (
        select(
            LegalStatusEvent.id,
            LegalStatusEvent.ip_asset_id,
            LegalStatusEvent.code,
            LegalStatusEvent.effective_date,
            LegalStatusEvent.source,
            LegalStatusEvent.batch_id,
        )
        .where(LegalStatusEvent.id > after_id, LegalStatusEvent.effective_date <= through)
        .order_by(LegalStatusEvent.id)
    )
    if effective_from is not None:
        stmt = stmt.where(LegalStatusEvent.effective_date >= effective_from)
    return [StatusEventRow(*row) for row in session.execute(stmt)]


def last_event_id(session: Session) -> int:
    return int(session.scalar(select(func.max(LegalStatusEvent.id))) or 0)


@dataclass(frozen=True)
class OpenAnnuity:
    """An unpaid annuity (未缴年费) of a patent in force: patent year, due date and the official fee (yuan)."""

    asset_id: int
    year_no: int
    due_date: dt.date
    amount: Decimal


def open_annuities(session: Session, asset_ids: Sequence[int], due_from: dt.date, due_to: dt.date) -> list[OpenAnnuity]:
    """Unpaid annuities of the given patents in force, due from ``due_from`` to ``due_to`` inclusive."""
    out: list[OpenAnnuity] = []
    ids = sorted(set(asset_ids))
    for start in range(0, len(ids), CHUNK):
        stmt = (
            select(Annuity.ip_asset_id, Annuity.year_no, Annuity.due_date, Annuity.amount)
            .join(IpAsset, IpAsset.id == Annuity.ip_asset_id)
            .where(
                Annuity.ip_asset_id.in_(ids[start : start + CHUNK]),
                Annuity.paid_on.is_(None),
                Annuity.due_date >= due_from,
                Annuity.due_date <= due_to,
                IpAsset.status == LegalState.IN_FORCE.value,
            )
            .order_by(Annuity.ip_asset_id, Annuity.year_no)
        )
        out.extend(OpenAnnuity(*row) for row in session.execute(stmt))
    return out


def open_annuity(session: Session, asset_id: int, year_no: int) -> OpenAnnuity | None:
    """One unpaid annuity of a patent in force (None: unknown, paid, or the right is not in force)."""
    stmt = (
        select(Annuity.ip_asset_id, Annuity.year_no, Annuity.due_date, Annuity.amount)
        .join(IpAsset, IpAsset.id == Annuity.ip_asset_id)
        .where(
            Annuity.ip_asset_id == asset_id,
            Annuity.year_no == year_no,
            Annuity.paid_on.is_(None),
            IpAsset.status == LegalState.IN_FORCE.value,
        )
    )
    row = session.execute(stmt).first()
    return None if row is None else OpenAnnuity(*row)


@dataclass(frozen=True)
class PledgedAssetFacts:
    """What monitoring reads of a pledged IP: number, title, state and expiry."""

    asset_id: int
    kind: str
    number: str
    title: str
    status: str
    expiry_date: dt.date | None
    preserved: bool
    invalidation_pending: bool


def pledged_asset_facts(session: Session, asset_ids: Sequence[int]) -> dict[int, PledgedAssetFacts]:
    out: dict[int, PledgedAssetFacts] = {}
    ids = sorted(set(asset_ids))
    for start in range(0, len(ids), CHUNK):
        stmt = select(
            IpAsset.id,
            IpAsset.kind,
            IpAsset.number,
            IpAsset.title,
            IpAsset.status,
            IpAsset.expiry_date,
            IpAsset.preserved,
            IpAsset.invalidation_pending,
        ).where(IpAsset.id.in_(ids[start : start + CHUNK]))
        for row in session.execute(stmt):
            out[row[0]] = PledgedAssetFacts(*row)
    return out
