"""Register reads for the engine (估值数据读取): the register as NumPy columns, model valuations by asset.

``register_columns`` turns the register (read through ``registry.queries``: every IP, the main owner's enterprise
profile, portfolio sizes and recorded licence / pledge / transfer / invalidation events) into the column dict
``ippledge.analytics`` reads: one query per table, then NumPy (no per-asset queries). The main owner is the one with
the largest share (lowest party id on a tie).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.kernel.money import to_fen
from ippledge.registry import queries as registry
from ippledge.valuation.engine.tables import ModelValuation

_ASSET_COLUMNS = (
    "id", "kind", "subtype", "number", "status", "filing_date", "grant_date", "expiry_date", "ipc_main", "ipc_all",
    "nice_classes", "claims", "forward_citations", "backward_citations", "family_size", "preserved",
    "invalidation_pending",
)  # fmt: skip
_EVENT_COLUMNS = {"EE01": "licences", "PE01": "pledges", "TR01": "transfers", "IP01": "invalidations_survived"}
_DATES = ("filing_date", "grant_date", "expiry_date")
_COUNTS = ("claims", "forward_citations", "backward_citations", "family_size")


def _dates(values: Sequence[dt.date | None]) -> np.ndarray:
    return np.array([np.datetime64("NaT") if v is None else np.datetime64(v, "D") for v in values], "M8[D]")


def register_columns(session: Session, as_of: dt.date) -> dict[str, np.ndarray]:
    """Every IP on the register as columns, ordered by id (``id`` column included)."""
    rows = registry.asset_columns(session, _ASSET_COLUMNS)
    raw: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in _ASSET_COLUMNS]
    cols: dict[str, np.ndarray] = {}
    for name, values in zip(_ASSET_COLUMNS, raw, strict=True):
        if name in _DATES:
            cols[name] = _dates(values)
        elif name in _COUNTS:
            cols[name] = np.array([-1 if v is None else v for v in values], np.int64)
        elif name in ("preserved", "invalidation_pending"):
            cols[name] = np.array([bool(v) for v in values], bool)
        elif name == "id":
            cols[name] = np.array(values, np.int64)
        else:
            cols[name] = np.array(values, dtype=object)
    ids = cols["id"]
    n = len(ids)
    _owners(session, cols, ids)
    events = registry.status_event_counts(session, _EVENT_COLUMNS, as_of)
    for name in _EVENT_COLUMNS.values():
        cols[name] = np.zeros(n, np.int64)
    for aid, code, count in events:
        cols[_EVENT_COLUMNS[code]][np.searchsorted(ids, aid)] = count
    return cols


def _owners(session: Session, cols: dict[str, np.ndarray], ids: np.ndarray) -> None:
    n = len(ids)
    owner_rows = registry.owner_rows(session)
    owner = np.full(n, -1, np.int64)
    if owner_rows:
        asset, party = (np.array(x, np.int64) for x in zip(*owner_rows, strict=True))
        first = np.r_[True, asset[1:] != asset[:-1]]
        owner[np.searchsorted(ids, asset[first])] = party[first]
    profiles = {
        pid: (None if p.annual_revenue is None else to_fen(p.annual_revenue), p.size)
        for pid, p in registry.enterprise_profiles(session).items()
    }
    cols["owner_revenue_fen"] = np.array(
        [-1 if (p := profiles.get(o)) is None or p[0] is None else p[0] for o in owner.tolist()], np.int64
    )
    cols["owner_size"] = np.array([None if (p := profiles.get(o)) is None else p[1] for o in owner.tolist()], object)
    kind_code = np.select([cols["kind"] == "patent", cols["kind"] == "trademark"], [0, 1], default=2)
    key = np.where(owner >= 0, owner * 3 + kind_code, -1)
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    cols["owner_portfolio"] = np.where(key >= 0, counts[inverse], 1)
    del uniq


def latest(
    session: Session, ip_asset_id: int, as_of: dt.date, max_age_days: int | None = None
) -> ModelValuation | None:
    """The newest model valuation of the IP made on or before ``as_of`` (and not older than ``max_age_days``)."""
    stmt = select(ModelValuation).where(ModelValuation.ip_asset_id == ip_asset_id, ModelValuation.as_of <= as_of)
    if max_age_days is not None:
        stmt = stmt.where(ModelValuation.as_of >= as_of - dt.timedelta(days=max_age_days))
    return session.scalar(stmt.order_by(ModelValuation.as_of.desc(), ModelValuation.id.desc()).limit(1))
