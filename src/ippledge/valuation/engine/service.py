"""Model valuation use cases (模型估值): value one IP or the whole register with the engine; write results in bulk.

The engine learns its cohort references from the whole register on the valuation date, then values. ``value_one``
reuses a stored result for the same IP, date, model version and seed (same inputs, same answer); ``value_all``
values every IP chunk by chunk and writes the rows with one executemany per chunk, replacing an earlier run with
the same date, version and seed. Every run is audited once. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, cast

import numpy as np
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.analytics.engine import MODEL_VERSION, Chunk, ChunkMapper, ValuationEngine, fen, take
from ippledge.analytics.liquidity import LiquidityModel
from ippledge.analytics.single import asset_part, explain
from ippledge.db import among, utcnow
from ippledge.kernel.errors import not_found
from ippledge.registry import queries as registry
from ippledge.valuation.engine import store
from ippledge.valuation.engine.tables import ModelValuation
from ippledge.valuation.outcomes import queries as outcomes
from ippledge.valuation.outcomes.model import Calibration

Progress = Callable[[int, int], None]  # (done, total)
_DIMS = ("legal_score", "technical_score", "economic_score")


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)


def resolve(session: Session, number_or_id: str | int) -> int:
    """The id of an IP given by id (int) or by any register reading of a number (patent, trademark, copyright)."""
    if isinstance(number_or_id, int):
        found = number_or_id if registry.asset_summaries(session, [number_or_id]) else None
    else:
        found = registry.find_asset_id(session, number_or_id)
    if found is None:
        raise not_found("知识产权", "IP asset", number=str(number_or_id))
    return found


def liquidity_on(session: Session, as_of: dt.date) -> LiquidityModel:
    """The engine's liquidity model on ``as_of``: the prior, with the cells realised disposals calibrated by IP kind
    and field (``valuation.outcomes``; none until enough disposals ended: then exactly the prior)."""
    return _liquidity(outcomes.calibration(session, as_of))


def _liquidity(cal: Calibration) -> LiquidityModel:
    p = cal.params
    return LiquidityModel(p.prior_sell_through, p.prior_discount, p.weight, cal.factors())


# The last fit (decision 0033): the engine read the whole register and learnt its cohorts; a later call for the same
# database, date, register fingerprint (``registry.queries.register_version``) and liquidity calibration reuses it
# (a single value_one after the close's revaluation, the CLI's ``value --pledged`` on a monitored date, value_all
# after value_subset). One entry only: the columns of a national register are large.
_FIT: dict[tuple[Any, ...], tuple[ValuationEngine, dict[str, np.ndarray]]] = {}


def fitted_engine(session: Session, as_of: dt.date) -> tuple[ValuationEngine, dict[str, np.ndarray]]:
    """The engine fitted on the register on ``as_of``, with the register's columns (reused while unchanged)."""
    cal = outcomes.calibration(session, as_of)
    p = cal.params
    factors = tuple(sorted(cal.factors().items()))
    bind = session.get_bind()
    where = (bind.engine.url.render_as_string(hide_password=True), id(bind.engine))
    key = (*where, as_of, registry.register_version(session), p.prior_sell_through, p.prior_discount, p.weight, factors)
    hit = _FIT.get(key)
    if hit is not None:
        return hit
    cols = store.register_columns(session, as_of)
    fitted = (ValuationEngine(liquidity=_liquidity(cal)).fit(cols, as_of), cols)
    _FIT.clear()
    _FIT[key] = fitted
    return fitted


def forget_fit() -> None:
    """Drop the kept fit (a benchmark measuring a cold pass; a test that edits the register behind the ORM)."""
    _FIT.clear()


def _rows(
    engine: ValuationEngine, cols: dict[str, np.ndarray], seed: int, as_of: dt.date, c: Chunk | None = None
) -> list[dict[str, Any]]:
    c = c if c is not None else engine.value_chunk(cols, seed)
    amounts = (c.p10, c.p50, c.p90, c.collateral, c.cost)
    if not all(np.isfinite(a).all() for a in amounts):
        raise ValueError("the engine returned no value for some assets of the chunk")
    p10, p50, p90, collateral, cost = (fen(a) for a in amounts)  # integer fen, as stored (and as the batch writes)
    market = fen(c.market)
    assumptions = _assumptions_json(engine, seed)
    out = []
    for i in range(len(c.scores.score)):
        dims = c.scores.dimension_scores[i]
        out.append(
            {
                "ip_asset_id": int(cols["id"][i]),
                "as_of": as_of,
                "model_version": MODEL_VERSION,
                "seed": seed,
                "score": float(c.scores.score[i]),
                **{name: None if np.isnan(dims[k]) else float(dims[k]) for k, name in enumerate(_DIMS)},
                "value_p10_fen": int(p10[i]),
                "value_p50_fen": int(p50[i]),
                "value_p90_fen": int(p90[i]),
                "collateral_value_fen": int(collateral[i]),
                "market_value_fen": None if np.isnan(c.market[i]) else int(market[i]),
                "cost_value_fen": int(cost[i]),
                "currency": "CNY",
                "assumptions": assumptions(_json(asset_part(engine, c, i))),
                "explanation": _json(explain(engine, c, i)),
            }
        )
    return out


