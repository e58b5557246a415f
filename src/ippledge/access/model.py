"""Parties and roles (参与方与角色): pure rules, no I/O.

A *party* is an institution of one of the kinds in DOMAIN.md §1. Users belong to exactly one party and hold roles that
the party's kind allows; API keys act for a party with a fixed set of roles. A :class:`Principal` is whoever is
calling, and every read is scoped to ``principal.party_id`` in one place (``access.scope``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources

from ippledge.access import errors


class PartyKind(StrEnum):
    ENTERPRISE = "enterprise"  # 企业（出质人/借款人）
    BANK = "bank"  # 银行（质权人）
    VALUER = "valuer"  # 资产评估机构
    IP_OPERATOR = "ip_operator"  # 知识产权运营机构
    INSURER = "insurer"  # 保险公司
    GUARANTOR = "guarantor"  # 融资担保公司
    REGISTRY = "registry"  # 登记机关（国家知识产权局、中国版权保护中心）
    FUND = "fund"  # 风险补偿资金管理机构
    REGULATOR = "regulator"  # 金融监管局
    PLATFORM = "platform"  # 贷款服务中心（平台运营方）


PARTY_KIND_ZH: dict[PartyKind, str] = {
    PartyKind.ENTERPRISE: "企业",
    PartyKind.BANK: "银行",
    PartyKind.VALUER: "资产评估机构",
    PartyKind.IP_OPERATOR: "知识产权运营机构",
    PartyKind.INSURER: "保险公司",
    PartyKind.GUARANTOR: "融资担保公司",
    PartyKind.REGISTRY: "登记机关",
    PartyKind.FUND: "风险补偿资金管理机构",
    PartyKind.REGULATOR: "金融监管机构",
    PartyKind.PLATFORM: "贷款服务中心",
}


class Role(StrEnum):
    ADMIN = "admin"  # 机构管理员: manages the party's users and keys
    ENTERPRISE_USER = "enterprise_user"  # 企业经办人
    CREDIT_OFFICER = "credit_officer"  # 客户经理/信贷员 (maker)
    APPROVER = "approver"  # 审批人 (checker)
    REGISTRY_OFFICER = "registry_officer"  # 登记审查员
    VALUER = "valuer"  # 评估师
    UNDERWRITER = "underwriter"  # 核保/担保审查
    FUND_REVIEWER = "fund_reviewer"  # 补偿审核员
    ANALYST = "analyst"  # 监管统计
    OPERATOR = "operator"  # 平台运营


# Which roles a party kind may grant. An admin role exists everywhere.
ALLOWED_ROLES: dict[PartyKind, frozenset[Role]] = {
    PartyKind.ENTERPRISE: frozenset({Role.ADMIN, Role.ENTERPRISE_USER}),
    PartyKind.BANK: frozenset({Role.ADMIN, Role.CREDIT_OFFICER, Role.APPROVER}),
    PartyKind.GUARANTOR: frozenset({Role.ADMIN, Role.CREDIT_OFFICER, Role.APPROVER, Role.UNDERWRITER}),
    PartyKind.VALUER: frozenset({Role.ADMIN, Role.VALUER}),
    PartyKind.IP_OPERATOR: frozenset({Role.ADMIN, Role.VALUER, Role.OPERATOR, Role.APPROVER}),
    PartyKind.INSURER: frozenset({Role.ADMIN, Role.UNDERWRITER, Role.APPROVER}),
    PartyKind.REGISTRY: frozenset({Role.ADMIN, Role.REGISTRY_OFFICER}),
    PartyKind.FUND: frozenset({Role.ADMIN, Role.FUND_REVIEWER, Role.APPROVER}),
    PartyKind.REGULATOR: frozenset({Role.ADMIN, Role.ANALYST}),
    PartyKind.PLATFORM: frozenset({Role.ADMIN, Role.OPERATOR}),
}

# Kinds that may be the pledgee (质权人) of a registered pledge.
PLEDGEE_KINDS = frozenset({PartyKind.BANK, PartyKind.GUARANTOR, PartyKind.IP_OPERATOR})
# Kinds that see registry facts (status, owners, pledges) of every IP: public-register readers.
REGISTER_READERS = frozenset(
    {PartyKind.REGISTRY, PartyKind.REGULATOR, PartyKind.PLATFORM, PartyKind.BANK, PartyKind.GUARANTOR}
)


def check_roles_allowed(kind: PartyKind, roles: frozenset[Role]) -> None:
    """Refuse roles the party's kind cannot hold (a bank cannot have registry officers)."""
    bad = sorted(r.value for r in roles - ALLOWED_ROLES[kind])
    if bad:
        raise errors.ROLE_NOT_ALLOWED(
            party_kind=kind.value, roles=bad, party_kind_zh=PARTY_KIND_ZH[kind], listed=", ".join(bad)
        )


