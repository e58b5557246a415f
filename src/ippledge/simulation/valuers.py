"""Simulated valuers and clients (模拟评估机构与委托人): a seeded history of valuation reports to test governance.

Generative model (every number is an assumption, chosen so that the governance test is neither trivial nor unfair):

* **Honest valuers** (诚实评估机构) report ``true value x exp(sigma_k x N(0, 1))``; ``sigma_k`` differs per valuer,
  spread evenly over ``honest_sigma`` (0.15 to 0.25: surveys of appraisal dispersion put a competent valuer within
  about +-20% of a consensus value most of the time).
* **The pliant valuer** (迎合委托人的评估机构) follows the client's wish: it reports
  ``max(true value x exp(pliant_sigma x N(0, 1)), target)`` where the client's target (期望值) is
  ``true value x U(1.5, 2.5)`` — it never reports below what the client asked for.
* **Clients** (委托人) are the owners of the valued IP. Each engagement picks one in-force asset with a positive true
  value and a date in the ``years`` before ``as_of``; the first valuer is drawn uniformly. A share ``shopper_share``
  of clients **opinion shop** (挑选评估机构): when a report comes in below ``accept x target`` they engage another
  valuer for the same IP 20-90 days later (up to ``max_shops`` times), preferring the pliant valuer with
  probability ``pliant_pull`` when it has not yet been used, and stop once a report reaches the mark.
* Methods: income 70%, market 20%, cost 10% (the usual mix in Chinese IP pledge appraisal, assumption).

``history`` is pure (NumPy, seeded); ``record`` writes it as external reports (``valuation.service``). Which valuer is
pliant is known to the generator (and tests) only: nothing stored says so.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access import queries as parties
from ippledge.access.model import PartyKind
from ippledge.kernel.money import from_fen
from ippledge.registry import queries as register
from ippledge.simulation.generate import Market
from ippledge.valuation import service as valuation

METHODS = ("income", "market", "cost")
_METHOD_P = (0.7, 0.2, 0.1)


@dataclass(frozen=True)
class ValuerBehaviour:
    """Parameters of the simulated valuers and clients (defaults: see the module docstring)."""

    honest_sigma: tuple[float, float] = (0.15, 0.25)
    pliant_sigma: float = 0.2
    target_multiple: tuple[float, float] = (1.5, 2.5)
    shopper_share: float = 0.5
    accept: float = 0.9
    max_shops: int = 2
    pliant_pull: float = 0.5
    engagements: int = 400
    years: int = 2


@dataclass(frozen=True)
class History:
    """Valuation reports in date order; ``valuer`` indexes the market's valuers (``pliant`` is one of them)."""

    valuer: NDArray[np.int64]
    client: NDArray[np.int64]  # enterprise index of the market
    asset: NDArray[np.int64]  # asset index of the market
    day: NDArray[np.datetime64]
    value: NDArray[np.float64]  # yuan
    method: NDArray[np.object_]
    sigma: tuple[float, ...]  # per valuer (the pliant one's own noise included)
    pliant: int

    def __len__(self) -> int:
        return len(self.valuer)


def history(
    market: Market, true_value: NDArray[np.float64], seed: int, behaviour: ValuerBehaviour | None = None
) -> History:
    """A seeded history of reports by the market's valuers (the last one pliant) on the market's own IP."""
    b = behaviour or ValuerBehaviour()
    rng = np.random.default_rng([seed, 4099])
    n_valuers = sum(1 for i in market.institutions if i.kind is PartyKind.VALUER)
    if n_valuers < 2:
        raise ValueError("at least two valuers are needed (one honest, one pliant)")
    pliant = n_valuers - 1
    sigma = (*np.linspace(*b.honest_sigma, n_valuers - 1).tolist(), b.pliant_sigma)
    eligible = np.flatnonzero((market.assets["status"] == "in_force") & (true_value > 0))
    picks = rng.choice(eligible, size=min(b.engagements, len(eligible)), replace=False)
    start = np.datetime64(market.spec.as_of, "D") - np.timedelta64(365 * b.years, "D")
    shopper = rng.random(len(market.enterprises["name"])) < b.shopper_share
    rows: list[tuple[int, int, int, np.datetime64, float, str]] = []
    for asset in picks.tolist():
        client = int(market.assets["owner"][asset])
        truth = float(true_value[asset])
        target = truth * rng.uniform(*b.target_multiple)
        day = start + np.timedelta64(int(rng.integers(0, 365 * b.years - 200)), "D")
        used: list[int] = [int(rng.integers(0, n_valuers))]
        while True:
            k = used[-1]
            value = truth * float(np.exp(sigma[k] * rng.standard_normal()))
            if k == pliant:
                value = max(value, target)
            method = METHODS[int(rng.choice(3, p=_METHOD_P))]
            rows.append((k, client, asset, day, value, method))
            if not shopper[client] or value >= b.accept * target or len(used) > b.max_shops:
                break
            unused = [v for v in range(n_valuers) if v not in used]
            if not unused:
                break
            nxt = pliant if pliant in unused and rng.random() < b.pliant_pull else int(rng.choice(unused))
            used.append(nxt)
            day = day + np.timedelta64(int(rng.integers(20, 91)), "D")
    rows.sort(key=lambda r: (r[3], r[2], r[0]))
    return History(
        valuer=np.array([r[0] for r in rows], np.int64),
        client=np.array([r[1] for r in rows], np.int64),
        asset=np.array([r[2] for r in rows], np.int64),
        day=np.array([r[3] for r in rows], "M8[D]"),
        value=np.array([r[4] for r in rows], np.float64),
        method=np.array([r[5] for r in rows], object),
        sigma=tuple(float(s) for s in sigma),
        pliant=pliant,
    )


def record(session: Session, market: Market, hist: History, seed: int) -> dict[int, int]:
    """Write the history as external reports (one IP each); returns valuer index -> party id."""
    by_uscc = parties.party_ids_by_uscc(session)
    valuers = [by_uscc[i.uscc] for i in market.institutions if i.kind is PartyKind.VALUER]
    firms = [by_uscc.get(u) for u in market.enterprises["uscc"].tolist()]
    ids = register.asset_ids_by_number(session)
    kinds, numbers = market.assets["kind"], market.assets["number"]
    assumptions = json.dumps({"source": "simulated history", "seed": seed}, sort_keys=True)
    reports: list[valuation.ExternalReport] = []
    for k in range(len(hist)):
        a = int(hist.asset[k])
        asset_id = ids.get((kinds[a], numbers[a]))
        client_id = firms[int(hist.client[k])]
        if asset_id is None or client_id is None:
            continue  # not loaded (a partial market): skip the report, keep the rest
        day = hist.day[k].astype(dt.date)
        fen = max(1, round(float(hist.value[k]) * 100))
        reports.append(
            valuation.ExternalReport(
                report_no=f"SIM{seed}-{k:06d}",
                valuer_id=valuers[int(hist.valuer[k])],
                client_id=client_id,
                ip_asset_id=asset_id,
                value=from_fen(fen),
                method=str(hist.method[k]),
                assumptions=assumptions,
                valuation_date=day,
                valid_until=day + dt.timedelta(days=365),
                submitted_on=day,
            )
        )
    valuation.record_external_reports(session, reports)
    audit.record(
        session,
        "system:simulator",
        "simulation.valuation_history",
        "market",
        f"{market.spec.name}:{seed}",
        {"reports": len(reports), "valuers": len(valuers)},
    )
    return dict(enumerate(valuers))
