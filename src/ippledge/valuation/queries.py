"""Published read face (查询接口) of valuation: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ReportAuthor:
    """Who wrote a valuation report (评估报告): the valuer party (the bank itself for an internal valuation)."""

    report_id: int
    valuer_id: int
    internal: bool


def report_authors(session: Session, report_ids: Iterable[int]) -> dict[int, ReportAuthor]:
    """``report id -> author`` for the ids that name a report (no caller scoping)."""
    from ippledge.valuation.tables import ValuationReport as r

    ids = sorted(set(report_ids))
    if not ids:
        return {}
    rows = session.execute(select(r.id, r.valuer_id, r.internal).where(r.id.in_(ids)))
    return {int(i): ReportAuthor(int(i), int(v), bool(internal)) for i, v, internal in rows}
