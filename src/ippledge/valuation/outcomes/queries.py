"""Realised outcomes as valuation reads them (成交结果查询): the liquidity calibration and realised / appraised.

``calibration`` applies ``outcomes.model.calibrate`` to every recorded disposal closed on or before ``as_of``; the
engine prices forced sale with it (``valuation.engine.service.fitted_engine``). ``realised_by_report`` gives, for
each appraisal report behind a lot sold on the market, the lot's realised / appraised ratio, and ``realised_by_asset``
each asset's share of the price (pro rata to the appraisal), for the valuer league table.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.valuation.outcomes.model import Calibration, Outcome, Params, calibrate, realised_ratio
from ippledge.valuation.outcomes.tables import RealisedSale


def _rows(session: Session, as_of: dt.date | None) -> list[RealisedSale]:
    stmt = select(RealisedSale).order_by(RealisedSale.closed_on, RealisedSale.id)
    if as_of is not None:
        stmt = stmt.where(RealisedSale.closed_on <= as_of)
    return list(session.scalars(stmt))


def outcomes(session: Session, as_of: dt.date | None = None) -> list[Outcome]:
    """Every recorded disposal as a calibration observation (value: the model's P50, else the appraisal)."""
    return [
        Outcome(r.kind, r.ipc_field, r.model_value if r.model_value is not None else r.appraised, r.sold, r.price)
        for r in _rows(session, as_of)
    ]


def calibration(session: Session, as_of: dt.date | None = None, params: Params | None = None) -> Calibration:
    """The liquidity calibration (sell-through and forced-sale discount by kind and field) on ``as_of``."""
    return calibrate(outcomes(session, as_of), params)


def realised_by_report(session: Session, as_of: dt.date | None = None) -> dict[int, float]:
    """``report id -> realised / appraised`` of the lots sold on the market that the report appraised (a report
    behind several such lots: the latest sale)."""
    out: dict[int, float] = {}
    for r in _rows(session, as_of):
        if not r.sold or r.price is None:
            continue
        ratio = realised_ratio(r.price, r.appraised)
        if ratio is not None:
            out.update({int(rid): ratio for rid in json.loads(r.report_ids)})
    return out


def realised_by_asset(session: Session, values_fen: Mapping[int, int], as_of: dt.date | None = None) -> dict[int, int]:
    """``asset id -> realised price (fen)``: a sold lot's price split over its assets in proportion to
    ``values_fen`` (their appraised values), evenly when none is known."""
    out: dict[int, int] = {}
    for r in _rows(session, as_of):
        if not r.sold or r.price is None:
            continue
        ids = [int(a) for a in json.loads(r.asset_ids)]
        weights = [max(values_fen.get(a, 0), 0) for a in ids]
        total = sum(weights)
        price_fen = int(r.price * 100)
        for a, w in zip(ids, weights, strict=True):
            out[a] = round(price_fen * w / total) if total > 0 else round(price_fen / len(ids))
    return out