def _assumptions_json(engine: ValuationEngine, seed: int) -> Callable[[str], str]:
    """``_json(asset_assumptions(...))`` built from the engine's part encoded once per chunk and the asset's part: the
    same text (a top-level object is its sorted ``key: value`` pairs joined by ``, ``), without converting and encoding
    the engine's dataclasses again for every asset (decision 0033: most of the per-asset cost of a revaluation)."""
    shared = engine.describe(seed)
    before = [f"{json.dumps(k)}: {_json(v)}" for k, v in sorted(shared.items()) if k < "asset"]
    after = [f"{json.dumps(k)}: {_json(v)}" for k, v in sorted(shared.items()) if k > "asset"]
    head = "{" + "".join(f"{p}, " for p in before) + '"asset": '
    tail = "".join(f", {p}" for p in after) + "}"
    return lambda asset: head + asset + tail


def _stored(session: Session, asset_id: int, as_of: dt.date, seed: int) -> ModelValuation | None:
    return session.scalar(
        select(ModelValuation).where(
            ModelValuation.ip_asset_id == asset_id,
            ModelValuation.as_of == as_of,
            ModelValuation.model_version == MODEL_VERSION,
            ModelValuation.seed == seed,
        )
    )


def value_one(session: Session, number_or_id: str | int, as_of: dt.date, seed: int = 1) -> ModelValuation:
    """The model valuation of one IP on ``as_of`` (computed and stored unless already stored)."""
    asset_id = resolve(session, number_or_id)
    found = _stored(session, asset_id, as_of, seed)
    if found is not None:
        return explained(session, found)
    engine, cols = fitted_engine(session, as_of)
    index = np.flatnonzero(cols["id"] == asset_id)
    session.execute(insert(ModelValuation), _rows(engine, take(cols, index), seed, as_of))
    audit.record(
        session, "system:valuation", "valuation.model_valued", "ip_asset", asset_id, {"as_of": as_of, "seed": seed}
    )
    stored = _stored(session, asset_id, as_of, seed)
    assert stored is not None
    return stored


@dataclass(frozen=True)
class BatchSummary:
    valued: int
    errors: list[dict[str, Any]]
    model_version: str


def value_all(
    session: Session,
    as_of: dt.date,
    seed: int = 1,
    progress: Progress | None = None,
    chunk: int = 20_000,
    mapper: ChunkMapper | None = None,
) -> BatchSummary:
    """Value every IP on the register and write the results in bulk; a failing chunk is recorded, the rest go on.

    ``mapper`` runs the chunks elsewhere (``ippledge.analytics.cluster.dask_mapper``); the results are the same numbers.
    """
    engine, cols = fitted_engine(session, as_of)
    n = len(cols["id"])
    session.execute(
        delete(ModelValuation).where(
            ModelValuation.as_of == as_of, ModelValuation.model_version == MODEL_VERSION, ModelValuation.seed == seed
        )
    )
    parts = [take(cols, slice(start, min(n, start + chunk))) for start in range(0, n, chunk)]
    remote = iter(mapper(engine, seed, parts)) if mapper is not None else None
    valued, errors = 0, []
    for part in parts:
        try:
            computed = next(remote) if remote is not None else None
            if isinstance(computed, Exception):
                raise computed
            rows = _rows(engine, part, seed, as_of, computed)
        except (ValueError, FloatingPointError, KeyError) as exc:  # keep going: one bad chunk never aborts the run
            errors.append({"first_id": int(part["id"][0]), "count": len(part["id"]), "error": str(exc)})
            continue
        session.execute(insert(ModelValuation), rows)
        valued += len(rows)
        if progress is not None:
            progress(valued, n)
    session.flush()
    audit.record(
        session,
        "system:valuation",
        "valuation.model_batch",
        "model_valuation",
        f"{as_of.isoformat()}:{seed}",
        {"as_of": as_of, "seed": seed, "model_version": MODEL_VERSION, "valued": valued, "errors": len(errors)},
    )
    return BatchSummary(valued, errors, MODEL_VERSION)


@dataclass(frozen=True)
class SubsetValue:
    """What a revaluation needs of one IP's model valuation (whole fen): the collateral (forced-sale) value and P50."""

    collateral_value_fen: int
    value_p50_fen: int


# A row written by a monitoring revaluation carries the numbers only; its assumptions and explanation are this
# marker until someone opens the valuation (``explained``, decision 0041).
UNEXPLAINED: Final = ""
_MV = cast(Table, ModelValuation.__table__)


