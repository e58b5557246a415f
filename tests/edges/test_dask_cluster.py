"""Batch jobs on a Dask cluster (a real LocalCluster of worker processes) give exactly the in-process numbers."""

from __future__ import annotations

import numpy as np
import pytest

from ippledge.analytics.cluster import dask_mapper, local_client
from ippledge.analytics.engine import ValuationEngine
from ippledge.simulation.generate import generate
from ippledge.simulation.spec import preset
from ippledge.simulation.truth import valuation_columns
from tests.analytics.test_engine import AS_OF


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    c = local_client(workers=2, threads_per_worker=1, processes=True)
    yield c
    c.close()
    c.cluster.close()


def test_dask_batch_equals_in_process_batch(client) -> None:  # type: ignore[no-untyped-def]
    market = generate(preset("small", as_of=AS_OF).scaled(0.3), 5)
    cols = valuation_columns(market)
    engine = ValuationEngine().fit(cols, AS_OF)
    here = engine.value_batch(cols, seed=3, chunk=700)
    there = engine.value_batch(cols, seed=3, chunk=700, mapper=dask_mapper(client, in_flight=3))
    assert len(there) == len(here) > 1_000
    for name in ("score", "p10_fen", "p50_fen", "p90_fen", "collateral_fen", "cost_fen"):
        np.testing.assert_array_equal(getattr(there, name), getattr(here, name), err_msg=name)


def test_register_batch_on_dask_writes_the_same_rows(engine, session_factory, client) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from ippledge.valuation.engine import service as engine_service
    from ippledge.valuation.engine.tables import ModelValuation
    from tests.valuation.test_engine import AS_OF as DAY
    from tests.valuation.test_engine import _loaded

    n = _loaded(engine, session_factory)
    with session_factory.begin() as s:
        engine_service.value_all(s, DAY, seed=3, chunk=200)
    with session_factory() as s:
        here = {
            r.ip_asset_id: (r.score, r.value_p50_fen, r.collateral_value_fen) for r in s.scalars(select(ModelValuation))
        }
    with session_factory.begin() as s:
        summary = engine_service.value_all(s, DAY, seed=3, chunk=200, mapper=dask_mapper(client))
    with session_factory() as s:
        there = {
            r.ip_asset_id: (r.score, r.value_p50_fen, r.collateral_value_fen) for r in s.scalars(select(ModelValuation))
        }
    assert summary.valued == n and not summary.errors
    assert there == here


def test_risk_simulation_on_dask_equals_in_process(client) -> None:  # type: ignore[no-untyped-def]
    from ippledge.analytics.cluster import dask_tasks
    from ippledge.analytics.risk_portfolio import Portfolio
    from ippledge.analytics.risk_sim import SimConfig, simulate
    from ippledge.risk_sharing.schemes.presets import get_preset
    from ippledge.risk_sharing.simulation.simulate import waterfall_for

    portfolio = Portfolio.homogeneous(3_000, 0.03, 0.6, 1_000_000.0)
    waterfall = waterfall_for(get_preset("zhongshan"), fund_initial=5e7, fund_contribution=0.0)
    config = SimConfig(rho=0.15, scenarios=20_000, years=2, chunk_size=2_500, workers=1)
    here = simulate(portfolio, waterfall, config, seed=21)
    there = simulate(portfolio, waterfall, config, seed=21, mapper=dask_tasks(client))
    np.testing.assert_array_equal(there.party_loss, here.party_loss)
    np.testing.assert_array_equal(there.dry_year, here.dry_year)
    assert there.summary() == here.summary()


def test_risk_simulate_cli_on_a_local_cluster_prints_the_same_numbers() -> None:
    import json

    from typer.testing import CliRunner

    from ippledge.cli import app

    args = ["risk", "simulate", "--loans", "500", "--pd", "0.03", "--rho", "0.15", "--lgd", "0.6"]
    args += ["--scenarios", "4000", "--seed", "5", "--json"]
    here = CliRunner().invoke(app, args)
    there = CliRunner().invoke(app, [*args, "--dask", "local:2"])
    assert here.exit_code == 0 and there.exit_code == 0, there.output
    assert json.loads(there.output) == json.loads(here.output)
