"""Valuer governance (评估机构监督): every valuation of an IP side by side, report flags, the valuer league table.

Reads the reports (task reports and external historical ones; superseded reports are left out: their correction
stands for them), the latest model valuation of each IP on or before ``as_of``, and applies the pure rules of
``governance.model``. Flags are computed on request from the stored facts (nothing to keep in sync); the thresholds
version is part of every answer. Realised disposal prices are valuation's own record of ended disposals
(``valuation.outcomes``, pushed in by disposal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import queries as access
from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.intake import queries as intake
from ippledge.kernel.money import to_fen
from ippledge.registry import queries as registry
from ippledge.valuation import store as report_store
from ippledge.valuation.engine import service as engine_service
from ippledge.valuation.engine import store
from ippledge.valuation.engine.tables import ModelValuation
from ippledge.valuation.governance.model import (
    Flag,
    FlagKind,
    ModelRange,
    ReportObs,
    Thresholds,
    ValuerStats,
    league_table,
    report_flags,
)
from ippledge.valuation.outcomes import queries as outcomes
from ippledge.valuation.tables import ValuationReport, ValuationReportItem

GOVERNANCE_READERS = frozenset({PartyKind.REGULATOR, PartyKind.PLATFORM, PartyKind.BANK})
_CHUNK = 5_000


def observations(session: Session, ip_asset_id: int | None = None, as_of: dt.date | None = None) -> list[ReportObs]:
    """Report values per IP (not superseded, valued on or before ``as_of``), the client resolved (the report's
    client, else the applicant of its application)."""
    stmt = (
        select(
            ValuationReport.id,
            ValuationReportItem.ip_asset_id,
            ValuationReport.valuer_id,
            ValuationReport.client_id,
            ValuationReport.application_id,
            ValuationReport.valuation_date,
            ValuationReportItem.value,
            ValuationReport.internal,
        )
        .join(ValuationReportItem, ValuationReportItem.report_id == ValuationReport.id)
        .order_by(ValuationReport.valuation_date, ValuationReport.id)
    )
    if ip_asset_id is not None:
        stmt = stmt.where(ValuationReportItem.ip_asset_id == ip_asset_id)
    if as_of is not None:
        stmt = stmt.where(ValuationReport.valuation_date <= as_of)
    superseded = report_store.superseded_ids(session)
    rows = [r for r in session.execute(stmt).all() if r[0] not in superseded]
    applicant = intake.applicants(session, {app for _, _, _, client, app, *_ in rows if client is None and app})
    return [
        ReportObs(rid, aid, vid, applicant.get(app) if client is None and app else client, day, to_fen(value), internal)
        for rid, aid, vid, client, app, day, value, internal in rows
    ]


def model_ranges(session: Session, asset_ids: Sequence[int], as_of: dt.date) -> dict[int, ModelRange]:
    """The latest model valuation of each IP on or before ``as_of`` (newest date, then newest row)."""
    out: dict[int, ModelRange] = {}
    ids = sorted(set(asset_ids))
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(
                ModelValuation.ip_asset_id,
                ModelValuation.value_p10_fen,
                ModelValuation.value_p50_fen,
                ModelValuation.value_p90_fen,
            )
            .where(ModelValuation.ip_asset_id.in_(ids[start : start + _CHUNK]), ModelValuation.as_of <= as_of)
            .order_by(ModelValuation.ip_asset_id, ModelValuation.as_of, ModelValuation.id)
        )
        for aid, p10, p50, p90 in session.execute(stmt):
            out[aid] = ModelRange(p10, p50, p90)  # later rows overwrite earlier ones
    return out


def _require_reader(principal: Principal) -> None:
    principal.require_kind(*sorted(GOVERNANCE_READERS))


def all_flags(session: Session, as_of: dt.date, thresholds: Thresholds | None = None) -> list[Flag]:
    t = thresholds or Thresholds()
    obs = observations(session, as_of=as_of)
    return report_flags(obs, model_ranges(session, [o.ip_asset_id for o in obs], as_of), t)


def flags(
    session: Session,
    principal: Principal,
    as_of: dt.date,
    valuer_id: int | None = None,
    kind: FlagKind | None = None,
    thresholds: Thresholds | None = None,
) -> list[Flag]:
    """Flags over every report, optionally of one valuer and one kind. Governance readers; a valuer sees its own. A
    bank sees every flag's kind and valuer (to judge whom it engages), but the report, the IP, the client and the
    figures only of reports it may read: another bank's engagements are not its business (decision 0016)."""
    if principal.party_kind is PartyKind.VALUER:
        valuer_id = principal.party_id
    else:
        _require_reader(principal)
    out = all_flags(session, as_of, thresholds)
    keep = [f for f in out if (valuer_id is None or f.valuer_id == valuer_id) and (kind is None or f.kind is kind)]
    if principal.party_kind in (PartyKind.REGULATOR, PartyKind.PLATFORM, PartyKind.VALUER):
        return keep
    ids = {f.report_id for f in keep if f.report_id is not None}
    stmt = scope.scoped(ValuationReport, principal).with_only_columns(ValuationReport.id)
    mine = set(session.scalars(stmt.where(ValuationReport.id.in_(ids)))) if ids else set()
    return [f if f.report_id is None or f.report_id in mine else _redacted(f) for f in keep]


