"""Enterprises on the register for whitelists and the reverse push (白名单与反向推送): profiles, designations and
the IP facts of many firms at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from ippledge.db import among, sqlite_index
from ippledge.kernel.calendar import add_months
from ippledge.kernel.money import from_fen
from ippledge.registry.model import ANNUITY_GRACE_MONTHS, IpKind, LegalState, Subtype
from ippledge.registry.queries.assets import CHUNK
from ippledge.registry.tables import (
    PATENT_IN_FORCE_INDEX,
    AbnormalApplication,
    Annuity,
    Enterprise,
    EnterpriseDesignation,
    IpAsset,
    IpOwner,
)


@dataclass(frozen=True)
class EnterpriseFacts:
    """What an enterprise's registry profile (企业信息) records of its revenue and age; either may be unknown."""

    party_id: int
    annual_revenue: Decimal | None  # yuan per year
    founded_on: dt.date | None


def enterprise_facts(session: Session, party_id: int) -> EnterpriseFacts | None:
    """The enterprise's revenue and founding date, or ``None`` when it has no profile."""
    row = session.get(Enterprise, party_id)
    if row is None:
        return None
    revenue = None if row.annual_revenue_fen is None else from_fen(row.annual_revenue_fen)
    return EnterpriseFacts(row.party_id, revenue, row.founded_on)


@dataclass(frozen=True)
class DesignationFact:
    """A designation an enterprise holds on a date (企业认定): kind, detail (the park's name) and source."""

    kind: str
    detail: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    source: str


def designations(session: Session, party_ids: Sequence[int], on: dt.date) -> dict[int, list[DesignationFact]]:
    """``party id -> designations valid on ``on```` for the given enterprises (set-based, in chunks)."""
    D = EnterpriseDesignation
    ids = sorted(set(party_ids))
    out: dict[int, list[DesignationFact]] = {}
    for start in range(0, len(ids), CHUNK):
        stmt = (
            select(D.party_id, D.kind, D.detail, D.valid_from, D.valid_to, D.source)
            .where(
                D.party_id.in_(ids[start : start + CHUNK]),
                D.valid_from <= on,
                (D.valid_to.is_(None)) | (D.valid_to >= on),
            )
            .order_by(D.party_id, D.kind, D.valid_from)
        )
        for pid, kind, detail, vf, vt, source in session.execute(stmt):
            out.setdefault(int(pid), []).append(DesignationFact(kind, detail, vf, vt, source))
    return out


@dataclass(frozen=True)
class FirmIpFacts:
    """An enterprise's IP on the register on a date, for a bank's reverse push (反向推送) and whitelist criteria:
    patents in force (有效专利) and among them inventions (有效发明专利); unpaid annuities of patents in force past
    their six-month grace (the right terminates: 宽限期已过), within it (滞纳期), and falling due within ``soon_days``;
    open abnormal-application flags (非正常专利申请)."""

    party_id: int
    valid_patents: int = 0
    valid_inventions: int = 0
    annuities_past_grace: int = 0
    annuities_in_grace: int = 0
    annuities_due_soon: int = 0
    abnormal_applications: int = 0


def _patents_in_force() -> Any:
    """Owners joined to their patents in force through the narrow partial index (``id, subtype`` of the patents in
    force only): the planner drives the join from the requested firms' owner index, never the wide asset rows
    (decision 0033; SQLite is told the index, PostgreSQL finds it)."""
    stmt = select(IpOwner.party_id).join(IpAsset, IpAsset.id == IpOwner.ip_asset_id)
    # Constants written into the SQL, not bound: a planner matches a partial index's condition only against literals.
    patent = literal(IpKind.PATENT.value, literal_execute=True)
    alive = literal(LegalState.IN_FORCE.value, literal_execute=True)
    stmt = stmt.where(IpAsset.kind == patent, IpAsset.status == alive)
    return sqlite_index(stmt, IpAsset, PATENT_IN_FORCE_INDEX)


