"""The simulator's hidden truth (隐藏真值) lives beside the product schema, not in it (both backends)."""

from __future__ import annotations

from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session, sessionmaker

from ippledge.migrations.schema import metadata
from ippledge.simulation import truth
from ippledge.simulation.generate import generate
from ippledge.simulation.load import load
from ippledge.simulation.spec import SMALL


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
