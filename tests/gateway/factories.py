"""Builders of the gateway tests: a firm with a USCC, two banks, and helpers to grant and read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import PartyKind, Role
from ippledge.access.tables import Party
from ippledge.kernel.identifiers import uscc
from tests.pledge.factories import install_clock

TODAY = dt.date(2025, 6, 3)
_n = 0


def new_uscc() -> str:
    global _n
    _n += 1
    return uscc.generate("9", "1", "110108", f"{_n:08d}")


class GatewayDesk:
    """A firm (with a USCC), two banks with officers, and the regulator."""

    def __init__(self, world: Any, app: Any, factory: sessionmaker[Session]) -> None:
        self.world = world
        self.client = world.client
        self.clock = install_clock(app, TODAY)
        self.firm = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
        self.uscc = new_uscc()
        with factory.begin() as s:
            row = s.get(Party, self.firm.party.id)
            assert row is not None
            row.uscc = self.uscc
        self.bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
        self.bank2 = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
        self.regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)

    def grant(self, source: str, fields: list[str], purpose: str = "credit_assessment", **kw: Any) -> dict[str, Any]:
        body = {
            "grantee_id": kw.pop("grantee_id", self.bank.party.id),
            "source": source,
            "fields": fields,
            "purpose": purpose,
            "expires_on": kw.pop("expires_on", "2026-06-02"),
        }
        r = self.client.post("/consents", json=body, headers=kw.pop("who", self.firm).headers)
        assert r.status_code == kw.pop("expect", 201), r.text
        return dict(r.json())

    def read(self, who: Any, source: str, purpose: str = "credit_assessment", fields: list[str] | None = None) -> Any:
        params: dict[str, Any] = {"purpose": purpose}
        if fields is not None:
            params["fields"] = fields
        return self.client.get(f"/gateway/firms/{self.firm.party.id}/{source}", params=params, headers=who.headers)
