"""Consent and data-gateway rules (授权与数据网关规则). Pure: no database, no framework.

A firm (the data subject) grants a bank (the grantee; for building whitelists also the platform operator) the right to
read some *fields* of one *source*, for one *purpose*, until an expiry date; it may revoke the grant at any moment. A
read names the source, the fields and the purpose; it is allowed only when one unrevoked, unexpired consent of that
firm to that grantee covers the source, the purpose and every field asked for (DOMAIN.md §10: PIPL -- every access
needs a purpose, consent with scope and expiry, and a log the firm can see). The firm reads its own data without a
consent (the data subject's right of access); that read is logged too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Source(StrEnum):
    IP_OFFICE = "ip_office"  # 知识产权局：法律状态与权属
    COPYRIGHT = "copyright"  # 版权登记
    TAX = "tax"  # 税务（银税互动）：纳税信用等级、营业收入、欠税
    SCI_TECH = "sci_tech"  # 科技部门：高新技术企业、科技型中小企业、研发费用
    CREDIT_BUREAU = "credit_bureau"  # 征信：银行负债、他行逾期与不良


class Purpose(StrEnum):
    CREDIT_ASSESSMENT = "credit_assessment"  # 授信审查
    SCHEME_ELIGIBILITY = "scheme_eligibility"  # 风险补偿准入
    POST_LOAN = "post_loan"  # 贷后监测
    POLICY_MATCHING = "policy_matching"  # 政策匹配
    WHITELIST = "whitelist"  # 白名单：平台遴选名单、银行查看推送企业 (record 0032)


SOURCE_ZH: dict[Source, str] = {
    Source.IP_OFFICE: "知识产权局",
    Source.COPYRIGHT: "版权登记机构",
    Source.TAX: "税务（银税互动）",
    Source.SCI_TECH: "科技部门",
    Source.CREDIT_BUREAU: "征信机构",
}

# The fields each source answers (the adapter contract, docs/gateway.md, names the same).
FIELDS: dict[Source, tuple[str, ...]] = {
    Source.IP_OFFICE: ("patents", "valid_patents", "valid_inventions", "abnormal_filings"),
    Source.COPYRIGHT: ("works", "registered_works"),
    Source.TAX: ("credit_grade", "revenue", "arrears"),
    Source.SCI_TECH: ("high_tech", "tech_sme", "rd_expense"),
    Source.CREDIT_BUREAU: ("bank_debt", "overdue", "npl_elsewhere"),
}
TAX_GRADES = ("A", "B", "M", "C", "D")  # 纳税信用等级 (DOMAIN.md §10)
MAX_CONSENT_DAYS = 366 * 3  # a consent runs at most three years (assumption: the sources set no limit; PIPL asks
# for a stated, limited period)


@dataclass(frozen=True)
class PatentStatus:
    number: str
    subtype: str  # invention | utility_model | design
    status: str  # valid | lapsed | invalidated | pending
    owner_uscc: str


@dataclass(frozen=True)
class IpOfficeRecord:
    """What the IP office says of a firm's patents on a day: legal status and ownership."""

    patents: tuple[PatentStatus, ...]
    abnormal_filings: int  # 非正常专利申请 flagged against the firm

    def fields(self) -> dict[str, Any]:
        valid = [p for p in self.patents if p.status == "valid"]
        return {
            "patents": [p.__dict__ for p in self.patents],
            "valid_patents": len(valid),
            "valid_inventions": sum(1 for p in valid if p.subtype == "invention"),
            "abnormal_filings": self.abnormal_filings,
        }


@dataclass(frozen=True)
class Work:
    reg_no: str
    kind: str  # work | software
    title: str
    owner_uscc: str


@dataclass(frozen=True)
class CopyrightRecord:
    works: tuple[Work, ...]

    def fields(self) -> dict[str, Any]:
        return {"works": [w.__dict__ for w in self.works], "registered_works": len(self.works)}


@dataclass(frozen=True)
class TaxRecord:
    credit_grade: str  # A | B | M | C | D
    revenue: Decimal  # last tax year's revenue, yuan
    arrears: Decimal  # tax owed and overdue (欠税), yuan

    def fields(self) -> dict[str, Any]:
        return {"credit_grade": self.credit_grade, "revenue": self.revenue, "arrears": self.arrears}


