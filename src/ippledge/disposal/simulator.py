"""Auction simulator (拍卖模拟): simulated bidders with independent private values, to compare auction formats,
reserves and step-downs by expected revenue, sell-through and time to cash. Pure (NumPy), seeded.

Each trial draws ``bidders`` values from one distribution (uniform, or log-normal fitted to the valuation model's
P10-P50-P90 band). The formats:

* ``english``: the online ascending auction as an ascending clock (Milgrom & Weber 1982's button auction) in the rule
  set's increments from the reserve: a bidder stays while the price is at most its value; the last one left pays the
  level at which the last rival dropped out (or, when both drop at the same level, one of them wins at the level
  before). With the increment going to zero the price is the second-highest value.
* ``second_price``: sealed bids, truth-telling is dominant (Vickrey 1961); the winner pays the larger of the reserve
  and the second-highest bid.
* ``first_price``: sealed bids at the symmetric equilibrium for independent private values with a reserve ``r``
  (Riley & Samuelson 1981): ``b(v) = v - (integral_r^v F(x)^(n-1) dx) / F(v)^(n-1)``, computed by quadrature.

Auction theory (revenue equivalence, Myerson 1981; Krishna, *Auction Theory*, 2nd ed., ch. 2-3): all three raise the
same expected revenue — with no reserve, the expected second-highest value, ``(n-1)/(n+1)`` for ``n`` bidders on
uniform[0, 1]; with a reserve ``r`` on uniform[0, 1], ``2n(1 - r^(n+1))/(n+1) - (1 - r^n)``, sold with probability
``1 - r^n``. The tests check the simulator against these within Monte Carlo error.

A disposal (``simulate_disposal``) runs the plan's rounds on the same bidders (the interested buyers do not change
between rounds; or, ``fresh``, new independent bidders each round): each auction round at its start price as the
reserve, then the sale stage (变卖) at the last start price, where the first bidder whose value reaches the price buys
at it. Time to cash counts each round's notice and
bidding time until the round that sold (our simplification: payment on the day bidding ends).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from ippledge.disposal import errors, model

FORMATS = ("english", "second_price", "first_price")
Z90 = 1.2815515655446004  # the standard normal's 90th percentile
_GRID = 4096  # quadrature points of the first-price equilibrium bid

Array = NDArray[np.float64]


def _bad(reason: str) -> Exception:
    return errors.SIMULATION(reason=reason)


@dataclass(frozen=True)
class Values:
    """A bidder-value distribution: ``uniform`` on [a, b], or ``lognormal`` with log-mean a and log-sd b."""

    kind: str
    a: float
    b: float

    def __post_init__(self) -> None:
        ok = math.isfinite(self.a) and math.isfinite(self.b)
        if self.kind == "uniform":
            ok = ok and 0 <= self.a < self.b
        elif self.kind == "lognormal":
            ok = ok and self.b > 0
        else:
            ok = False
        if not ok:
            raise _bad(f"value distribution {self.kind}({self.a}, {self.b})")

    @classmethod
    def from_band(cls, p10: float, p50: float, p90: float) -> Values:
        """Log-normal through the model's P50, its spread from the P10-P90 band (the geometric mean of both sides)."""
        if not 0 < p10 <= p50 <= p90 or p10 == p90:
            raise _bad(f"value band {p10}/{p50}/{p90}")
        return cls("lognormal", math.log(p50), math.log(p90 / p10) / (2 * Z90))

    def draw(self, rng: np.random.Generator, shape: tuple[int, int]) -> Array:
        if self.kind == "uniform":
            return rng.uniform(self.a, self.b, shape)
        return rng.lognormal(self.a, self.b, shape)

    def cdf(self, x: Array) -> Array:
        if self.kind == "uniform":
            return np.clip((x - self.a) / (self.b - self.a), 0.0, 1.0)
        z = (np.log(np.maximum(x, 1e-300)) - self.a) / (self.b * math.sqrt(2))
        erf = np.vectorize(math.erf, otypes=[float])
        return np.where(x > 0, 0.5 * (1 + erf(z)), 0.0)


@dataclass(frozen=True)
class Outcome:
    """One auction round over all trials: sold or not, the price (0 where unsold), and the winner's column."""

    sold: NDArray[np.bool_]
    price: Array
    winner: NDArray[np.int64]