def firm_ip_facts(session: Session, party_ids: Sequence[int], on: dt.date, soon_days: int) -> dict[int, FirmIpFacts]:
    """The :class:`FirmIpFacts` of every given enterprise, by party id (zero counts for a firm without IP): three
    grouped queries for the whole set (its ids in one parameter: ``db.among``), never one query per firm, each read
    from narrow indexes only (decision 0033)."""
    ids = sorted(set(party_ids))
    counts: dict[int, dict[str, int]] = {pid: {} for pid in ids}
    soon = on + dt.timedelta(days=soon_days)
    # in grace while on <= due + 6 months (registry.model.grace_end), i.e. due >= on - 6 months
    grace_cutoff = add_months(on, -ANNUITY_GRACE_MONTHS)
    invention = Subtype.INVENTION.value
    if ids:
        # Patents in force and the inventions among them: one owner row per (asset, party), so count(*) is distinct.
        patents = (
            _patents_in_force()
            .add_columns(func.count(), func.sum(case((IpAsset.subtype == invention, 1), else_=0)))
            .where(among(IpOwner.party_id, ids))
            .group_by(IpOwner.party_id)
        )
        for pid, n, inv in session.execute(patents):
            counts[int(pid)].update(valid_patents=int(n), valid_inventions=int(inv or 0))
        # Their unpaid annuities up to ``soon`` (usually none or one per firm), from the partial index of open fees.
        fees = sqlite_index(
            _patents_in_force()
            .add_columns(
                func.sum(case((Annuity.due_date < grace_cutoff, 1), else_=0)),
                func.sum(case(((Annuity.due_date >= grace_cutoff) & (Annuity.due_date < on), 1), else_=0)),
                func.sum(case((Annuity.due_date >= on, 1), else_=0)),
            )
            .join(Annuity, Annuity.ip_asset_id == IpOwner.ip_asset_id)
            .where(
                among(IpOwner.party_id, ids), Annuity.paid_on.is_(None), Annuity.due_date <= soon
            )  # IS NULL: literal
            .group_by(IpOwner.party_id),
            Annuity,
            "ix_annuity_open",
        )
        for pid, past, grace, due in session.execute(fees):
            counts[int(pid)].update(
                annuities_past_grace=int(past or 0),
                annuities_in_grace=int(grace or 0),
                annuities_due_soon=int(due or 0),
            )
        flags = (
            select(IpOwner.party_id, func.count())
            .join(AbnormalApplication, AbnormalApplication.ip_asset_id == IpOwner.ip_asset_id)
            .where(
                among(IpOwner.party_id, ids),
                AbnormalApplication.flagged_on <= on,
                (AbnormalApplication.cleared_on.is_(None)) | (AbnormalApplication.cleared_on > on),
            )
            .group_by(IpOwner.party_id)
        )
        for pid, n in session.execute(flags):
            counts[int(pid)]["abnormal_applications"] = int(n)
    return {pid: FirmIpFacts(pid, **c) for pid, c in counts.items()}


def patents_in_force_of(session: Session, party_ids: Sequence[int]) -> dict[int, list[int]]:
    """``party id -> ids of the patents in force it owns`` (whitelist criteria score them)."""
    ids = sorted(set(party_ids))
    out: dict[int, list[int]] = {}
    stmt = (
        _patents_in_force()
        .add_columns(IpAsset.id)
        .where(among(IpOwner.party_id, ids))
        .order_by(IpOwner.party_id, IpAsset.id)
    )
    for pid, aid in session.execute(stmt):
        out.setdefault(int(pid), []).append(int(aid))
    return out


def enterprise_ids(session: Session) -> list[int]:
    """Every enterprise on the register (a whitelist build considers them all)."""
    return [int(p) for p in session.scalars(select(Enterprise.party_id).order_by(Enterprise.party_id))]


def high_tech_flags(session: Session, party_ids: Sequence[int]) -> set[int]:
    """The enterprises whose profile says 高新技术企业 (the profile flag, beside any dated designation)."""
    ids = sorted(set(party_ids))
    out: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        stmt = select(Enterprise.party_id).where(
            Enterprise.party_id.in_(ids[start : start + CHUNK]), Enterprise.high_tech.is_(True)
        )
        out.update(int(p) for p in session.scalars(stmt))
    return out
