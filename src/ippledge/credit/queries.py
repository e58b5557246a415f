"""Published read face (查询接口) of credit: what other capabilities may read.

Typed, and party-scoped where a caller is given. Products are public offers (any bank's products in effect are
listed for enterprises applying to "any bank"); decisions are not."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import queries as access
from ippledge.access.model import PartyKind
from ippledge.credit.store import in_effect
from ippledge.credit.tables import CreditProduct, CreditProductVersion

# -- offers (read by intake through its port ``intake.ports.banks_offering``) ----------------------------------------


def banks_offering(session: Session, as_of: dt.date) -> list[int]:
    """Active banks with at least one product version in effect on ``as_of`` (an application to "any bank")."""
    stmt = (
        select(CreditProduct.bank_id)
        .join(CreditProductVersion, CreditProductVersion.product_id == CreditProduct.id)
        .where(*in_effect(as_of))
        .distinct()
    )
    found = access.parties(session, session.scalars(stmt))
    return sorted(p.id for p in found.values() if p.active and p.kind is PartyKind.BANK)
