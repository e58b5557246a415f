"""Builders for register tests: a registry officer, enterprises and patents through the API, pledges in force.

``add_patent`` writes an IP asset and its owners straight through the ORM: what a pledge or a loan needs, without the
registry's own services.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ippledge.access.model import PartyKind, Role
from ippledge.access.tables import Party
from ippledge.kernel.identifiers import patent_application, uscc
from ippledge.pledge.tables import Pledge, PledgeItem
from ippledge.registry.model import LegalState, Subtype, legal_expiry
from ippledge.registry.tables import Enterprise, IpAsset, IpOwner

_serial = itertools.count(1)
_asset_serial = itertools.count(100_001)  # add_patent's own numbers, apart from those made through the API


def new_uscc() -> str:
    return uscc.generate("9", "1", "110108", f"{next(_serial) + 10_000_000:08d}")


def patent_number(year: int = 2019, type_digit: int = 1) -> str:
    return patent_application.make(year, type_digit, next(_serial) + 1_000)


class Register:
    """A registry with an officer, able to add enterprises (each with a user) and patents."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.client = world.client
        self.officer = world.actor(PartyKind.REGISTRY, Role.REGISTRY_OFFICER)

    def enterprise(self, name: str | None = None) -> Any:
        body = {"name": name or f"企业{next(_serial)}", "uscc": new_uscc(), "region_code": "110108", "size": "small"}
        r = self.client.post("/enterprises", json=body, headers=self.officer.headers)
        assert r.status_code == 201, r.text
        with self.world.factory() as s:
            party = s.get(Party, r.json()["party_id"])
            s.expunge(party)
        return self.world.user(party, Role.ENTERPRISE_USER)

    def patent(self, *owners: Any, number: str | None = None, **extra: Any) -> dict[str, Any]:
        number = number or patent_number()
        body: dict[str, Any] = {
            "kind": "patent",
            "subtype": "invention",
            "number": number,
            "title": "一种测试方法",
            "filing_date": "2019-03-01",
            "grant_date": "2021-05-10",
            "ipc": ["A61K 31/495"],
            "owners": [{"party_id": o.party.id, "share_bp": 10_000 // len(owners)} for o in owners],
        }
        body.update(extra)
        r = self.client.post("/ip-assets", json=body, headers=self.officer.headers)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def event(self, asset_id: int, code: str, date: str) -> Any:
        return self.client.post(
            f"/ip-assets/{asset_id}/events", json={"code": code, "effective_date": date}, headers=self.officer.headers
        )


def pledge_in_force(
    factory: sessionmaker[Session], asset_id: int, pledgor_id: int, pledgee_id: int, registry_id: int
) -> int:
    """A pledge registered directly in the tables, as the pledge capability would leave it."""
    with factory.begin() as s:
        p = Pledge(
            registration_no=f"Y2024{asset_id:08d}",
            registry_id=registry_id,
            pledgor_id=pledgor_id,
            pledgee_id=pledgee_id,
            debt_amount=Decimal("5000000.00"),
            debt_end=dt.date(2027, 1, 1),
            effective_on=dt.date(2024, 1, 5),
            status="in_force",
        )
        s.add(p)
        s.flush()
        s.add(PledgeItem(pledge_id=p.id, ip_asset_id=asset_id, in_force=True))
        return p.id


@dataclass(frozen=True)
class Asset:
    id: int
    number: str  # compact application number as stored
    display: str  # ZL + formatted, as people type it


def add_patent(
    factory: sessionmaker[Session],
    owner_ids: list[int],
    *,
    subtype: Subtype = Subtype.INVENTION,
    filing_date: dt.date = dt.date(2018, 3, 1),
    grant_date: dt.date | None = dt.date(2020, 6, 1),
    status: LegalState = LegalState.IN_FORCE,
    **extra: Any,
) -> Asset:
    type_digit = {Subtype.INVENTION: 1, Subtype.UTILITY_MODEL: 2, Subtype.DESIGN: 3}[subtype]
    number = patent_application.make(filing_date.year, type_digit, next(_asset_serial))
    with factory.begin() as s:
        for pid in owner_ids:
            if s.get(Enterprise, pid) is None:
                s.add(Enterprise(party_id=pid, size="small", high_tech=True))
        asset = IpAsset(
            kind="patent",
            subtype=subtype.value,
            number=number,
            title=f"一种测试装置 {number}",
            filing_date=filing_date,
            grant_date=grant_date,
            expiry_date=legal_expiry(subtype, filing_date, grant_date),
            status=status.value,
            **extra,
        )
        s.add(asset)
        s.flush()
        share = 10_000 // len(owner_ids)
        for i, pid in enumerate(owner_ids):
            s.add(
                IpOwner(ip_asset_id=asset.id, party_id=pid, share_bp=share + (10_000 % len(owner_ids) if i == 0 else 0))
            )
        aid = asset.id
    return Asset(aid, number, "ZL" + patent_application.format(number))
