"""Demand routes (融资需求接口): ``POST/GET /demands``, ``GET /demands/{id}``, ``GET /demands/{id}/matches``,
``POST /demand-surveys`` (a survey file with per-line errors) and ``GET /funnel`` (the conversion funnel).

A firm enters and reads its own demands; the platform operator enters them for surveys and events; the platform and
the regulator read all (another firm's demand is a 404).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from fastapi import APIRouter, Query

from ippledge.demand import errors, queries, service
from ippledge.demand.model import GroupBy, Source
from ippledge.demand.schemas import DemandIn, DemandOut, FunnelOut, MatchOut, SurveyIn, SurveyOut
from ippledge.demand.tables import DemandImport
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath

router = APIRouter(tags=["demand"])


@router.post("/demands", response_model=DemandOut, status_code=201)
def submit(body: DemandIn, session: SessionDep, principal: PrincipalDep) -> queries.DemandView:
    """A financing demand (融资需求): amount, term, use, the IP offered and when the money is needed."""
    row = service.submit_demand(
        session,
        principal,
        amount=body.amount,
        term_months=body.term_months,
        use=body.use.value,
        ip_asset_ids=body.ip_asset_ids,
        needed_by=body.needed_by,
        enterprise_id=body.enterprise_id,
        source=Source.API,
        note=body.note,
        event_id=body.event_id,
    )
    return queries.view(row)


@router.get("/demands", response_model=list[DemandOut])
def list_demands(
    session: SessionDep,
    principal: PrincipalDep,
    enterprise_id: int | None = None,
    limit: int = Query(200, ge=1, le=1000),
    event_id: int | None = None,
) -> list[queries.DemandView]:
    """The demands the caller may see, newest first; ``event_id``: those collected at one event."""
    return queries.demands(session, principal, enterprise_id, limit, event_id)


@router.get("/demands/{demand_id}", response_model=DemandOut)
def get_demand(demand_id: IdPath, session: SessionDep, principal: PrincipalDep) -> queries.DemandView:
    return queries.demand(session, principal, demand_id)


@router.get("/demands/{demand_id}/matches", response_model=list[MatchOut])
def demand_matches(demand_id: IdPath, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> list[MatchOut]:
    """Every bank product in effect, ranked for this demand, each check explained (对接推荐)."""
    return [MatchOut.model_validate(m) for m in queries.match_list(session, principal, demand_id, today)]


@router.post("/demand-surveys", response_model=SurveyOut, status_code=201)
def import_survey(body: SurveyIn, session: SessionDep, principal: PrincipalDep) -> SurveyOut:
    """Load a survey file: good lines become demands, bad lines are listed with line number and reason."""
    try:
        content = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise errors.FILE_FORMAT(columns="base64") from None
    batch: DemandImport = service.import_survey(session, principal, body.filename, content)
    return SurveyOut(
        id=batch.id,
        filename=batch.filename,
        fmt=batch.fmt,
        total=batch.total,
        loaded=batch.loaded,
        rejected=batch.rejected,
        errors=json.loads(batch.errors),
    )


@router.get("/funnel", response_model=list[FunnelOut])
def funnel(
    session: SessionDep,
    principal: PrincipalDep,
    start: dt.date,
    end: dt.date,
    by: GroupBy = GroupBy.BANK,
) -> list[FunnelOut]:
    """The conversion funnel of whitelist pushes (pushed → contacted → applied → approved → lent) by list, bank,
    branch or month; a bank sees its own rows."""
    return [FunnelOut.model_validate(r) for r in queries.funnel(session, principal, start, end, by)]