def value_subset(
    session: Session, asset_ids: list[int], as_of: dt.date, seed: int = 1, explained: bool = True
) -> dict[int, SubsetValue]:
    """Value just these IPs (the engine fitted on the whole register, so cohorts are the same as in ``value_all``);
    earlier rows of the same date, version and seed for them are replaced. Returns ``asset id -> values``, taken
    from the rows as they are written (not read back as ORM objects: decision 0033). ``explained=False`` writes the
    numbers only, built column-wise, with the assumptions and explanation left for ``explained`` (decision 0041)."""
    ids = sorted(set(asset_ids))
    if not ids:
        return {}
    engine, cols = fitted_engine(session, as_of)
    index = np.flatnonzero(np.isin(cols["id"], ids))
    session.execute(
        delete(_MV).where(
            among(_MV.c.ip_asset_id, ids),
            _MV.c.as_of == as_of,
            _MV.c.model_version == MODEL_VERSION,
            _MV.c.seed == seed,
        )
    )
    out: dict[int, SubsetValue] = {}
    for start in range(0, len(index), 20_000):
        part = take(cols, index[start : start + 20_000])
        rows = _rows(engine, part, seed, as_of) if explained else _number_rows(engine, part, seed, as_of)
        session.execute(insert(_MV), rows)  # Core: no ORM bulk bookkeeping per row
        out.update((r["ip_asset_id"], SubsetValue(r["collateral_value_fen"], r["value_p50_fen"])) for r in rows)
    session.flush()
    return out


def _number_rows(
    engine: ValuationEngine, cols: dict[str, np.ndarray], seed: int, as_of: dt.date
) -> list[dict[str, Any]]:
    """The rows of ``_rows`` without assumptions and explanation, built from whole columns (``tolist``), not per
    asset: the same numbers (the same chunk code and rounding)."""
    c = engine.value_chunk(cols, seed)
    amounts = (c.p10, c.p50, c.p90, c.collateral, c.cost)
    if not all(np.isfinite(a).all() for a in amounts):
        raise ValueError("the engine returned no value for some assets of the chunk")
    p10, p50, p90, collateral, cost = (fen(a).tolist() for a in amounts)
    market_fen = fen(np.nan_to_num(c.market)).tolist()
    market = [None if m else v for m, v in zip(np.isnan(c.market).tolist(), market_fen, strict=True)]
    dims = np.asarray(c.scores.dimension_scores, np.float64)
    dim_lists = [[None if np.isnan(v) else v for v in dims[:, k].tolist()] for k in range(len(_DIMS))]
    ids = np.asarray(cols["id"], np.int64).tolist()
    score = np.asarray(c.scores.score, np.float64).tolist()
    const = {"as_of": as_of, "model_version": MODEL_VERSION, "seed": seed, "currency": "CNY"}
    now = utcnow()
    return [
        {
            **const,
            "ip_asset_id": ids[i],
            "score": score[i],
            "legal_score": dim_lists[0][i],
            "technical_score": dim_lists[1][i],
            "economic_score": dim_lists[2][i],
            "value_p10_fen": p10[i],
            "value_p50_fen": p50[i],
            "value_p90_fen": p90[i],
            "collateral_value_fen": collateral[i],
            "market_value_fen": market[i],
            "cost_value_fen": cost[i],
            "assumptions": UNEXPLAINED,
            "explanation": UNEXPLAINED,
            "computed_at": now,
        }
        for i in range(len(ids))
    ]


_NUMBERS: Final = ("value_p10_fen", "value_p50_fen", "value_p90_fen", "collateral_value_fen", "cost_value_fen")


def explained(session: Session, mv: ModelValuation) -> ModelValuation:
    """``mv`` with its assumptions and explanation, written now if a monitoring revaluation left them out: the engine
    fitted on the register on the valuation's date (the kept fit when the register has not changed) runs the same
    chunk code on the one asset. The stored numbers are never changed; if the register changed since and the engine
    now gives other numbers, the explanation says so (``register_changed``)."""
    if mv.explanation != UNEXPLAINED:
        return mv
    engine, cols = fitted_engine(session, mv.as_of)
    index = np.flatnonzero(cols["id"] == mv.ip_asset_id)
    if len(index) == 0:  # the IP left the register: nothing to explain it with
        mv.assumptions, mv.explanation = _json({"register_changed": True}), _json({"register_changed": True})
        session.flush()
        return mv
    row = _rows(engine, take(cols, index), mv.seed, mv.as_of)[0]
    explanation = json.loads(row["explanation"])
    if any(row[k] != getattr(mv, k) for k in _NUMBERS):
        explanation["register_changed"] = True
    mv.assumptions, mv.explanation = row["assumptions"], _json(explanation)
    session.flush()
    return mv
