"""Model valuations in the database (both backends): batch and single runs, CLI, API access, credit's view of them."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from ippledge.access.model import PartyKind, Role
from ippledge.cli import app as cli_app
from ippledge.credit.service import collateral_of
from ippledge.kernel.money import from_fen
from ippledge.registry.tables import IpAsset, IpOwner
from ippledge.simulation import truth
from ippledge.simulation.generate import generate
from ippledge.simulation.load import load
from ippledge.simulation.spec import SMALL
from ippledge.valuation import queries as valuation_queries
from ippledge.valuation.engine import service as engine_service
from ippledge.valuation.engine.tables import ModelValuation

SPEC = SMALL.scaled(0.05)
AS_OF = SPEC.as_of


def _loaded(engine: Engine, factory: sessionmaker[Session]) -> int:
    market = generate(SPEC, 4)
    load(engine, market)
    with factory.begin() as s:
        truth.store(s, market, 4)
        return int(s.scalar(select(func.count()).select_from(IpAsset)) or 0)


def test_batch_then_single_agree_and_rerun_replaces(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    n = _loaded(engine, session_factory)
    seen: list[int] = []
    with session_factory.begin() as s:
        summary = engine_service.value_all(s, AS_OF, seed=3, progress=lambda done, total: seen.append(done))
    assert summary.valued == n and not summary.errors and seen[-1] == n
    with session_factory.begin() as s:
        engine_service.value_all(s, AS_OF, seed=3)  # same date, version and seed: replaced, not duplicated
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ModelValuation)) == n
        row = s.scalar(select(ModelValuation).where(ModelValuation.value_p50_fen > 0).limit(1))
        assert row is not None
        ex = json.loads(row.explanation)
        assert abs(sum(i["contribution"] for i in ex["indicators"]) - row.score) < 1e-9
        assert row.value_p10_fen <= row.value_p50_fen <= row.value_p90_fen
        number = s.get(IpAsset, row.ip_asset_id).number  # type: ignore[union-attr]
        # The stored row is what value_one returns for the same date and seed.
        again = engine_service.value_one(s, number, AS_OF, seed=3)
        assert again.id == row.id
    with session_factory.begin() as s:
        s.execute(ModelValuation.__table__.delete())
    with session_factory.begin() as s:
        fresh = engine_service.value_one(s, number, AS_OF, seed=3)
        assert (fresh.value_p50_fen, fresh.score) == (row.value_p50_fen, row.score)


def test_cli_value_one_and_all(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    n = _loaded(engine, session_factory)
    with session_factory() as s:
        number = s.scalar(select(IpAsset.number).where(IpAsset.subtype == "invention").limit(1))
    runner = CliRunner()
    url = engine.url.render_as_string(hide_password=False)
    base = ["--as-of", AS_OF.isoformat(), "--seed", "2", "--database-url", url]
    if engine.dialect.name == "postgresql":
        return  # the CLI opens its own engine; the private test schema is not on its search path
    r = runner.invoke(cli_app, ["value", str(number), *base, "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert set(doc["value"]) == {"p10", "p50", "p90"} and doc["collateral_value"] and doc["explanation"]["indicators"]
    r = runner.invoke(cli_app, ["value", str(number), *base])
    assert r.exit_code == 0 and "score" in r.output and "collateral" in r.output
    r = runner.invoke(cli_app, ["value", "--all", *base, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output.strip().splitlines()[-1])["valued"] == n
    r = runner.invoke(cli_app, ["value", "ZL20231012345X", *base])
    assert r.exit_code == 1


def test_api_shows_model_to_readers_and_owner_only(
    engine: Engine,
    session_factory: sessionmaker[Session],
    world,
    client,  # type: ignore[no-untyped-def]
) -> None:
    _loaded(engine, session_factory)
    with session_factory.begin() as s:
        asset_id, owner_id = s.execute(select(IpOwner.ip_asset_id, IpOwner.party_id).limit(1)).one()
        engine_service.value_one(s, int(asset_id), AS_OF, seed=1)
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    r = client.get(f"/ip-assets/{asset_id}/valuation", headers=bank.headers, params={"as_of": AS_OF.isoformat()})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"]["collateral_value"] and body["reports"] == []
    assert float(body["model"]["collateral_value"]) <= float(body["model"]["value_p50"])
    from ippledge.access.tables import Party

    with session_factory() as s:
        owner_party = s.get(Party, owner_id)
        s.expunge(owner_party)
    owner = world.user(owner_party, Role.ADMIN)
    assert client.get(f"/ip-assets/{asset_id}/valuation", headers=owner.headers).status_code == 200
    stranger = world.actor(PartyKind.ENTERPRISE, Role.ADMIN)
    r = client.get(f"/ip-assets/{asset_id}/valuation", headers=stranger.headers)
    assert r.status_code == 404


def test_credit_reads_the_model_beside_the_report_never_instead_of_it(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    """Decision record 0008: without a report the model is no appraisal of record; it only challenges one."""
    _loaded(engine, session_factory)
    with session_factory.begin() as s:
        asset_id = int(s.scalar(select(IpAsset.id).where(IpAsset.status == "in_force").limit(1)))  # type: ignore[arg-type]
        bare = collateral_of(s, 999_999, 1, asset_id, "invention", AS_OF)
        assert bare.value is None and bare.model is None  # no report, no model: nothing
        mv = engine_service.value_one(s, asset_id, AS_OF, seed=1)
        later = AS_OF + dt.timedelta(days=30)
        item = collateral_of(s, 999_999, 1, asset_id, "invention", later)
        # the model's range and forced-sale value sit beside the (missing) appraisal; they do not become it
        assert item.value is None and item.report_id is None and item.model is not None
        assert (item.model.p10, item.model.p50, item.model.p90) == tuple(
            from_fen(f) for f in (mv.value_p10_fen, mv.value_p50_fen, mv.value_p90_fen)
        )
        assert item.model.forced_sale == from_fen(mv.collateral_value_fen) <= item.model.p50
        facts = valuation_queries.model_values(s, asset_id, later, max_age_days=366)
        assert facts is not None and facts.forced_sale == item.model.forced_sale and facts.as_of == AS_OF
        assert collateral_of(s, 999_999, 1, asset_id, "invention", AS_OF + dt.timedelta(days=400)).model is None
