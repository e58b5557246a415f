"""Valuer governance on the simulated market (both backends): the pliant valuer is flagged, no honest one is;
side-by-side view, flags and league table through the API and the CLI."""

from __future__ import annotations

import json

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from ippledge.access.model import PartyKind, Role
from ippledge.cli import app as cli_app
from ippledge.simulation import truth, valuers
from ippledge.simulation.generate import generate
from ippledge.simulation.load import load
from ippledge.simulation.spec import SMALL
from ippledge.valuation.engine import service as engine_service
from ippledge.valuation.governance import queries as governance
from ippledge.valuation.governance.model import FlagKind
from ippledge.valuation.tables import ValuationReportItem

SPEC = SMALL.scaled(0.1)
AS_OF = SPEC.as_of
SEED = 4


def _market(engine: Engine, factory: sessionmaker[Session]) -> tuple[valuers.History, dict[int, int]]:
    market = generate(SPEC, SEED)
    load(engine, market)
    true_value, _ = truth.true_values(market, SEED)
    hist = valuers.history(market, true_value, SEED, valuers.ValuerBehaviour(engagements=500))
    with factory.begin() as s:
        truth.store(s, market, SEED)
        engine_service.value_all(s, AS_OF, seed=1)
        party_of = valuers.record(s, market, hist, SEED)
    return hist, party_of


def test_pliant_valuer_flagged_and_no_honest_one(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    hist, party_of = _market(engine, session_factory)
    pliant = party_of[hist.pliant]
    with session_factory() as s:
        rows = governance.league(s, AS_OF)
        flags = governance.all_flags(s, AS_OF)
    print(f"\nleague table ({len(hist)} reports; pliant valuer = party {pliant}; sigma {hist.sigma})")
    print("valuer reports compared med|dev| mean|dev| raw_bias  bias  outside flags flagged")
    for r in rows:
        print(
            f"{r.valuer_id:>6} {r.reports:>7} {r.compared:>8} {r.median_abs_log_dev:>7.3f} {r.mean_abs_log_dev:>9.3f}"
            f" {r.raw_bias:>+8.3f} {r.bias:>+6.3f} {r.outside_share:>7.1%} {r.flags:>5} {r.reasons}"
        )
    by_id = {r.valuer_id: r for r in rows}
    assert set(by_id) == set(party_of.values())
    assert by_id[pliant].flagged
    assert [r.valuer_id for r in rows if r.flagged] == [pliant]
    kinds = {f.kind for f in flags}
    assert FlagKind.OPINION_SHOPPING in kinds and FlagKind.OUTSIDE_RANGE in kinds
    shopped = [f for f in flags if f.kind is FlagKind.OPINION_SHOPPING]
    # Opinion shopping ends with the pliant valuer far more often than its share of the valuers.
    assert sum(f.valuer_id == pliant for f in shopped) / len(shopped) > 0.5


def test_api_and_cli(engine: Engine, session_factory: sessionmaker[Session], world, client) -> None:  # type: ignore[no-untyped-def]
    hist, party_of = _market(engine, session_factory)
    pliant = party_of[hist.pliant]
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    params = {"as_of": AS_OF.isoformat()}
    r = client.get("/valuers/league-table", headers=bank.headers, params=params)
    assert r.status_code == 200, r.text
    table = r.json()
    assert [v["valuer_id"] for v in table["valuers"] if v["flagged"]] == [pliant]
    assert table["thresholds"]["version"]
    r = client.get("/valuation-flags", headers=bank.headers, params={**params, "kind": "opinion_shopping"})
    assert r.status_code == 200 and r.json() and {f["kind"] for f in r.json()} == {"opinion_shopping"}
    # none of these reports is the bank's: it learns the valuer, not the report, the IP or the client (decision 0016)
    assert all(f["report_id"] is None and f["client_id"] is None and f["ip_asset_id"] is None for f in r.json())
    r = client.get("/valuation-flags", headers=regulator.headers, params={**params, "kind": "opinion_shopping"})
    assert all(f["report_id"] is not None and f["client_id"] is not None for f in r.json())
    r = client.get("/valuation-flags", headers=bank.headers, params={**params, "valuer_id": pliant})
    assert r.status_code == 200 and {f["valuer_id"] for f in r.json()} == {pliant}
    assert client.get("/valuation-flags", headers=bank.headers, params={"kind": "nope"}).status_code == 422
    stranger = world.actor(PartyKind.ENTERPRISE, Role.ADMIN)
    assert client.get("/valuers/league-table", headers=stranger.headers).status_code == 403
    with session_factory() as s:
        counts: dict[int, int] = {}
        for aid in s.scalars(select(ValuationReportItem.ip_asset_id)):
            counts[aid] = counts.get(aid, 0) + 1
    asset = max(counts, key=lambda a: counts[a])
    r = client.get(f"/ip-assets/{asset}/valuations", headers=bank.headers, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    # A bank that commissioned none of these external reports sees the model only; the regulator sees all.
    assert body["model"] is not None and body["reports"] == []
    body = client.get(f"/ip-assets/{asset}/valuations", headers=regulator.headers, params=params).json()
    assert len(body["reports"]) == counts[asset] and body["thresholds_version"]
    assert client.get(f"/ip-assets/{asset}/valuations", headers=stranger.headers).status_code == 404
    if engine.dialect.name == "postgresql":
        return  # the CLI opens its own engine; the private test schema is not on its search path
    url = engine.url.render_as_string(hide_password=False)
    out = CliRunner().invoke(
        cli_app, ["valuers", "league", "--as-of", AS_OF.isoformat(), "--database-url", url, "--json"]
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert [v["valuer_id"] for v in doc["valuers"] if v["flagged"]] == [pliant]
    out = CliRunner().invoke(cli_app, ["valuers", "league", "--as-of", AS_OF.isoformat(), "--database-url", url])
    assert out.exit_code == 0 and "FLAGGED" in out.output
