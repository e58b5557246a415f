"""Demo accounts (演示账号) of the simulated market: who logs in as what. Pure: a plan, no database.

Every institution gets ``<key>.admin`` plus users for its working roles, e.g. ``bank3.officer`` (maker) and
``bank3.approver`` (checker), ``registry.patent.officer``; in ``small`` every enterprise gets ``ent0001.admin``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ippledge.access.model import PartyKind, Role, check_roles_allowed

# Demo only: the shared password of every simulated account. Never use it (or a simulated database) in production.
DEMO_PASSWORD = "ippledge-demo"

# Working users per party kind: (username suffix, roles).
_USERS: dict[PartyKind, tuple[tuple[str, tuple[Role, ...]], ...]] = {
    PartyKind.BANK: (("officer", (Role.CREDIT_OFFICER,)), ("approver", (Role.APPROVER,))),
    PartyKind.GUARANTOR: (("officer", (Role.CREDIT_OFFICER, Role.UNDERWRITER)), ("approver", (Role.APPROVER,))),
    PartyKind.VALUER: (("valuer", (Role.VALUER,)),),
    PartyKind.IP_OPERATOR: (("operator", (Role.OPERATOR, Role.VALUER)), ("approver", (Role.APPROVER,))),
    PartyKind.INSURER: (("underwriter", (Role.UNDERWRITER,)), ("approver", (Role.APPROVER,))),
    PartyKind.FUND: (("reviewer", (Role.FUND_REVIEWER,)), ("approver", (Role.APPROVER,))),
    PartyKind.REGISTRY: (("officer", (Role.REGISTRY_OFFICER,)),),
    PartyKind.REGULATOR: (("analyst", (Role.ANALYST,)),),
    PartyKind.PLATFORM: (("operator", (Role.OPERATOR,)),),
    PartyKind.ENTERPRISE: (),
}


@dataclass(frozen=True)
class Account:
    party_key: str  # institution key, or ``ent<index>`` for an enterprise
    username: str
    display_name: str
    roles: frozenset[Role]


def institution_accounts(key: str, kind: PartyKind, name: str, prefix: str = "") -> list[Account]:
    """The admin and working users of one institution; roles are checked against ``ALLOWED_ROLES``."""
    plan = [("admin", (Role.ADMIN,)), *_USERS[kind]]
    out = []
    for suffix, roles in plan:
        role_set = frozenset(roles)
        check_roles_allowed(kind, role_set)
        out.append(Account(key, f"{prefix}{key}.{suffix}", f"{name} {suffix}", role_set))
    return out


def enterprise_key(index: int) -> str:
    return f"ent{index + 1:04d}"


def enterprise_account(index: int, name: str, prefix: str = "") -> Account:
    key = enterprise_key(index)
    roles = frozenset({Role.ADMIN, Role.ENTERPRISE_USER})
    check_roles_allowed(PartyKind.ENTERPRISE, roles)
    return Account(key, f"{prefix}{key}.admin", f"{name} 管理员", roles)
