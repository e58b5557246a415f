"""Valuer governance routes (评估机构监督接口).

``GET /ip-assets/{id}/valuations`` — every valuation of the IP side by side with its flags (whoever may read the IP:
register readers and the owner; reports limited to those the caller may see); ``GET /valuers/league-table`` —
regulator, platform and banks; ``GET /valuation-flags?valuer_id=&kind=`` — the same readers, a valuer its own.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Query

from ippledge.valuation import errors
from ippledge.valuation.engine.api import model_out
from ippledge.valuation.governance import queries as governance
from ippledge.valuation.governance.model import FlagKind, Thresholds
from ippledge.valuation.governance.schemas import FlagOut, LeagueTableOut, SideBySideOut, SideReportOut, ValuerRowOut
from ippledge.web.dates import BusinessDate
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath, IdQuery
from ippledge.web.money import yuan

router = APIRouter(tags=["valuation governance"])


@router.get("/ip-assets/{asset_id}/valuations", response_model=SideBySideOut)
def asset_valuations(
    asset_id: IdPath,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    as_of: BusinessDate | None = Query(None, description="reports and model on or before (default today)"),
) -> SideBySideOut:
    view = governance.side_by_side(session, principal, asset_id, as_of or today)
    return SideBySideOut(
        ip_asset_id=view.ip_asset_id,
        model=None if view.model is None else model_out(view.model),
        reports=[
            SideReportOut(
                report_id=r.report_id,
                valuer_id=r.valuer_id,
                client_id=r.client_id,
                internal=r.internal,
                valuation_date=r.valuation_date,
                value=yuan(r.value_fen),
                vs_model_p50=r.vs_model_p50,
            )
            for r in view.reports
        ],
        flags=[FlagOut(**f) for f in view.flags],
        thresholds_version=view.thresholds_version,
    )


@router.get("/valuers/league-table", response_model=LeagueTableOut)
def league_table(
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    as_of: BusinessDate | None = Query(None, description="reports and model on or before (default today)"),
) -> LeagueTableOut:
    day = as_of or today
    rows = governance.league_for(session, principal, day)
    names = governance.party_names(session, [r.valuer_id for r in rows])
    return LeagueTableOut(
        as_of=day,
        thresholds=Thresholds().to_dict(),
        valuers=[ValuerRowOut(**{**asdict(r), "reasons": list(r.reasons)}, name=names.get(r.valuer_id)) for r in rows],
    )


@router.get("/valuation-flags", response_model=list[FlagOut])
def valuation_flags(
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    valuer_id: IdQuery | None = None,
    kind: str | None = None,
    as_of: BusinessDate | None = None,
) -> list[FlagOut]:
    try:
        wanted = None if kind is None else FlagKind(kind)
    except ValueError:
        raise errors.FLAG_KIND(kind=kind, allowed=", ".join(k.value for k in FlagKind)) from None
    found = governance.flags(session, principal, as_of or today, valuer_id, wanted)
    return [FlagOut(**governance.flag_dict(f)) for f in found]
