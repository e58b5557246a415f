"""Loading a simulated market: counts on both backends, demo logins, one audit record, no double loads."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from ippledge.access import service
from ippledge.access.tables import AuditRecord, Party, User
from ippledge.kernel.errors import ConflictError
from ippledge.registry import store
from ippledge.registry.model import LegalState
from ippledge.registry.tables import Annuity, Enterprise, IpAsset, IpOwner, LegalStatusEvent
from ippledge.simulation.accounts import DEMO_PASSWORD
from ippledge.simulation.generate import generate
from ippledge.simulation.load import load
from ippledge.simulation.spec import SMALL


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_small_market_loads_with_counts_logins_and_one_audit_record(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    market = generate(SMALL, 5)
    summary = load(engine, market)
    with session_factory() as s:
        assert _count(s, Party) == summary.counts["party"] == len(market.institutions) + 300
        assert _count(s, Enterprise) == 300
        assert _count(s, IpAsset) == summary.counts["ip_asset"] == len(market.assets["number"])
        assert _count(s, IpOwner) == summary.counts["ip_owner"]
        assert _count(s, Annuity) == len(market.annuities["asset"])
        assert _count(s, LegalStatusEvent) == len(market.events["asset"])
        in_force = select(func.count()).where(IpAsset.subtype == "invention", IpAsset.status == "in_force")
        assert s.scalar(in_force) == SMALL.inventions
        token, user = service.login(s, "bank1.officer", DEMO_PASSWORD, dt.datetime.now(dt.UTC), 60)
        principal = service.principal_for_user(s, user)
        assert (
            token and principal.party_kind.value == "bank" and {r.value for r in principal.roles} == {"credit_officer"}
        )
        assert s.scalar(select(User.id).where(User.username == "registry.patent.officer")) is not None
        assert s.scalar(select(User.id).where(User.username == "ent0001.admin")) is not None
        audits = s.scalars(select(AuditRecord).where(AuditRecord.action == "simulation.loaded")).all()
        assert len(audits) == 1 and '"seed":5' in audits[0].payload


def test_loaded_facts_read_back_through_the_registry(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    market = generate(SMALL.scaled(0.1), 8)
    load(engine, market)
    with session_factory() as s:
        lapsed = s.scalar(select(IpAsset.id).where(IpAsset.status == LegalState.TERMINATED.value).limit(1))
        co_owned = s.scalar(select(IpOwner.ip_asset_id).where(IpOwner.share_bp == 5_000).limit(1))
        assert lapsed is not None and co_owned is not None
        facts = store.load_facts(s, [lapsed, co_owned], SMALL.as_of)
        assert facts[lapsed].status is LegalState.TERMINATED
        assert sum(o.share_bp for o in facts[co_owned].owners) == 10_000
        cf01 = s.scalar(select(LegalStatusEvent.code).where(LegalStatusEvent.ip_asset_id == lapsed))
        assert cf01 == "CF01"


def test_loading_twice_is_refused_unless_appending(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    spec = SMALL.scaled(0.05)
    load(engine, generate(spec, 1))
    with session_factory() as s:
        before = _count(s, IpAsset)
    with pytest.raises(ConflictError) as err:
        load(engine, generate(spec, 2))
    assert err.value.code == "simulate.database_not_empty"
    with session_factory() as s:
        assert _count(s, IpAsset) == before  # nothing written
    summary = load(engine, generate(spec, 2), append=True)
    with session_factory() as s:
        assert _count(s, IpAsset) == before + summary.counts["ip_asset"]
        assert s.scalar(select(User.id).where(User.username == "sim2.bank1.officer")) is not None
    with pytest.raises(ConflictError) as again:
        load(engine, generate(spec, 2), append=True)
    assert again.value.code == "simulate.seed_taken"


def test_cli_simulate_small_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ippledge.cli import app

    url = f"sqlite:///{tmp_path / 'sim.db'}"
    runner = CliRunner()
    result = runner.invoke(
        app, ["simulate", "--scale", "small", "--seed", "4", "--database-url", url, "--as-of", "2025-06-30"]
    )
    assert result.exit_code == 0, result.output
    assert "ip_asset" in result.output
    again = runner.invoke(app, ["simulate", "--scale", "small", "--seed", "4", "--database-url", url])
    assert again.exit_code == 1 and "simulate.database_not_empty" in again.output
