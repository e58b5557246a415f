"""Valuation engine without a database: cohort percentiles, determinism, explanations, ranges, single = batch,
and how well the model recovers the simulator's hidden true values (Spearman, printed)."""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pytest

from ippledge.analytics.approaches import Comparables, market_value
from ippledge.analytics.cohorts import CohortRanker, cohort_keys
from ippledge.analytics.engine import BatchResult, ValuationEngine
from ippledge.analytics.liquidity import LiquidityModel
from ippledge.analytics.single import value_asset, value_batch
from ippledge.simulation.generate import Market, generate
from ippledge.simulation.spec import BEIJING, SMALL
from ippledge.simulation.truth import spearman, true_values, valuation_columns

AS_OF = SMALL.as_of


@cache
def _market() -> tuple[Market, dict[str, np.ndarray], ValuationEngine, BatchResult]:
    market = generate(SMALL, 3)
    cols = valuation_columns(market)
    engine = ValuationEngine().fit(cols, AS_OF)
    return market, cols, engine, engine.value_batch(cols, seed=11, chunk=1_000)


def test_cohort_percentiles_rank_within_the_cohort_only() -> None:
    rng = np.random.default_rng(0)
    keys = cohort_keys(np.ones(400, np.int64), np.repeat([1, 2], 200), np.full(400, 70))
    values = rng.poisson(3.0, 400).astype(np.float64)
    pct = CohortRanker(min_size=20).fit_transform(keys, values)
    assert ((pct >= 0) & (pct < 1)).all()
    for k in (1, 2):  # monotone in the value inside each cohort; mean mid-rank is one half
        mine = keys == keys[200 * (k - 1)]
        order = np.argsort(values[mine])
        assert (np.diff(pct[mine][order]) >= 0).all()
        assert pct[mine].mean() == pytest.approx(0.5)
    # Shifting the other cohort's values leaves this cohort's percentiles unchanged.
    shifted = np.where(keys == keys[-1], values + 100, values)
    again = CohortRanker(min_size=20).fit_transform(keys, shifted)
    assert np.array_equal(again[:200], pct[:200])


def test_small_cohorts_pool_and_missing_stays_missing() -> None:
    keys = cohort_keys(np.ones(50, np.int64), np.r_[np.full(45, 1), np.full(5, 2)], np.full(50, 70))
    values = np.arange(50, dtype=np.float64)
    values[3] = np.nan
    ranker = CohortRanker(min_size=20).fit(keys, values)
    pct = ranker.transform(keys, values)
    assert np.isnan(pct[3])
    assert pct[-1] == pytest.approx(4.5 / 5)  # ranked in the pool of the year's small classes (5 assets)
    one = ranker.transform(keys[10:11], values[10:11])
    assert one[0] == pct[10]


def test_same_inputs_and_seed_give_identical_results_and_explanations_add_up() -> None:
    _, cols, engine, batch = _market()
    again = ValuationEngine().fit(cols, AS_OF).value_batch(cols, seed=11, chunk=777)
    assert np.array_equal(batch.score, again.score) and np.array_equal(batch.p50_fen, again.p50_fen)
    other = engine.value_batch(cols, seed=12)
    assert not np.array_equal(batch.p10_fen, other.p10_fen)
    assert np.allclose(batch.contributions.sum(axis=1), batch.score, atol=1e-3)
    assert ((batch.score >= 0) & (batch.score <= 100)).all()


def test_single_asset_equals_the_same_asset_in_the_batch() -> None:
    _, cols, engine, batch = _market()
    rng = np.random.default_rng(5)
    for i in rng.choice(len(cols["subtype"]), size=25, replace=False).tolist():
        facts = {k: (v[i].item() if hasattr(v[i], "item") and v.dtype != object else v[i]) for k, v in cols.items()}
        facts = {k: (None if isinstance(v, np.datetime64) and np.isnat(v) else v) for k, v in facts.items()}
        one = value_asset(facts, seed=11, engine=engine)
        assert one.score == batch.score[i]
        assert (one.p10_fen, one.p50_fen, one.p90_fen) == (batch.p10_fen[i], batch.p50_fen[i], batch.p90_fen[i])
        assert one.collateral_fen == batch.collateral_fen[i]
        ex = one.explanation
        assert sum(x["contribution"] for x in ex["indicators"]) == pytest.approx(one.score)
        assert sum(d["contribution"] for d in ex["dimensions"].values()) == pytest.approx(one.score)


def test_explanation_marks_missing_evidence_and_records_assumptions() -> None:
    _, cols, engine, _ = _market()
    mark = int(np.flatnonzero(cols["subtype"] == "mark")[0])
    cols_wo = {k: v for k, v in cols.items() if k != "licences"}
    one = value_asset(cols_wo, seed=11, engine=engine, index=mark)
    assert "licences" in one.explanation["missing"]
    assert one.explanation["family"] == "trademark"
    a = one.assumptions
    assert a["seed"] == 11 and a["income"]["tax_rate"] == 0.25 and a["weights"]["use"] == "finance"
    assert a["liquidity"]["sell_through"] == 0.4 and a["asset"]["revenue_source"] == "profile"


