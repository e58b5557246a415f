"""Builders for pledge tests: IP assets and owners written straight through the ORM, and a settable business date.

The registry capability's own services are written elsewhere; these helpers insert only what a pledge needs.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ippledge.kernel.identifiers import patent_application
from ippledge.registry.model import LegalState, Subtype, legal_expiry
from ippledge.registry.tables import Enterprise, IpAsset, IpOwner

_serial = itertools.count(100_001)


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
    number = patent_application.make(filing_date.year, type_digit, next(_serial))
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


class Clock:
    """Stands in for ``ippledge.web.deps.business_date`` so a test can move the registry's calendar day."""

    def __init__(self, today: dt.date) -> None:
        self.today = today

    def __call__(self) -> dt.date:
        return self.today


def install_clock(app: Any, today: dt.date) -> Clock:
    from ippledge.web.deps import business_date

    clock = Clock(today)
    app.dependency_overrides[business_date] = clock
    return clock


def filing_body(registry_id: int, pledgor_id: int, pledgee_id: int, numbers: list[str], **kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "registry_id": registry_id,
        "pledgor_id": pledgor_id,
        "pledgee_id": pledgee_id,
        "ip_numbers": numbers,
        "debt_type": "流动资金贷款",
        "debt_amount": "5000000.00",
        "debt_start": "2024-09-30",
        "debt_end": "2027-09-29",
        "security_scope": "主债权本金、利息、违约金及实现质权的费用",
    }
    body.update(kw)
    return body
