"""Published read face (查询接口) of registry: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

# Reads for the edges (the simulator's hidden truth, the demo's scenario, the benchmarks).
from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.registry.tables import IpAsset


def asset_ids_by_number(session: Session) -> dict[tuple[str, str], int]:
    """Asset id by (kind, number) for every asset of the register (bulk tools, the simulator's hidden truth)."""
    return {(str(k), str(n)): int(i) for i, k, n in session.execute(select(IpAsset.id, IpAsset.kind, IpAsset.number))}
