"""The isolation world (隔离测试世界): the demo's market and year on SQLite, plus what the demo does not make.

Two or more parties of every kind (banks, enterprises, valuers, registries, guarantors, insurers, funds, IP operators),
the regulator and the platform, each with its roles' users; every party's admin holds a webhook and an API key. The
resources (applications, tasks, reports, decisions, loans, filings, pledges, claims, subsidies …) are the demo's own,
made through the real API and services.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import service as access
from ippledge.access.model import PartyKind, Role
from ippledge.access.tables import Party, User, UserRole
from ippledge.demo.main import run_demo
from ippledge.simulation.accounts import DEMO_PASSWORD, institution_accounts

TODAY = dt.date(2025, 11, 20)


@dataclass(frozen=True)
class Caller:
    username: str
    party_id: int
    kind: PartyKind
    roles: frozenset[Role]
    headers: dict[str, str]


def build_demo(path: Path) -> str:
    """The demo with a shortened year: written-off loans, a paid claim, subsidies, filings at three registries."""
    result = run_demo(TODAY, seed=7, db_path=path, console=Console(file=io.StringIO()), year_days=320, firms=14)
    return result.url


def add_second_parties(factory: sessionmaker[Session]) -> None:
    """The small market has one fund and one IP operator: add a second of each, with the demo's users."""
    with factory.begin() as s:
        for kind in (PartyKind.FUND, PartyKind.IP_OPERATOR):
            have = s.scalars(select(Party).where(Party.kind == kind.value)).all()
            if len(have) >= 2:
                continue
            key = f"iso-{kind.value}"
            party = access.create_party(s, "isolation-test", kind, f"隔离测试 {kind.value}")
            for acc in institution_accounts(key, kind, party.name):
                access.create_user(s, "isolation-test", party, acc.username, DEMO_PASSWORD, acc.roles)


def login_all(factory: sessionmaker[Session], client: TestClient, per_kind: int = 2) -> list[Caller]:
    """Every user of the first ``per_kind`` parties of each kind (enterprises: those with the most records)."""
    callers: list[Caller] = []
    with factory() as s:
        parties = s.scalars(select(Party).order_by(Party.id)).all()
        by_kind: dict[str, list[Party]] = {}
        for p in parties:
            by_kind.setdefault(p.kind, []).append(p)
        chosen = [p for kind, ps in by_kind.items() for p in _busiest(s, kind, ps)[:per_kind]]
        users = s.scalars(select(User).where(User.party_id.in_([p.id for p in chosen])).order_by(User.id)).all()
        kinds = {p.id: PartyKind(p.kind) for p in chosen}
        plan = [
            (
                u.username,
                u.party_id,
                frozenset(Role(r.role) for r in s.scalars(select(UserRole).where(UserRole.user_id == u.id))),
            )
            for u in users
        ]
    for username, party_id, roles in plan:
        r = client.post("/auth/login", json={"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 200, (username, r.text)
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        callers.append(Caller(username, party_id, kinds[party_id], roles, headers))
    return callers


def _busiest(s: Session, kind: str, parties: list[Party]) -> list[Party]:
    """Enterprises: the two borrowers with loans first, so their records are the ones others try."""
    if kind != PartyKind.ENTERPRISE.value:
        return parties
    from ippledge.lending.tables import Loan

    borrowers = list(dict.fromkeys(s.scalars(select(Loan.borrower_id).order_by(Loan.id))))
    ranked = [p for b in borrowers for p in parties if p.id == b]
    return ranked + [p for p in parties if p.id not in borrowers]


def add_webhooks_and_keys(client: TestClient, callers: list[Caller]) -> None:
    """Each admin subscribes a webhook and makes an API key for its own party (resources the demo does not make)."""
    for c in callers:
        if Role.ADMIN not in c.roles:
            continue
        r = client.post(
            "/webhooks",
            json={"name": f"iso {c.username}", "url": "https://93.184.216.34/hook", "topics": ["*"]},
            headers=c.headers,
        )
        assert r.status_code == 201, (c.username, r.text)
        r = client.post("/api-keys", json={"name": f"iso-{c.party_id}", "roles": ["admin"]}, headers=c.headers)
        assert r.status_code == 201, (c.username, r.text)


def engine_of(url: str) -> Engine:
    from ippledge.db import make_engine

    return make_engine(url)
