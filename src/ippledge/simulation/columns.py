"""Row builders for the bulk loader (装载行): slices of NumPy columns as plain tuples, in table column order.

Dates travel as ISO strings (both SQLite and ``COPY`` read them as SQLAlchemy writes them), missing values as
``None``; each builder returns ``rows(start, stop)`` so that only one chunk is materialised at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ippledge.simulation.generate import Market

Rows = Callable[[int, int], list[tuple[Any, ...]]]


def dates(arr: np.ndarray) -> list[str | None]:
    out = np.datetime_as_string(arr, unit="D").astype(object)
    out[np.isnat(arr)] = None
    result: list[str | None] = out.tolist()
    return result


def optional_ints(arr: np.ndarray) -> list[int | None]:
    out = arr.astype(object)
    out[arr < 0] = None
    result: list[int | None] = out.tolist()
    return result


def party_rows(market: Market, party0: int, stamp: str) -> Rows:
    inst = [(i.kind.value, i.name, i.uscc, i.region_code) for i in market.institutions]
    ent = market.enterprises
    n_inst = len(inst)

    def rows(start: int, stop: int) -> list[tuple[Any, ...]]:
        out = [(party0 + k, *inst[k], True, stamp) for k in range(start, min(stop, n_inst))]
        lo, hi = max(start, n_inst) - n_inst, stop - n_inst
        if hi > lo:
            ids = range(party0 + n_inst + lo, party0 + n_inst + hi)
            cols = (ent["name"][lo:hi].tolist(), ent["uscc"][lo:hi].tolist(), ent["region_code"][lo:hi].tolist())
            out += [(i, "enterprise", n, u, r, True, stamp) for i, n, u, r in zip(ids, *cols, strict=True)]
        return out

    return rows


def enterprise_rows(market: Market, firm0: int) -> Rows:
    e = market.enterprises
    year = market.spec.as_of.year - 1

    def rows(start: int, stop: int) -> list[tuple[Any, ...]]:
        s = slice(start, stop)
        return list(
            zip(
                range(firm0 + start, firm0 + stop),
                e["industry"][s].tolist(),
                e["size"][s].tolist(),
                e["revenue_fen"][s].tolist(),
                [year] * (stop - start),
                e["employees"][s].tolist(),
                dates(e["founded_on"][s]),
                e["high_tech"][s].tolist(),
                strict=True,
            )
        )

    return rows


def asset_rows(market: Market, asset0: int, stamp: str) -> Rows:
    a = market.assets
    twin_number = a["number"][np.maximum(a["twin"], 0)].copy()
    twin_number[a["twin"] < 0] = None

    def rows(start: int, stop: int) -> list[tuple[Any, ...]]:
        s = slice(start, stop)
        n = stop - start
        return list(
            zip(
                range(asset0 + start, asset0 + stop),
                a["kind"][s].tolist(),
                a["subtype"][s].tolist(),
                a["number"][s].tolist(),
                a["title"][s].tolist(),
                dates(a["filing_date"][s]),
                dates(a["grant_date"][s]),
                dates(a["expiry_date"][s]),
                a["status"][s].tolist(),
                a["ipc_main"][s].tolist(),
                a["ipc_all"][s].tolist(),
                a["nice_classes"][s].tolist(),
                optional_ints(a["claims"][s]),
                optional_ints(a["forward_citations"][s]),
                optional_ints(a["backward_citations"][s]),
                optional_ints(a["family_size"][s]),
                a["preserved"][s].tolist(),
                a["invalidation_pending"][s].tolist(),
                twin_number[s].tolist(),
                dates(a["status_date"][s]),
                [stamp] * n,
                strict=True,
            )
        )

    return rows


def owner_rows(market: Market, asset0: int, firm0: int) -> tuple[int, Rows]:
    """Each asset's owner (10,000 bp, or 5,000 when co-owned) and any co-owner (5,000 bp)."""
    a = market.assets
    co = np.flatnonzero(a["co_owner"] >= 0)
    asset = np.concatenate([np.arange(len(a["owner"])), co])
    party = np.concatenate([a["owner"], a["co_owner"][co]]) + firm0
    share = np.where(a["co_owner"] >= 0, 5_000, 10_000)
    shares = np.concatenate([share, np.full(len(co), 5_000)])
    since = a["filing_date"][asset]

    def rows(start: int, stop: int) -> list[tuple[Any, ...]]:
        s = slice(start, stop)
        return list(
            zip(
                (asset[s] + asset0).tolist(),
                party[s].tolist(),
                shares[s].tolist(),
                dates(since[s]),
                strict=True,
            )
        )

    return len(asset), rows


def annuity_rows(market: Market, asset0: int) -> Rows:
    r = market.annuities

    def rows(start: int, stop: int) -> list[tuple[Any, ...]]:
        s = slice(start, stop)
        return list(
            zip(
                (r["asset"][s] + asset0).tolist(),
                r["year_no"][s].tolist(),
                dates(r["due_date"][s]),
                r["amount_fen"][s].tolist(),
                dates(r["paid_on"][s]),
                optional_ints(r["paid_fen"][s]),
                strict=True,
            )
        )

    return rows


def event_rows(market: Market, asset0: int, event0: int, stamp: str) -> Rows:
    ev = market.events

    def rows(start: int, stop: int) -> list[tuple[Any, ...]]:
        s = slice(start, stop)
        n = stop - start
        return list(
            zip(
                range(event0 + start, event0 + stop),
                (ev["asset"][s] + asset0).tolist(),
                ev["code"][s].tolist(),
                dates(ev["effective_date"][s]),
                ev["details"][s].tolist(),
                ["simulator"] * n,
                [stamp] * n,
                strict=True,
            )
        )

    return rows
