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


def _dates(values: Sequence[dt.date | str | None]) -> np.ndarray:
    # One C-level conversion of the column (ISO text from SQLite, dates from PostgreSQL, None -> NaT): a Python
    # datetime64 per value was a third of the register read (decision 0033).
    return np.array(values, "M8[D]")


def register_columns(session: Session, as_of: dt.date) -> dict[str, np.ndarray]:
    """Every IP on the register as columns, ordered by id (``id`` column included)."""
    rows = registry.asset_columns(session, _ASSET_COLUMNS, raw_dates=True)
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
    # The owner's profile by a sorted lookup over the whole column, not a dict probe per asset.
    profiles = registry.enterprise_profiles(session)
    pids = np.array(sorted(profiles), np.int64)
    revenue = np.array([-1 if (r := profiles[int(p)].annual_revenue) is None else to_fen(r) for p in pids], np.int64)
    sizes = np.array([profiles[int(p)].size for p in pids], object)
    if len(pids) == 0:
        pids, revenue, sizes = np.array([-2], np.int64), np.array([-1], np.int64), np.array([None], object)
    at = np.clip(np.searchsorted(pids, owner), 0, len(pids) - 1)
    known = (owner >= 0) & (pids[at] == owner)
    cols["owner_revenue_fen"] = np.where(known, revenue[at], -1).astype(np.int64)
    owner_size = np.full(len(owner), None, object)
    owner_size[known] = sizes[at[known]]
    cols["owner_size"] = owner_size
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
