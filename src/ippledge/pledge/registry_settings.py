"""Registry settings (登记机关设置): the decision time limit in working days, the office code printed in registration
numbers, and the IP kinds a registry registers. CNIPA decides patent and trademark pledges within 3 working days
(1 at the Beijing window); the Copyright Protection Centre within 10 calendar days (DOMAIN.md §3), so the limit
carries how its days count (``day_basis``). Parameters are data: the
registry's admin changes them, every change is audited with before and after, and ``version`` counts edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.pledge import errors
from ippledge.pledge.model import (
    DEFAULT_OFFICE_CODE,
    DEFAULT_TIME_LIMIT_WORKING_DAYS,
    DayBasis,
    validate_day_basis,
    validate_office_code,
    validate_time_limit,
)
from ippledge.pledge.tables import RegistrySettings
from ippledge.registry.model import IpKind

ALL_KINDS = frozenset(IpKind)


@dataclass(frozen=True)
class Settings:
    registry_id: int
    time_limit_working_days: int
    registration_prefix: str
    ip_kinds: frozenset[IpKind]
    version: int  # 0 = defaults, never edited
    day_basis: DayBasis = DayBasis.WORKING

    def to_dict(self) -> dict[str, object]:
        return {
            "registry_id": self.registry_id,
            "time_limit_working_days": self.time_limit_working_days,
            "registration_prefix": self.registration_prefix,
            "ip_kinds": sorted(k.value for k in self.ip_kinds),
            "version": self.version,
            "day_basis": self.day_basis.value,
        }


def _kinds(text: str) -> frozenset[IpKind]:
    return frozenset(IpKind(k) for k in text.split())


def effective(session: Session, registry_id: int) -> Settings:
    row = session.get(RegistrySettings, registry_id)
    if row is None:
        return Settings(registry_id, DEFAULT_TIME_LIMIT_WORKING_DAYS, DEFAULT_OFFICE_CODE, ALL_KINDS, 0)
    return Settings(
        registry_id,
        row.time_limit_working_days,
        row.registration_prefix,
        _kinds(row.ip_kinds),
        row.version,
        DayBasis(row.day_basis or DayBasis.WORKING.value),
    )


def update(
    session: Session,
    principal: Principal,
    time_limit_working_days: int | None = None,
    registration_prefix: str | None = None,
    ip_kinds: Sequence[str] | None = None,
    day_basis: str | None = None,
) -> Settings:
    """The registry's admin changes its own settings (audited)."""
    principal.require_kind(PartyKind.REGISTRY)
    principal.require(Role.ADMIN)
    before = effective(session, principal.party_id)
    days = validate_time_limit(time_limit_working_days or before.time_limit_working_days)
    basis = validate_day_basis(day_basis) if day_basis is not None else before.day_basis
    prefix = validate_office_code(registration_prefix or before.registration_prefix)
    if ip_kinds is not None:
        try:
            kinds = frozenset(IpKind(k) for k in ip_kinds)
        except ValueError:
            raise errors.IP_KIND(kinds=", ".join(ip_kinds)) from None
        if not kinds:
            raise errors.IP_KIND.kind(
                "至少办理一类知识产权", "at least one IP kind is required", code=errors.IP_KIND.code
            )
    else:
        kinds = before.ip_kinds
    row = session.get(RegistrySettings, principal.party_id)
    if row is None:
        row = RegistrySettings(party_id=principal.party_id, version=0)
        session.add(row)
    row.time_limit_working_days = days
    row.registration_prefix = prefix
    row.day_basis = basis.value
    row.ip_kinds = " ".join(sorted(k.value for k in kinds))
    row.version = (row.version or 0) + 1
    row.updated_by = principal.user_id
    session.flush()
    after = effective(session, principal.party_id)
    audit.record(
        session,
        principal,
        "pledge.registry_settings_changed",
        "registry_settings",
        principal.party_id,
        {"before": before.to_dict(), "after": after.to_dict()},
    )
    return after