@dataclass(frozen=True)
class SciTechRecord:
    high_tech: bool  # 高新技术企业
    tech_sme: bool  # 科技型中小企业
    rd_expense: Decimal  # last year's R&D expense, yuan

    def fields(self) -> dict[str, Any]:
        return {"high_tech": self.high_tech, "tech_sme": self.tech_sme, "rd_expense": self.rd_expense}


@dataclass(frozen=True)
class CreditBureauRecord:
    bank_debt: Decimal  # 银行负债 at all banks, yuan
    overdue: Decimal  # overdue at other banks (他行逾期), yuan
    npl_elsewhere: Decimal  # non-performing at other banks (他行不良), yuan

    def fields(self) -> dict[str, Any]:
        return {"bank_debt": self.bank_debt, "overdue": self.overdue, "npl_elsewhere": self.npl_elsewhere}

    @property
    def clean(self) -> bool:
        """A clean credit record (无不良信用记录): nothing overdue and nothing non-performing elsewhere."""
        return self.overdue == 0 and self.npl_elsewhere == 0


@dataclass(frozen=True)
class Consent:
    """A consent as the rules read it."""

    id: int
    firm_id: int
    grantee_id: int
    source: Source
    fields: frozenset[str]
    purpose: Purpose
    granted_on: dt.date
    expires_on: dt.date
    revoked: bool

    def in_force(self, on: dt.date) -> bool:
        return not self.revoked and self.granted_on <= on <= self.expires_on

    def covers(self, grantee_id: int, source: Source, purpose: Purpose, fields: Iterable[str], on: dt.date) -> bool:
        return (
            self.in_force(on)
            and self.grantee_id == grantee_id
            and self.source == source
            and self.purpose == purpose
            and set(fields) <= self.fields
        )


def covering(
    consents: Iterable[Consent], grantee_id: int, source: Source, purpose: Purpose, fields: Iterable[str], on: dt.date
) -> Consent | None:
    """The consent that covers a read of ``fields`` (the one expiring last), or ``None``: the read is refused."""
    wanted = list(fields)
    found = [c for c in consents if c.covers(grantee_id, source, purpose, wanted, on)]
    return max(found, key=lambda c: (c.expires_on, c.id)) if found else None


def consented_fields(
    consents: Iterable[Consent], grantee_id: int, source: Source, purpose: Purpose, on: dt.date
) -> frozenset[str]:
    """Every field of ``source`` that some consent in force lets ``grantee_id`` read for ``purpose``."""
    out: set[str] = set()
    for c in consents:
        if c.in_force(on) and c.grantee_id == grantee_id and c.source == source and c.purpose == purpose:
            out |= c.fields
    return frozenset(out)


def consent_problems(
    source: str, fields: Iterable[str], purpose: str, expires_on: dt.date, today: dt.date
) -> list[tuple[str, str, str]]:
    """Every bad part of a consent to be granted, as ``(field, zh, en)``; an empty list when it may be granted."""
    out: list[tuple[str, str, str]] = []
    wanted = list(fields)
    if source not in {s.value for s in Source}:
        out.append(("source", f"未知的数据来源：{source}", f"unknown source: {source}"))
    else:
        unknown = sorted(set(wanted) - set(FIELDS[Source(source)]))
        if unknown:
            bad = ", ".join(unknown)
            out.append(("fields", f"该来源没有这些字段：{bad}", f"the source has no fields: {bad}"))
    if not wanted:
        out.append(("fields", "至少授权一个字段", "grant at least one field"))
    if purpose not in {p.value for p in Purpose}:
        out.append(("purpose", f"未知的用途：{purpose}", f"unknown purpose: {purpose}"))
    if expires_on < today:
        out.append(("expires_on", "到期日早于今天", "the expiry is before today"))
    elif (expires_on - today).days > MAX_CONSENT_DAYS:
        out.append(("expires_on", "授权期限不得超过三年", "a consent runs at most three years"))
    return out


def grantee_may_hold(grantee_kind: str | None, purpose: str) -> bool:
    """Who may be a grantee: a bank, for any purpose; the platform operator (贷款服务中心) only for ``whitelist``
    (building lists on the firm's tax grade, record 0032). Any other party kind holds no consent."""
    if grantee_kind == "bank":
        return True
    return grantee_kind == "platform" and purpose == Purpose.WHITELIST.value


def select_fields(values: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """Only ``fields`` of a source's answer: the rest is never returned."""
    return {f: values[f] for f in fields}
