"""The demo's appraisals (演示估值): valuers report the simulator's hidden true value, honestly or not.

The demo stores each IP's hidden true value (``sim_truth``, written by ``simulation.truth.store``) and the simulated
history of valuation reports (``simulation.valuers``), so the league table has enough reports to judge. During the
simulated year an honest valuer (and a bank valuing internally) reports ``true value x exp(0.2 x N(0, 1))``; the
pliant valuer — the market's last valuer, as in ``simulation.valuers`` — reports at least the client's wished-for
``true value x U(1.5, 2.5)``. The platform never reads the truth: only this edge does, to play the valuers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from ippledge.db import unit_of_work
from ippledge.simulation import truth, valuers
from ippledge.simulation.generate import Market

HONEST_SIGMA = 0.2  # log-sd of an honest appraisal around the true value (simulation.valuers: 0.15-0.25)
STEP = 10_000  # reports are rounded down to 10k CNY, at least one step


@dataclass(frozen=True)
class Appraiser:
    """Plays the valuers of the demo's year from the stored hidden truth."""

    truth_fen: dict[int, int]  # ip asset id -> true value in fen
    pliant: frozenset[int]  # party ids of the pliant valuers
    behaviour: valuers.ValuerBehaviour = field(default_factory=valuers.ValuerBehaviour)

    def appraise(self, asset_ids: list[int], valuer_id: int | None, rng: np.random.Generator) -> list[Decimal]:
        """One report's value per IP, CNY in 10k steps; ``valuer_id`` None is the bank's own valuation (honest)."""
        b = self.behaviour
        out = []
        for aid in asset_ids:
            true = self.truth_fen.get(aid, 0) / 100.0
            value = true * float(np.exp(HONEST_SIGMA * rng.standard_normal()))
            if valuer_id in self.pliant:
                value = max(value, true * float(rng.uniform(*b.target_multiple)))
            out.append(Decimal(max(STEP, int(value // STEP * STEP))))
        return out


def prepare(factory: sessionmaker[Session], market: Market, seed: int) -> tuple[Appraiser, int]:
    """Store the market's hidden truth and its history of external reports; the appraiser for the year and the
    number of historical reports recorded."""
    values, _ = truth.true_values(market, seed)
    hist = valuers.history(market, values, seed)
    with unit_of_work(factory) as s:
        truth.store(s, market, seed)
        valuer_ids = valuers.record(s, market, hist, seed)
    with factory() as s:
        stored = {aid: fen for aid, (fen, _) in truth.stored(s).items()}
    return Appraiser(stored, frozenset({valuer_ids[hist.pliant]})), len(hist)
