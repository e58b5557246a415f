"""Learning from outcomes: the logistic sell-through fit recovers a known curve from seeded rounds, the suggested
start share maximises the expected price at the start and never goes below the rules' minimum; no database."""

from __future__ import annotations

import math
import random

import pytest

from ippledge.disposal import learning
from ippledge.disposal.learning import RoundOutcome
from ippledge.kernel.errors import IppledgeError


def _rounds(a: float, b: float, n: int, seed: int, kind: str = "patent") -> list[RoundOutcome]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        r = rng.uniform(0.4, 1.0)
        sold = rng.random() < 1 / (1 + math.exp(-(a + b * r)))
        out.append(RoundOutcome(kind, r, sold, r * 1.05 if sold else None))
    return out


def test_fit_recovers_the_curve() -> None:
    fit = learning.fit_sell_through(_rounds(6.0, -8.0, 20_000, seed=1))
    assert fit.a == pytest.approx(6.0, abs=0.35) and fit.b == pytest.approx(-8.0, abs=0.5)
    assert fit.p_sold(0.75) == pytest.approx(1 / (1 + math.exp(0)), abs=0.02)


def test_suggested_share_maximises_the_expected_start_price() -> None:
    fit = learning.SellThroughFit(6.0, -8.0, 0, 0)
    share, p = learning.suggest_start_share(fit, floor=0.4)
    grid = [0.4 + i * 0.005 for i in range(121)]
    best = max(grid, key=lambda r: r * fit.p_sold(r))
    assert share == pytest.approx(best, abs=0.005) and p == pytest.approx(fit.p_sold(share), abs=1e-9)
    assert learning.suggest_start_share(fit, floor=0.7)[0] == 0.7  # the rules' minimum binds: never below it


def test_separated_samples_stay_finite_and_summaries_by_kind() -> None:
    every = [RoundOutcome("trademark", 0.7, True, 0.8)] * 5
    fit = learning.fit_sell_through(every)
    assert math.isfinite(fit.a) and math.isfinite(fit.b) and fit.p_sold(0.7) > 0.5
    rows = learning.summarise(_rounds(6.0, -8.0, 500, seed=2) + every, floor=0.7)
    assert [k.ip_kind for k in rows] == ["all", "patent", "trademark"]
    assert rows[2].rounds == 5 and rows[2].sell_through == 1.0 and rows[2].mean_price_ratio == pytest.approx(0.8)
    assert all(k.suggested_share >= 0.7 for k in rows)
    with pytest.raises(IppledgeError):
        learning.fit_sell_through([])
