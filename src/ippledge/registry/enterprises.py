"""Enterprises on the register (企业登记): an enterprise party with its profile (region, industry, size, revenue)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access_queries
from ippledge.access import service as access_service
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.money import money, to_fen
from ippledge.registry import errors
from ippledge.registry.guards import require_registry_writer
from ippledge.registry.tables import Enterprise

SIZES = ("micro", "small", "medium", "large")
_REGION = re.compile(r"\d{6}", re.ASCII)
_INDUSTRY = re.compile(r"[A-T](\d{2}(\d{1,2})?)?", re.ASCII)  # GB/T 4754: section letter, division, group, class


def register_enterprise(
    session: Session,
    principal: Principal,
    *,
    name: str,
    uscc: str,
    region_code: str,
    industry: str | None = None,
    size: str | None = None,
    annual_revenue: Decimal | str | int | None = None,
    revenue_year: int | None = None,
    employees: int | None = None,
    founded_on: dt.date | None = None,
    high_tech: bool = False,
) -> Enterprise:
    """An enterprise party with its register profile. Registry officers and the platform operator onboard firms."""
    if principal.party_kind is PartyKind.PLATFORM:
        principal.require(Role.ADMIN, Role.OPERATOR)
    else:
        require_registry_writer(principal)
    if not uscc or not uscc.strip():
        raise errors.USCC_REQUIRED()
    if not isinstance(region_code, str) or not _REGION.fullmatch(region_code):
        raise errors.REGION_CODE(region_code=region_code)
    if industry is not None and not _INDUSTRY.fullmatch(industry):
        raise errors.INDUSTRY_CODE(industry=industry)
    if size is not None and size not in SIZES:
        raise errors.ENTERPRISE_SIZE(size=size)
    revenue_fen = None
    if annual_revenue is not None:
        revenue = money(annual_revenue)
        if revenue < 0:
            raise errors.REVENUE_NEGATIVE()
        revenue_fen = to_fen(revenue)
    if employees is not None and employees < 0:
        raise errors.EMPLOYEES_NEGATIVE()
    party = access_service.create_party(session, principal, PartyKind.ENTERPRISE, name, uscc, region_code)
    ent = Enterprise(
        party_id=party.id,
        industry=industry,
        size=size,
        annual_revenue_fen=revenue_fen,
        revenue_year=revenue_year,
        employees=employees,
        founded_on=founded_on,
        high_tech=high_tech,
    )
    session.add(ent)
    session.flush()
    audit.record(
        session,
        principal,
        "enterprise.registered",
        "party",
        party.id,
        {"uscc": party.uscc, "region_code": region_code, "size": size, "revenue_fen": revenue_fen},
    )
    return ent


def get_enterprise(
    session: Session, principal: Principal, party_id: int
) -> tuple[Enterprise, access_queries.PartyView]:
    ent = scope.get_visible(session, Enterprise, party_id, principal)
    party = access_queries.party(session, party_id)
    assert party is not None
    return ent, party