def _top_two(values: Array) -> tuple[Array, Array, NDArray[np.int64]]:
    n = values.shape[1]
    if n == 1:
        return values[:, 0], np.full(values.shape[0], -np.inf), np.zeros(values.shape[0], dtype=np.int64)
    part = np.partition(values, n - 2, axis=1)
    return part[:, n - 1], part[:, n - 2], np.argmax(values, axis=1).astype(np.int64)


def first_price_bid(values: Array, dist: Values, bidders: int, reserve: float) -> Array:
    """The symmetric equilibrium bid of a first-price sealed-bid auction with ``bidders`` bidders and a reserve."""
    out = np.zeros_like(values)
    top = float(values.max()) if values.size else reserve
    if top <= reserve:
        return out
    if bidders == 1:
        return np.where(values >= reserve, reserve, 0.0)
    grid = np.linspace(reserve, top, _GRID)
    g = dist.cdf(grid) ** (bidders - 1)
    integral = np.concatenate(([0.0], np.cumsum((g[1:] + g[:-1]) / 2 * np.diff(grid))))
    shade = np.divide(integral, g, out=np.zeros_like(integral), where=g > 0)
    bids = grid - shade
    inside = values >= reserve
    out[inside] = np.interp(values[inside], grid, bids)
    return out


def auction(
    fmt: str, values: Array, reserve: float, step: float, rng: np.random.Generator, dist: Values | None = None
) -> Outcome:
    """Run one auction round per row of ``values`` (trials x bidders) at ``reserve``; ``step`` is the English
    increment (0: a continuous clock); ``dist`` is what first-price bidders believe the others' values follow."""
    v1, v2, who = _top_two(values)
    sold = v1 >= reserve
    trials = values.shape[0]
    if fmt == "second_price":
        price = np.maximum(reserve, v2)
    elif fmt == "english":
        if step <= 0:
            price = np.maximum(reserve, v2)
        else:
            rival = v2 >= reserve
            # the first clock level strictly above the runner-up's value: where it drops out
            k = np.where(rival, np.floor((np.where(rival, v2, reserve) - reserve) / step) + 1, 0.0)
            level = reserve + k * step
            tie = rival & (v1 < level)  # both drop at the same level: one of them won at the level before
            price = np.where(rival, np.where(tie, level - step, level), reserve)
            coin = rng.random(trials) < 0.5
            swap = np.flatnonzero(tie & coin)  # the runner-up won the tie: only those rows are sorted
            if swap.size:
                who = who.copy()
                who[swap] = np.argsort(values[swap], axis=1)[:, -2]
    elif fmt == "first_price":
        if dist is None:
            raise _bad("first_price needs the value distribution")
        bids = first_price_bid(values, dist, values.shape[1], reserve)
        who = np.argmax(bids, axis=1).astype(np.int64)
        price = np.maximum(bids[np.arange(trials), who], reserve)
    else:
        raise _bad(f"format {fmt!r} (known: {', '.join(FORMATS)})")
    return Outcome(sold, np.where(sold, price, 0.0), who)


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo mean and its standard error."""

    mean: float
    se: float

    @classmethod
    def of(cls, x: Array) -> Estimate:
        n = x.size
        return cls(float(x.mean()), float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.inf)


def revenue(
    fmt: str, dist: Values, bidders: int, trials: int, seed: int, reserve: float = 0.0, step: float = 0.0
) -> tuple[Estimate, Estimate]:
    """One round: (expected revenue, sell-through) over ``trials`` seeded draws."""
    if bidders < 1 or trials < 2:
        raise _bad("bidders >= 1 and trials >= 2")
    rng = np.random.default_rng(seed)
    values = dist.draw(rng, (trials, bidders))
    out = auction(fmt, values, reserve, step, rng, dist)
    return Estimate.of(out.price), Estimate.of(out.sold.astype(float))


def uniform_revenue_theory(bidders: int, reserve: float = 0.0) -> float:
    """Expected revenue of a standard auction, ``bidders`` i.i.d. uniform[0, 1] values, reserve ``r`` (Myerson 1981:
    the expected virtual value ``2v - 1`` of the winner above ``r``): ``2n(1 - r^(n+1))/(n+1) - (1 - r^n)``."""
    n, r = bidders, reserve
    return 2 * n * (1 - r ** (n + 1)) / (n + 1) - (1 - r**n)


# -- a disposal: the plan's rounds, then the sale stage ---------------------------------------------------------------


@dataclass(frozen=True)
class DisposalRun:
    """The simulated disposal of one lot under a plan: revenue, sell-through, days to cash, which round sold."""

    fmt: str
    bidders: int
    trials: int
    start_prices: tuple[float, ...]
    sale_price: float | None
    revenue: Estimate  # unsold counts as 0
    sell_through: Estimate
    days_to_cash: float | None  # mean over sold trials
    sold_in_round: tuple[float, ...]  # share of trials sold in each round, then the sale stage
    price_to_appraisal: float | None  # mean price of the sold, over the appraisal


def scaled_rules(rules: model.RuleSet, start_share: Decimal | None, step_down: Decimal | None) -> model.RuleSet:
    """The rule set with another first start share or step-down, to compare reserves and step-downs."""
    changes: dict[str, Decimal] = {}
    if start_share is not None:
        changes["start_share_min"] = start_share
    if step_down is not None:
        changes["step_down_max"] = step_down
    for k, v in changes.items():
        if not Decimal(0) <= v <= Decimal(1):
            raise _bad(f"{k} must be a share between 0 and 1")
    return replace(rules, **changes)  # type: ignore[arg-type]


def simulate_disposal(
    rules: model.RuleSet,
    appraisal: Decimal | str,
    dist: Values,
    bidders: int,
    trials: int,
    seed: int,
    fmt: str = "english",
    fresh: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> DisposalRun:
    """Run the plan's auction rounds and the sale stage ``trials`` times: on the same simulated bidders, or with
    ``fresh`` a new independent set of bidders each round (each notice reaches a new audience)."""
    if bidders < 1 or trials < 2:
        raise _bad("bidders >= 1 and trials >= 2")
    if fmt not in FORMATS:
        raise _bad(f"format {fmt!r} (known: {', '.join(FORMATS)})")
    p = model.plan(rules, appraisal)
    rng = np.random.default_rng(seed)
    values = dist.draw(rng, (trials, bidders))
    price = np.zeros(trials)
    days = np.zeros(trials)
    open_ = np.ones(trials, dtype=bool)
    clock = 0.0
    shares: list[float] = []
    steps = len(p.rounds) + (1 if p.sale_price is not None else 0)
    for i, r in enumerate(p.rounds):
        clock += r.notice_days + r.bidding_hours / 24
        if fresh and i > 0:
            values = dist.draw(rng, (trials, bidders))
        out = auction(fmt, values[open_], float(r.start_price), float(r.increment), rng, dist)
        idx = np.flatnonzero(open_)[out.sold]
        price[idx], days[idx] = out.price[out.sold], clock
        open_[idx] = False
        shares.append(idx.size / trials)
        if progress:
            progress(i + 1, steps)
    sale = None if p.sale_price is None else float(p.sale_price)
    if sale is not None:
        clock += rules.notice_days_again
        if fresh:
            values = dist.draw(rng, (trials, bidders))
        idx = np.flatnonzero(open_ & (values.max(axis=1) >= sale))
        price[idx], days[idx] = sale, clock
        open_[idx] = False
        shares.append(idx.size / trials)
        if progress:
            progress(steps, steps)
    sold = ~open_
    return DisposalRun(
        fmt=fmt,
        bidders=bidders,
        trials=trials,
        start_prices=tuple(float(r.start_price) for r in p.rounds),
        sale_price=sale,
        revenue=Estimate.of(price),
        sell_through=Estimate.of(sold.astype(float)),
        days_to_cash=float(days[sold].mean()) if sold.any() else None,
        sold_in_round=tuple(shares),
        price_to_appraisal=float(price[sold].mean()) / float(p.appraisal) if sold.any() else None,
    )


def run_dict(run: DisposalRun) -> dict[str, object]:
    """A simulated disposal as JSON-ready data."""
    return {
        "format": run.fmt,
        "bidders": run.bidders,
        "trials": run.trials,
        "start_prices": [round(x, 2) for x in run.start_prices],
        "sale_price": run.sale_price,
        "expected_revenue": round(run.revenue.mean, 2),
        "revenue_se": round(run.revenue.se, 2),
        "sell_through": round(run.sell_through.mean, 4),
        "days_to_cash": None if run.days_to_cash is None else round(run.days_to_cash, 1),
        "sold_in_round": [round(x, 4) for x in run.sold_in_round],
        "price_to_appraisal": None if run.price_to_appraisal is None else round(run.price_to_appraisal, 4),
    }
