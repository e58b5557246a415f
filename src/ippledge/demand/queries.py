"""Published reads of the demand database (融资需求查询): demands (the firm's own; the platform and the regulator
read all), matches, and the conversion funnel (转化漏斗) from a whitelist push to a loan, which the supervision
capability may read (:func:`funnel`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.demand import errors, model, service, store
from ippledge.demand.model import GroupBy
from ippledge.demand.tables import Demand
from ippledge.lending import queries as lending_queries
from ippledge.whitelist import queries as whitelist_queries


@dataclass(frozen=True)
class DemandView:
    id: int
    enterprise_id: int
    amount: Decimal
    term_months: int
    use: str
    ip_asset_ids: list[int]
    needed_by: dt.date | None
    source: str
    event_id: int | None
    import_id: int | None
    line_no: int | None
    note: str
    created_at: dt.datetime


def view(row: Demand) -> DemandView:
    return DemandView(
        row.id,
        row.enterprise_id,
        row.amount,
        row.term_months,
        row.use,
        [int(a) for a in row.ip_offered.split()],
        row.needed_by,
        row.source,
        row.event_id,
        row.import_id,
        row.line_no,
        row.note,
        row.created_at,
    )


def demands(
    session: Session,
    principal: Principal,
    enterprise_id: int | None = None,
    limit: int = 200,
    event_id: int | None = None,
) -> list[DemandView]:
    rows = store.demands(session, scope.scoped(Demand, principal), enterprise_id, limit, event_id)
    return [view(d) for d in rows]


def demand(session: Session, principal: Principal, demand_id: int) -> DemandView:
    return view(service.visible_demand(session, principal, demand_id))


def match_list(session: Session, principal: Principal, demand_id: int, on: dt.date) -> list[dict[str, Any]]:
    """The ranked, explained product matches of one demand."""
    _, found = service.matches(session, principal, demand_id, on)
    return [
        {
            "rank": m.rank,
            "outcome": m.outcome.value,
            "bank_id": m.offer.bank_id,
            "product_id": m.offer.product_id,
            "product_code": m.offer.code,
            "product_name": m.offer.name,
            "rate_cap_bp": m.offer.rate_cap_bp,
            "lending_value": None if m.supported is None else str(m.supported),
            "checks": [c.__dict__ for c in m.checks],
        }
        for m in found
    ]


def funnel(
    session: Session, principal: Principal | None, start: dt.date, end: dt.date, by: GroupBy
) -> list[dict[str, Any]]:
    """The conversion funnel (pushed → contacted → applied → approved → lent) of the firms pushed from ``start`` to
    ``end`` (events' follow-up tasks included), by list, bank, branch, month pushed or event, with the amount lent.
    "Lent" is the first loan the bank disbursed to the firm on or after the push (from lending, not the bank's word).
    The supervision capability calls this with no principal (aggregates); a bank sees its own rows only; the
    platform and the regulator see all."""
    if end < start:
        raise errors.PERIOD(start=str(start), end=str(end))
    bank_only: int | None = None
    if principal is not None:
        if principal.party_kind is PartyKind.BANK:
            bank_only = principal.party_id
        elif principal.party_kind not in (PartyKind.PLATFORM, PartyKind.REGULATOR):
            raise errors.OVERSEER_ONLY()
    firms = [f for f in whitelist_queries.pushed_firms(session, start, end) if bank_only in (None, f.bank_id)]
    loans: dict[tuple[int, int], list[lending_queries.Disbursement]] = {}
    if firms:
        since = min(f.pushed_on for f in firms)
        for d in lending_queries.disbursements_to(session, {f.enterprise_id for f in firms}, since):
            loans.setdefault((d.bank_id, d.borrower_id), []).append(d)
    rows = []
    for f in firms:
        lent = next(
            (d.principal for d in loans.get((f.bank_id, f.enterprise_id), []) if d.disbursed_on >= f.pushed_on), None
        )
        rows.append(model.FunnelInput(f.whitelist_id, f.bank_id, f.branch, f.pushed_on, f.furthest, lent, f.event_id))
    return [model.as_dict(r) for r in model.funnel(rows, by)]