def test_ranges_contain_p50_and_collateral_is_below_value() -> None:
    _, cols, _, batch = _market()
    assert (batch.p10_fen <= batch.p50_fen).all() and (batch.p50_fen <= batch.p90_fen).all()
    in_force = (cols["status"] == "in_force") & ~cols["preserved"]
    assert (batch.collateral_fen[in_force] < batch.p50_fen[in_force]).all()
    assert (batch.collateral_fen[~in_force] == 0).all()
    lapsed = cols["status"] == "terminated"
    assert (batch.p90_fen[lapsed] == 0).all()


def test_model_value_recovers_the_hidden_truth() -> None:
    market, cols, _, batch = _market()
    truth, _ = true_values(market, 3)
    rho = spearman(batch.p50_fen.astype(np.float64), truth)
    alive = cols["status"] == "in_force"
    rho_alive = spearman(batch.p50_fen[alive].astype(np.float64), truth[alive])
    print(f"\nSpearman(model P50, true value) small market: all {rho:.3f}, in force {rho_alive:.3f}")
    assert rho > 0.5 and rho_alive > 0.5


def test_model_scale_is_plausible_by_kind_and_matches_the_truth() -> None:
    """DOMAIN.md §6 by kind on the model's P50 (median invention above utility model and design, software copyright
    not above invention), and the model on the truth's scale: per kind, the median log(P50 / truth) within +-0.5."""
    market, cols, _, batch = _market()
    truth, _ = true_values(market, 3)
    alive = cols["status"] == "in_force"
    p50 = batch.p50_fen / 100.0
    med, gap = {}, {}
    for kind in ("invention", "utility_model", "design", "mark", "software", "work"):
        mine = alive & (cols["subtype"] == kind)
        med[kind] = float(np.median(p50[mine]))
        gap[kind] = float(np.median(np.log(np.maximum(p50[mine], 1.0) / np.maximum(truth[mine], 1.0))))
    print("\nmodel P50 medians in force: " + ", ".join(f"{k} {v:,.0f} ({gap[k]:+.2f})" for k, v in med.items()))
    assert med["invention"] > med["utility_model"] and med["invention"] > med["design"]
    assert med["software"] <= med["invention"]
    assert 300_000 <= med["invention"] <= 3_000_000
    assert all(abs(g) <= 0.5 for g in gap.values()), gap


@pytest.mark.parametrize(
    ("factor", "seed"),
    [pytest.param(0.05, 1, id="beijing/20"), pytest.param(1.0, 1, id="beijing", marks=pytest.mark.slow)],
)
def test_model_ranks_the_beijing_universe_like_the_truth(factor: float, seed: int) -> None:
    spec = BEIJING if factor == 1.0 else BEIJING.scaled(factor)
    market = generate(spec, seed)
    cols = valuation_columns(market)
    _, batch = value_batch(cols, seed=11, as_of=spec.as_of)
    truth, _ = true_values(market, seed)
    rho = spearman(batch.p50_fen.astype(np.float64), truth)
    print(f"\nSpearman(model P50, true value) {spec.name}: {rho:.3f}")
    assert rho >= 0.85


def test_liquidity_defaults_and_learning() -> None:
    empty = LiquidityModel().fit(np.zeros(0), np.zeros(0, bool), np.zeros(0))
    assert empty.sell_through_ == 0.4 and empty.discount_ == 0.3
    values = np.full(80, 100.0)
    sold = np.arange(80) < 60
    learned = LiquidityModel().fit(values, sold, np.where(sold, 90.0, 0.0))
    assert learned.sell_through_ == pytest.approx((0.4 * 20 + 60) / 100)
    assert learned.discount_ == pytest.approx((0.3 * 20 + 60 * 0.1) / 80)


def test_market_approach_is_optional_and_adjusts_for_score() -> None:
    subtype = np.array([1, 1, 4])
    score = np.array([50.0, 70.0, 50.0])
    assert np.isnan(market_value(None, subtype, score)).all()
    comps = Comparables(np.array([1, 1, 1]), np.array([50.0, 50.0, 50.0]), np.array([1e6, 2e6, 3e6]))
    out = market_value(comps, subtype, score)
    assert out[0] == pytest.approx(2e6) and out[1] > out[0] and np.isnan(out[2])


def test_value_asset_with_a_date_mapping() -> None:
    _, cols, engine, batch = _market()
    i = int(np.flatnonzero(cols["subtype"] == "invention")[0])
    facts = {k: v[i] for k, v in cols.items()}
    facts["filing_date"] = dt.date.fromisoformat(str(cols["filing_date"][i]))
    assert value_asset(facts, seed=11, engine=engine).p50_fen == batch.p50_fen[i]
