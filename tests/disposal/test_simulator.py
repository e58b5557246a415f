"""The auction simulator against auction theory, within Monte Carlo error (no timing): revenue equivalence of the
English, second-price and first-price auctions at the expected second-highest value, ``(n-1)/(n+1)`` for ``n``
uniform[0, 1] bidders, and Myerson's revenue and sell-through with a reserve; seeded and repeatable."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pytest
from typer.testing import CliRunner

from ippledge.cli import app
from ippledge.disposal import model, simulator
from ippledge.kernel.errors import IppledgeError

U01 = simulator.Values("uniform", 0.0, 1.0)
TRIALS = 100_000
Z = 4.0  # a 4-standard-error band: a false failure about once in 16,000 runs of a check


def _within(est: simulator.Estimate, theory: float, bias: float = 0.0) -> None:
    assert abs(est.mean - theory) <= Z * est.se + bias, (est, theory)


@pytest.mark.parametrize("n", [2, 3, 5])
@pytest.mark.parametrize("fmt", simulator.FORMATS)
def test_revenue_equivalence_expected_second_highest_value(n: int, fmt: str) -> None:
    step = 1e-4 if fmt == "english" else 0.0  # a fine clock: at most one increment above the second-highest value
    rev, sold = simulator.revenue(fmt, U01, n, TRIALS, seed=10 + n, step=step)
    _within(rev, (n - 1) / (n + 1), bias=step)
    assert sold.mean == 1.0


@pytest.mark.parametrize("fmt", simulator.FORMATS)
def test_reserve_revenue_and_sell_through_as_myerson(fmt: str) -> None:
    n, r = 2, 0.5  # the optimal reserve for uniform values: 5/12 against 1/3 without it
    rev, sold = simulator.revenue(fmt, U01, n, TRIALS, seed=7, reserve=r, step=1e-4 if fmt == "english" else 0.0)
    assert simulator.uniform_revenue_theory(2, 0.5) == pytest.approx(5 / 12)
    _within(rev, 5 / 12, bias=1e-4)
    _within(sold, 1 - r**n)
    assert rev.mean > simulator.uniform_revenue_theory(2) + 5 * rev.se


def test_english_increment_raises_the_price_by_at_most_one_step() -> None:
    fine, _ = simulator.revenue("english", U01, 3, TRIALS, seed=3, step=0.0)
    coarse, _ = simulator.revenue("english", U01, 3, TRIALS, seed=3, step=0.05)
    assert 0 < coarse.mean - fine.mean <= 0.05


def test_english_clock_prices_by_hand() -> None:
    rng = np.random.default_rng(0)
    values = np.array([[0.93, 0.41, 0.10], [0.30, 0.20, 0.05], [0.58, 0.52, 0.0], [0.2, 0.1, 0.0]])
    out = simulator.auction("english", values, reserve=0.25, step=0.1, rng=rng)
    # rival drops at the first level above its value (0.45 -> price 0.45); alone above the reserve -> the reserve;
    # the runner-up drops at 0.55, the top stays -> 0.55; nobody reaches the reserve
    assert out.sold.tolist() == [True, True, True, False]
    assert out.price.round(10).tolist() == [0.45, 0.25, 0.55, 0.0]
    tie = simulator.auction("english", np.array([[0.54, 0.52]]), reserve=0.25, step=0.1, rng=rng)
    assert tie.price.round(10).tolist() == [0.45]  # both leave at 0.55: one of them won at 0.45


def test_first_price_bid_is_the_uniform_equilibrium() -> None:
    v = np.array([[0.2, 0.6, 0.9]])
    bids = simulator.first_price_bid(v, U01, 3, 0.0)
    assert bids == pytest.approx(v * 2 / 3, abs=1e-6)  # (n-1)/n v


def test_seeded_and_repeatable() -> None:
    rules = model.load_rules()
    dist = simulator.Values.from_band(400_000, 1_000_000, 1_600_000)
    a = simulator.simulate_disposal(rules, "1000000", dist, 3, 2_000, seed=5, fresh=True)
    b = simulator.simulate_disposal(rules, "1000000", dist, 3, 2_000, seed=5, fresh=True)
    c = simulator.simulate_disposal(rules, "1000000", dist, 3, 2_000, seed=6, fresh=True)
    assert a == b and a != c


def test_disposal_runs_the_plan_then_the_sale_stage() -> None:
    rules = model.load_rules()
    dist = simulator.Values("uniform", 0.0, 1_000_000.0)
    run = simulator.simulate_disposal(rules, "1000000", dist, 1, 50_000, seed=2, fresh=True)
    assert run.start_prices == (700_000.0, 560_000.0) and run.sale_price == 560_000.0
    # one fresh bidder a round: P(sold in round 1) = 0.3, then 0.7 x 0.44, then 0.7 x 0.56 x 0.44
    expected = (0.3, 0.7 * 0.44, 0.7 * 0.56 * 0.44)
    for got, want in zip(run.sold_in_round, expected, strict=True):
        assert abs(got - want) < 4 * (want * (1 - want) / run.trials) ** 0.5
    assert abs(run.sell_through.mean - sum(expected)) <= Z * run.sell_through.se
    # a lone bidder pays the reserve: revenue = 700k, 560k, 560k weighted by the round that sold
    theory = 700_000 * expected[0] + 560_000 * (expected[1] + expected[2])
    _within(run.revenue, theory)
    assert run.days_to_cash is not None and 31 <= run.days_to_cash <= 30 + 1 + 15 + 1 + 15
    lower = simulator.simulate_disposal(
        simulator.scaled_rules(rules, Decimal("0.5"), None), "1000000", dist, 1, 50_000, seed=2, fresh=True
    )
    assert lower.sell_through.mean > run.sell_through.mean  # a lower first reserve sells more


def test_bad_input_is_refused() -> None:
    with pytest.raises(IppledgeError) as e:
        simulator.Values("uniform", 1.0, 0.5)
    assert e.value.code == "disposal.simulation"
    with pytest.raises(IppledgeError):
        simulator.Values.from_band(3, 2, 1)
    with pytest.raises(IppledgeError):
        simulator.revenue("dutch", U01, 2, 100, seed=1)


def test_cli_simulate_json_and_bad_input() -> None:
    runner = CliRunner()
    out = runner.invoke(
        app, ["disposal", "simulate", "--appraisal", "1000000", "--trials", "2000", "--json", "--fresh"]
    )
    assert out.exit_code == 0, out.output
    runs = json.loads(out.stdout)
    assert [r["format"] for r in runs] == list(simulator.FORMATS)
    assert all(0 < r["sell_through"] <= 1 for r in runs)
    bad = runner.invoke(app, ["disposal", "simulate", "--appraisal", "1000000", "--band", "x"])
    assert bad.exit_code == 2 and "disposal.simulation" in bad.output
