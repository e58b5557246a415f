"""Daily revaluation of pledged IP (质押物每日重估): collateral value and loan-to-value (LTV, 质押率) per pledge.

``revalue_pledged`` values every IP under a pledge in force on ``as_of`` with the engine (fitted on the whole
register, run on just those assets; the rows also land in ``model_valuation``), records per pledge and IP the
collateral (forced-sale) value, its change since the pledge's previous revaluation, the model's market value (P50),
and the pledge's LTV (质押率) = principal outstanding on the loans it secures (loans not closed; read from lending
through ``valuation.ports``) / the market value of all its IP. The pledge rate is measured on the same footing as the
lending cap (loan / value, DOMAIN.md §4: the caps already price forced sale, so the forced-sale value is never the
denominator; it is kept for coverage and LGD). When the LTV rises above ``ltv_threshold_bp`` (from at or below it, or on
a first revaluation) the outbox gets ``valuation.ltv_breach`` for the pledgee. The threshold is the LTV cap the
pledge's loans were lent at x ``TRIGGER_OVER_CAP`` where the credit decision recorded it (``valuation.ports.ltv_caps``),
else ``ltv_threshold_bp``. A rerun of the same date replaces that
date's rows and emits no second event. Flushes only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.analytics.engine import MODEL_VERSION
from ippledge.db import among
from ippledge.kernel.money import to_fen
from ippledge.outbox.events import publish_many
from ippledge.pledge import queries as pledge_queries
from ippledge.valuation import ports
from ippledge.valuation.engine import service as engine_service
from ippledge.valuation.tables import PledgeRevaluation

# A pledge whose loans recorded the LTV cap they were lent at (the credit decision's) is flagged when its pledge rate
# on the model's value passes that cap by a quarter: at the cap, the model then values the IP at least 20% below the
# appraisal of record (a lost value, or an appraisal far above the model). Without a recorded cap: the top of the
# market's pledge-rate range (DOMAIN.md §4: 10-60%), above which a loan has outgrown any product's cap.
TRIGGER_OVER_CAP: Final = 1.25
DEFAULT_LTV_THRESHOLD_BP: Final = 6_000
_CHUNK = 5_000
_PR = cast(Table, PledgeRevaluation.__table__)


@dataclass(frozen=True)
class RevaluationSummary:
    as_of: dt.date
    pledges: int
    assets: int
    breaches: list[int] = field(default_factory=list)  # pledge ids that crossed the threshold today
    ltv_bp: dict[int, int | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "pledges": self.pledges,
            "assets": self.assets,
            "breaches": self.breaches,
            "ltv_bp": {str(k): v for k, v in self.ltv_bp.items()},
        }


def _bp(num: int, den: int) -> int | None:
    return None if den <= 0 else round(num * 10_000 / den)


def revalue_pledged(
    session: Session, as_of: dt.date, seed: int = 1, ltv_threshold_bp: int = DEFAULT_LTV_THRESHOLD_BP
) -> RevaluationSummary:
    """Revalue every IP under a pledge in force on ``as_of``; record value and LTV changes; flag LTV breaches."""
    holdings = pledge_queries.pledges_in_force_on(session, as_of)
    assets_of = {h.pledge_id: h.ip_asset_ids for h in holdings}
    pledgee = {h.pledge_id: h.pledgee_id for h in holdings}
    pledgor = {h.pledge_id: h.pledgor_id for h in holdings}
    pledge_ids = sorted(assets_of)
    pledged = [aid for h in holdings for aid in h.ip_asset_ids]
    valued = engine_service.value_subset(session, pledged, as_of, seed, explained=False)  # explained when opened
    outstanding = {pid: to_fen(owed) for pid, owed in ports.secured_outstanding(session, pledge_ids).items()}
    caps = ports.ltv_caps(session, pledge_ids)
    trigger = {pid: round(caps[pid] * TRIGGER_OVER_CAP) if pid in caps else ltv_threshold_bp for pid in pledge_ids}
    previous, prev_ltv, done_today = _history(session, pledge_ids, as_of)
    rows, breaches, ltvs = [], [], {}
    alerts: list[tuple[str, dict[str, Any], int | None, list[int | None]]] = []
    for pid in pledge_ids:
        values = {aid: valued[aid].collateral_value_fen if aid in valued else 0 for aid in assets_of[pid]}
        market = {aid: valued[aid].value_p50_fen if aid in valued else 0 for aid in assets_of[pid]}
        total = sum(values.values())
        market_total = sum(market.values())
        owed = outstanding.get(pid, 0)
        ltv = _bp(owed, market_total) if owed else 0
        ltvs[pid] = ltv
        for aid, fen in values.items():
            before = previous.get((pid, aid))
            rows.append(
                {
                    "pledge_id": pid,
                    "ip_asset_id": aid,
                    "as_of": as_of,
                    "collateral_value_fen": fen,
                    "market_value_fen": market[aid],
                    "previous_fen": before,
                    "change_bp": None if before is None else _bp(fen - before, before),
                    "pledge_collateral_fen": total,
                    "pledge_market_fen": market_total,
                    "outstanding_fen": owed,
                    "loan_ltv_bp": ltv,
                    "model_version": MODEL_VERSION,
                    "seed": seed,
                }
            )
        limit = trigger[pid]
        above = ltv is None or ltv > limit  # owing against nothing is the worst breach
        was = prev_ltv.get(pid, 0)
        was_above = was is None or was > limit
        if owed and above and not was_above and pid not in done_today:
            breaches.append(pid)
            payload = {
                "pledge_id": pid,
                "as_of": as_of.isoformat(),
                "loan_ltv_bp": ltv,
                "previous_ltv_bp": prev_ltv.get(pid),
                "threshold_bp": limit,
                "ltv_cap_bp": caps.get(pid),
                "market_value_fen": market_total,
                "collateral_value_fen": total,  # forced sale: what a disposal would likely fetch
                "outstanding_fen": owed,
            }
            # the pledgor may be asked for more security (追加担保)
            alerts.append(("valuation.ltv_breach", payload, pledgee[pid], [pledgor[pid]]))
    publish_many(session, alerts)  # one insert for the events and one for their audience, not an ORM object each
    session.execute(delete(_PR).where(among(_PR.c.pledge_id, pledge_ids), _PR.c.as_of == as_of))
    if rows:
        session.execute(insert(_PR), rows)  # Core executemany (decision 0041)
    session.flush()
    summary = RevaluationSummary(as_of, len(pledge_ids), len(rows), breaches, ltvs)
    audit.record(
        session,
        "system:valuation",
        "valuation.pledged_revalued",
        "pledge_revaluation",
        f"{as_of.isoformat()}:{seed}",
        {"as_of": as_of, "seed": seed, "pledges": len(pledge_ids), "assets": len(rows), "breaches": breaches},
    )
    return summary


def _history(
    session: Session, pledge_ids: list[int], as_of: dt.date
) -> tuple[dict[tuple[int, int], int], dict[int, int | None], set[int]]:
    """The previous revaluation's values and LTV per pledge; pledges already revalued today."""
    previous: dict[tuple[int, int], int] = {}
    prev_ltv: dict[int, int | None] = {}
    done_today: set[int] = set()
    for start in range(0, len(pledge_ids), _CHUNK):
        chunk = pledge_ids[start : start + _CHUNK]
        last = (
            select(PledgeRevaluation.pledge_id, func.max(PledgeRevaluation.as_of).label("day"))
            .where(PledgeRevaluation.pledge_id.in_(chunk), PledgeRevaluation.as_of < as_of)
            .group_by(PledgeRevaluation.pledge_id)
            .subquery()
        )
        stmt = select(
            PledgeRevaluation.pledge_id,
            PledgeRevaluation.ip_asset_id,
            PledgeRevaluation.collateral_value_fen,
            PledgeRevaluation.loan_ltv_bp,
        ).join(last, (last.c.pledge_id == PledgeRevaluation.pledge_id) & (last.c.day == PledgeRevaluation.as_of))
        for pid, aid, fen, ltv in session.execute(stmt):
            previous[(pid, aid)] = fen
            prev_ltv[pid] = ltv
        done_today.update(
            session.scalars(
                select(PledgeRevaluation.pledge_id)
                .where(PledgeRevaluation.pledge_id.in_(chunk), PledgeRevaluation.as_of == as_of)
                .distinct()
            )
        )
    return previous, prev_ltv, done_today