@dataclass(frozen=True)
class Principal:
    """The caller: a user or an API key, acting for one party with some roles."""

    party_id: int
    party_kind: PartyKind
    roles: frozenset[Role]
    user_id: int | None = None
    api_key_id: int | None = None
    name: str = field(default="", compare=False)

    def has(self, role: Role) -> bool:
        return role in self.roles

    def require(self, *roles: Role) -> None:
        """Require at least one of ``roles``."""
        if not self.roles.intersection(roles):
            wanted = ", ".join(r.value for r in roles)
            raise errors.ROLE_REQUIRED(required=[r.value for r in roles], wanted=wanted)

    def require_kind(self, *kinds: PartyKind) -> None:
        if self.party_kind not in kinds:
            wanted = ", ".join(k.value for k in kinds)
            raise errors.PARTY_KIND(
                required=[k.value for k in kinds],
                actual=self.party_kind.value,
                wanted=wanted,
                wanted_zh="、".join(PARTY_KIND_ZH[k] for k in kinds),
            )

    @property
    def actor(self) -> str:
        """How the audit trail names the caller."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        if self.api_key_id is not None:
            return f"apikey:{self.api_key_id}"
        return "system"


SYSTEM = Principal(party_id=0, party_kind=PartyKind.PLATFORM, roles=frozenset({Role.OPERATOR}), name="system")


# Approvals a capability proposes and carries out itself (主体自行决定的复核事项): the subject type, and the route where
# the checker decides it, so that approving also acts (grants the credit, books the write-off, pays the claim or the
# subsidy). The generic ``POST /approvals/{id}/decision`` refuses them: approving there would act on nothing.
CREDIT_DECISION = "credit_decision"
LOAN_WRITE_OFF = "loan_write_off"
LOAN_EXTENSION = "loan_extension"
RISK_CLAIM = "risk_claim"
RISK_SUBSIDY = "risk_subsidy"
MONITORING_ACTION = "monitoring_action"
DECIDED_WHERE: dict[str, str] = {
    CREDIT_DECISION: "POST /credit-decisions/{id}/approve | /reject",
    LOAN_WRITE_OFF: "POST /loan-write-offs/{id}/decision",
    LOAN_EXTENSION: "POST /loans/{loan_id}/extensions/{id}/decision",
    RISK_CLAIM: "POST /risk-claims/{id}/decision",
    RISK_SUBSIDY: "POST /risk-subsidies/{id}/decision",
    MONITORING_ACTION: "POST /monitoring/actions/{id}/decision",
}


# Login throttling (登录限速与锁定): after ``threshold`` failures in a row for one account, or from one source address,
# logins there pause for ``base_seconds``, doubling with every further failure up to ``max_seconds``. Failures are
# forgotten ``window_seconds`` after the last one; a successful login clears its account's count (not its address's,
# so one account an attacker controls does not reset the count of the address it sprays from).
ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class LoginPolicy:
    """Thresholds and back-off of login throttling (``IPPLEDGE_LOGIN_*`` settings)."""

    account_threshold: int = 5
    address_threshold: int = 20
    base_seconds: int = 30
    max_seconds: int = 3600
    window_seconds: int = 900

    def threshold(self, scope: str) -> int:
        return self.account_threshold if scope == ACCOUNT else self.address_threshold


def lock_seconds(failures: int, threshold: int, policy: LoginPolicy) -> int:
    """How long logins pause after the ``failures``-th failure in a row: 0 below the threshold, then
    ``base * 2^(failures - threshold)``, capped at ``max_seconds``."""
    if failures < threshold:
        return 0
    doublings = min(failures - threshold, 32)  # 2^32 · base is past any cap; avoids huge integers
    return min(policy.base_seconds * (1 << doublings), policy.max_seconds)


# -- bank organisation (银行机构) -----------------------------------------------------------------------------------


class BranchLevel(StrEnum):
    """总行 head office, 分行 branch, 支行 sub-branch: a bank's tree, one head office at the root."""

    HEAD_OFFICE = "head_office"
    BRANCH = "branch"
    SUB_BRANCH = "sub_branch"


class BranchType(StrEnum):
    """What the regulator counts (DOMAIN.md §10; the article: 80+ 科技特色支行 and 50+ 文化特色支行 in Beijing)."""

    TECH = "tech"  # 科技金融特色支行
    CULTURE = "culture"  # 文化金融特色支行
    ORDINARY = "ordinary"


# The level a branch's parent must have (the head office has none).
PARENT_LEVEL: dict[BranchLevel, BranchLevel | None] = {
    BranchLevel.HEAD_OFFICE: None,
    BranchLevel.BRANCH: BranchLevel.HEAD_OFFICE,
    BranchLevel.SUB_BRANCH: BranchLevel.BRANCH,
}


def branch_level(value: str) -> BranchLevel:
    try:
        return BranchLevel(value)
    except ValueError:
        raise errors.BRANCH_LEVEL(value=value, known=", ".join(x.value for x in BranchLevel)) from None


def branch_type(value: str) -> BranchType:
    try:
        return BranchType(value)
    except ValueError:
        raise errors.BRANCH_LEVEL(value=value, known=", ".join(x.value for x in BranchType)) from None


def check_parent(level: BranchLevel, parent_level: BranchLevel | None, same_bank: bool) -> None:
    """A head office has no parent; a branch sits under its bank's head office, a sub-branch under a branch."""
    wanted = PARENT_LEVEL[level]
    if wanted is None and parent_level is None:
        return
    if wanted is None or parent_level is not wanted or not same_bank:
        raise errors.BRANCH_PARENT(
            level=level.value,
            wanted="none" if wanted is None else wanted.value,
            parent="none" if parent_level is None else parent_level.value,
        )


@cache
def _areas() -> dict[str, str]:
    """County-level divisions (区县), code -> name, from the packaged NBS table (``ippledge/data/cn_areas.csv``)."""
    text = resources.files("ippledge.data").joinpath("cn_areas.csv").read_text(encoding="utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(io.StringIO(text))}


def region_name(code: str) -> str:
    """The county-level division's name (e.g. ``110108`` 海淀区); ``access.branch_region`` for an unknown code."""
    name = _areas().get(code)
    if name is None:
        raise errors.BRANCH_REGION(region_code=code)
    return name


def areas_in(prefix: str) -> dict[str, str]:
    """The county-level divisions whose code starts with ``prefix`` (``11``: Beijing's 16 districts), code -> name."""
    return {code: name for code, name in _areas().items() if code.startswith(prefix)}
