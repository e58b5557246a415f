"""Test builders: parties with users, and an API client logged in as any of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import service
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.access.tables import Party, User

PASSWORD = "correct horse battery"


@dataclass
class Actor:
    party: Party
    user: User
    principal: Principal
    headers: dict[str, str]


class World:
    """Creates parties and users in committed transactions and logs them in through the API."""

    def __init__(self, factory: sessionmaker[Session], client: TestClient) -> None:
        self.factory = factory
        self.client = client
        self._n = 0

    def party(self, kind: PartyKind, name: str | None = None, **kw: Any) -> Party:
        self._n += 1
        with self.factory.begin() as s:
            p = service.create_party(s, "test", kind, name or f"{kind.value}-{self._n}", **kw)
            s.expunge(p)
        return p

    def user(self, party: Party, *roles: Role, username: str | None = None) -> Actor:
        self._n += 1
        name = username or f"{party.kind}{party.id}-u{self._n}"
        with self.factory.begin() as s:
            u = service.create_user(s, "test", s.get(Party, party.id), name, PASSWORD, roles)  # type: ignore[arg-type]
            principal = service.principal_for_user(s, u)
            s.expunge(u)
        r = self.client.post("/auth/login", json={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return Actor(party, u, principal, {"Authorization": f"Bearer {r.json()['access_token']}"})

    def actor(self, kind: PartyKind, *roles: Role, **kw: Any) -> Actor:
        return self.user(self.party(kind, **kw), *roles)
