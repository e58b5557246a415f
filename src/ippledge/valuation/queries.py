"""Published read face (查询接口) of valuation: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.kernel.money import from_fen
from ippledge.valuation.engine import store as engine_store
from ippledge.valuation.model import is_valid_on
from ippledge.valuation.tables import ValuationReport, ValuationReportItem

# -- values a credit decision lends against --------------------------------------------------------------------------


@dataclass(frozen=True)
class ValuedItem:
    """The value one valid report gives one IP (评估价值)."""

    report_id: int
    ip_asset_id: int
    value: Decimal
    valuation_date: dt.date
    valid_until: dt.date
    internal: bool = False  # the bank valued the IP itself (allowed under the internal-valuation threshold)


def latest_valid(
    session: Session, application_id: int, ip_asset_id: int, as_of: dt.date, bank_id: int | None = None
) -> ValuedItem | None:
    """The latest report valid on ``as_of`` that values the IP (corrections known by then replace the original)."""
    stmt = (
        select(ValuationReport, ValuationReportItem.value)
        .join(ValuationReportItem, ValuationReportItem.report_id == ValuationReport.id)
        .where(
            ValuationReport.application_id == application_id,
            ValuationReportItem.ip_asset_id == ip_asset_id,
            ValuationReport.submitted_on <= as_of,
        )
    )
    if bank_id is not None:
        stmt = stmt.where(ValuationReport.bank_id == bank_id)
    rows = session.execute(stmt).all()
    corrections = select(ValuationReport.supersedes_id).where(
        ValuationReport.application_id == application_id,
        ValuationReport.supersedes_id.is_not(None),
        ValuationReport.submitted_on <= as_of,
    )
    superseded = set(session.scalars(corrections))
    candidates = [
        (r, value)
        for r, value in rows
        if r.id not in superseded and is_valid_on(r.valuation_date, r.valid_until, as_of)
    ]
    if not candidates:
        return None
    r, value = max(candidates, key=lambda c: (c[0].valuation_date, c[0].id))
    return ValuedItem(r.id, ip_asset_id, value, r.valuation_date, r.valid_until, bool(r.internal))


def model_collateral_value(
    session: Session, ip_asset_id: int, as_of: dt.date, max_age_days: int | None = None
) -> Decimal | None:
    """The collateral value (抵押价值: what a forced sale would recover) of the newest model valuation of the IP made
    on or before ``as_of`` and not older than ``max_age_days``; ``None`` when the engine has not valued it."""
    mv = engine_store.latest(session, ip_asset_id, as_of, max_age_days)
    return None if mv is None else from_fen(mv.collateral_value_fen)


@dataclass(frozen=True)
class ModelValues:
    """The newest model valuation (模型估值) of one IP: its P10-P50-P90 range and its forced-sale value (强制变现价值:
    P50 x sell-through x (1 - forced-sale discount)), the figure loss given default starts from."""

    ip_asset_id: int
    as_of: dt.date
    p10: Decimal
    p50: Decimal
    p90: Decimal
    forced_sale: Decimal


def model_values(
    session: Session, ip_asset_id: int, as_of: dt.date, max_age_days: int | None = None
) -> ModelValues | None:
    """As :func:`model_collateral_value`, with the whole range; ``None`` when the engine has not valued the IP."""
    mv = engine_store.latest(session, ip_asset_id, as_of, max_age_days)
    if mv is None:
        return None
    return ModelValues(
        ip_asset_id,
        mv.as_of,
        from_fen(mv.value_p10_fen),
        from_fen(mv.value_p50_fen),
        from_fen(mv.value_p90_fen),
        from_fen(mv.collateral_value_fen),
    )


# -- reports as other capabilities cite them -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFacts:
    """A valuation report (评估报告) as other capabilities cite it: who valued, for whom, when, how much in total."""

    id: int
    report_no: str
    valuer_id: int
    bank_id: int | None  # None for an external historical report
    client_id: int | None
    internal: bool  # the bank valued the IP itself
    valuation_date: dt.date
    valid_until: dt.date
    total: Decimal
    supersedes_id: int | None


def reports(session: Session, report_ids: Iterable[int]) -> dict[int, ReportFacts]:
    """``report id -> facts`` for the ids that name a report (no caller scoping: the caller has checked)."""
    ids = sorted(set(report_ids))
    out: dict[int, ReportFacts] = {}
    for start in range(0, len(ids), 5_000):
        for r in session.scalars(select(ValuationReport).where(ValuationReport.id.in_(ids[start : start + 5_000]))):
            out[r.id] = ReportFacts(
                r.id,
                r.report_no,
                r.valuer_id,
                r.bank_id,
                r.client_id,
                r.internal,
                r.valuation_date,
                r.valid_until,
                r.total,
                r.supersedes_id,
            )
    return out


@dataclass(frozen=True)
class ReportAuthor:
    """Who wrote a valuation report (评估报告): the valuer party (the bank itself for an internal valuation)."""

    report_id: int
    valuer_id: int
    internal: bool


def report_authors(session: Session, report_ids: Iterable[int]) -> dict[int, ReportAuthor]:
    """``report id -> author`` for the ids that name a report (no caller scoping)."""
    from ippledge.valuation.tables import ValuationReport as r

    ids = sorted(set(report_ids))
    if not ids:
        return {}
    rows = session.execute(select(r.id, r.valuer_id, r.internal).where(r.id.in_(ids)))
    return {int(i): ReportAuthor(int(i), int(v), bool(internal)) for i, v, internal in rows}


def latest_scores(session: Session, asset_ids: Sequence[int], as_of: dt.date) -> dict[int, float]:
    """``asset id -> the score (0-100) of its newest model valuation on or before ``as_of```` (the batch score,
    模型评分), for the assets the engine has valued; one grouped query per chunk."""
    from sqlalchemy import and_, func

    from ippledge.valuation.engine.tables import ModelValuation as MV

    ids = sorted(set(asset_ids))
    out: dict[int, float] = {}
    for start in range(0, len(ids), 5_000):
        chunk = ids[start : start + 5_000]
        newest = (
            select(MV.ip_asset_id, func.max(MV.id).label("mid"))
            .where(MV.ip_asset_id.in_(chunk), MV.as_of <= as_of)
            .group_by(MV.ip_asset_id, MV.as_of)
            .subquery()
        )
        last_day = (
            select(MV.ip_asset_id, func.max(MV.as_of).label("d"))
            .where(MV.ip_asset_id.in_(chunk), MV.as_of <= as_of)
            .group_by(MV.ip_asset_id)
            .subquery()
        )
        stmt = (
            select(MV.ip_asset_id, MV.score)
            .join(newest, newest.c.mid == MV.id)
            .join(last_day, and_(last_day.c.ip_asset_id == MV.ip_asset_id, last_day.c.d == MV.as_of))
        )
        for aid, score in session.execute(stmt):
            out[int(aid)] = float(score)
    return out
