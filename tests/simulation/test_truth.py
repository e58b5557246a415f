"""The simulator's hidden truth (隐藏真值) lives beside the product schema, not in it (both backends), and its scale
by kind is plausible (no database)."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session, sessionmaker

from ippledge.migrations.schema import metadata
from ippledge.simulation import truth
from ippledge.simulation.generate import generate
from ippledge.simulation.load import load
from ippledge.simulation.spec import BEIJING, SMALL, MarketSpec


def test_truth_is_not_part_of_the_product_schema(engine: Engine) -> None:
    assert "sim_truth" not in metadata.tables
    assert not any(name.startswith("sim_") for name in metadata.tables)
    assert not inspect(engine).has_table("sim_truth")  # the migrations do not create it


def test_store_creates_the_table_on_demand_and_replaces(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    market = generate(SMALL.scaled(0.05), 3)
    load(engine, market)
    with session_factory() as s:
        assert truth.stored(s) == {}
    with session_factory.begin() as s:
        written = truth.store(s, market, 3)
    assert written == len(market.assets["number"])
    with session_factory.begin() as s:
        assert truth.store(s, market, 3) == written  # a second store replaces, never duplicates
    with session_factory() as s:
        rows = truth.stored(s)
    value, quality = truth.true_values(market, 3)
    assert len(rows) == written
    assert sorted(v for v, _ in rows.values()) == sorted(round(v * 100) for v in value)
    assert sorted(round(q, 9) for _, q in rows.values()) == sorted(round(float(q), 9) for q in quality)


def _medians(spec: MarketSpec, seed: int) -> dict[str, float]:
    market = generate(spec, seed)
    value, _ = truth.true_values(market, seed)
    alive = market.assets["status"] == "in_force"
    kinds = [k for k in truth.KIND_TRUTH if (alive & (market.assets["subtype"] == k)).any()]
    return {k: float(np.median(value[alive & (market.assets["subtype"] == k)])) for k in kinds}


@pytest.mark.parametrize("spec", [SMALL, BEIJING.scaled(0.02)], ids=["small", "beijing/50"])
def test_true_values_are_plausible_by_kind(spec: MarketSpec) -> None:
    """DOMAIN.md §6: the median invention beats the median utility model and design; software copyrights are
    mostly low-value; a pledged invention is worth high hundreds of thousands to low millions of CNY (§6, §9)."""
    med = _medians(spec, 3)
    print(f"\ntrue value medians in force, {spec.name}: " + ", ".join(f"{k} {v:,.0f}" for k, v in med.items()))
    assert med["invention"] > med["utility_model"] > 0
    assert med["invention"] > med["design"] > 0
    assert 300_000 <= med["invention"] <= 3_000_000
    if "software" in med:
        assert med["software"] <= med["invention"]