def _redacted(f: Flag) -> Flag:
    return replace(f, report_id=None, ip_asset_id=None, client_id=None, details={})


def league(
    session: Session,
    as_of: dt.date,
    thresholds: Thresholds | None = None,
    realised_fen: Mapping[int, int] | None = None,
) -> list[ValuerStats]:
    """The valuer league table on ``as_of`` (no access check: the API and CLI call it after theirs). Realised
    disposal prices come from ``valuation.outcomes`` unless ``realised_fen`` is given."""
    t = thresholds or Thresholds()
    obs = observations(session, as_of=as_of)
    models = model_ranges(session, [o.ip_asset_id for o in obs], as_of)
    if realised_fen is None:
        appraised: dict[int, int] = {}
        for o in obs:  # the latest report's value of each IP weighs its share of a portfolio lot's price
            appraised[o.ip_asset_id] = o.value_fen
        realised_fen = outcomes.realised_by_asset(session, appraised, as_of)
    ratios = outcomes.realised_by_report(session, as_of)
    return league_table(obs, models, t, realised_fen, report_flags(obs, models, t), ratios)


def league_for(
    session: Session, principal: Principal, as_of: dt.date, thresholds: Thresholds | None = None
) -> list[ValuerStats]:
    _require_reader(principal)
    return league(session, as_of, thresholds)


def party_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The valuers' names (机构名称) for the league table."""
    return access.names_of(session, ids)


@dataclass(frozen=True)
class SideReport:
    """One report's value of the IP beside the model (多方估值并列)."""

    report_id: int
    valuer_id: int
    client_id: int | None
    internal: bool
    valuation_date: dt.date
    value_fen: int
    vs_model_p50: float | None  # report / model P50


@dataclass(frozen=True)
class SideBySide:
    """Every valuation of one IP the caller may see: the latest model valuation, each report, the flags on them."""

    ip_asset_id: int
    model: ModelValuation | None
    reports: list[SideReport]
    flags: list[dict[str, Any]]
    thresholds_version: str


def side_by_side(session: Session, principal: Principal, asset_id: int, as_of: dt.date) -> SideBySide:
    """The model and every report of one IP the caller may see, with the flags on those reports."""
    visible_id = registry.visible_asset_id(session, principal, asset_id)
    t = Thresholds()
    mv = store.latest(session, visible_id, as_of)
    mv = None if mv is None else engine_service.explained(session, mv)  # written now if left out (decision 0041)
    obs = observations(session, visible_id, as_of)
    models = {} if mv is None else {visible_id: ModelRange(mv.value_p10_fen, mv.value_p50_fen, mv.value_p90_fen)}
    visible = set(
        session.scalars(
            scope.scoped(ValuationReport, principal)
            .with_only_columns(ValuationReport.id)
            .where(ValuationReport.id.in_([o.report_id for o in obs] or [-1]))
        )
    )
    overseer = principal.party_kind in (PartyKind.REGULATOR, PartyKind.PLATFORM)
    shown = [
        _flag_dict(f, overseer)
        for f in report_flags(obs, models, t)
        if f.report_id in visible and f.ip_asset_id == visible_id
    ]
    reports = [
        SideReport(
            o.report_id,
            o.valuer_id,
            o.client_id,
            o.internal,
            o.valuation_date,
            o.value_fen,
            None if mv is None or mv.value_p50_fen <= 0 else round(o.value_fen / mv.value_p50_fen, 4),
        )
        for o in obs
        if o.report_id in visible
    ]
    return SideBySide(visible_id, mv, reports, shown, t.version)


def _flag_dict(f: Flag, overseer: bool = True) -> dict[str, Any]:
    out = asdict(f)
    out["kind"] = f.kind.value
    if not overseer:  # other parties' reports are not revealed, not even by id
        out["details"] = {k: v for k, v in f.details.items() if k not in ("earlier_reports", "earlier_valuers")}
    return out


flag_dict = _flag_dict
