"""Model valuation routes (模型估值接口): ``GET /ip-assets/{id}/valuation`` — the model beside every report.

Who may read: whoever may read the IP on the register (register readers and the owner, ``access.scope``); the
reports listed are those the caller may see (its own bank's, its own as valuer or applicant, all for the regulator).
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Query

from ippledge.access import scope
from ippledge.registry import queries as registry
from ippledge.valuation import store as report_store
from ippledge.valuation.engine import service, store
from ippledge.valuation.engine.schemas import AssetValuationOut, ModelValuationOut, ReportValueOut
from ippledge.valuation.engine.tables import ModelValuation
from ippledge.valuation.tables import ValuationReport, ValuationReportItem
from ippledge.web.dates import BusinessDate
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath
from ippledge.web.money import yuan

router = APIRouter(tags=["valuation"])


def model_out(mv: ModelValuation) -> ModelValuationOut:
    return ModelValuationOut(
        id=mv.id,
        ip_asset_id=mv.ip_asset_id,
        as_of=mv.as_of,
        model_version=mv.model_version,
        seed=mv.seed,
        score=mv.score,
        dimensions={"legal": mv.legal_score, "technical": mv.technical_score, "economic": mv.economic_score},
        value_p10=yuan(mv.value_p10_fen),
        value_p50=yuan(mv.value_p50_fen),
        value_p90=yuan(mv.value_p90_fen),
        collateral_value=yuan(mv.collateral_value_fen),
        market_value=None if mv.market_value_fen is None else yuan(mv.market_value_fen),
        cost_value=yuan(mv.cost_value_fen),
        currency=mv.currency,
        assumptions=json.loads(mv.assumptions),
        explanation=json.loads(mv.explanation),
    )


@router.get("/ip-assets/{asset_id}/valuation", response_model=AssetValuationOut)
def asset_valuation(
    asset_id: IdPath,
    principal: PrincipalDep,
    session: SessionDep,
    today: TodayDep,
    as_of: BusinessDate | None = Query(None, description="latest model valuation on or before (default today)"),
) -> AssetValuationOut:
    visible_id = registry.visible_asset_id(session, principal, asset_id)
    mv = store.latest(session, visible_id, as_of or today)
    stmt = (
        scope.scoped(ValuationReport, principal)
        .add_columns(ValuationReportItem.value)
        .join(ValuationReportItem, ValuationReportItem.report_id == ValuationReport.id)
        .where(ValuationReportItem.ip_asset_id == visible_id)
        .order_by(ValuationReport.valuation_date, ValuationReport.id)
    )
    rows = session.execute(stmt).all()
    superseded = report_store.superseded_ids(session)
    reports = [
        ReportValueOut(
            report_id=r.id,
            report_no=r.report_no,
            valuer_id=r.valuer_id,
            bank_id=r.bank_id,
            internal=r.internal,
            method=r.method,
            valuation_date=r.valuation_date,
            valid_until=r.valid_until,
            value=value,
            superseded=r.id in superseded,
        )
        for r, value in rows
    ]
    model = None if mv is None else model_out(service.explained(session, mv))  # written now if left out (0041)
    return AssetValuationOut(ip_asset_id=visible_id, model=model, reports=reports)
