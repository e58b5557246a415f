"""Demand rules (融资需求规则): a demand's fields, a survey line's checks, matching a demand to bank products with an
explanation, and the conversion funnel (转化漏斗). Pure: no I/O.

Matching reads each product version in effect as the bank published it (``credit.model.ProductRules``): amount range,
longest term, LTV caps by IP kind against the model value (P50) of the IP the firm offers, and the price cap over the
1-year LPR; the region is the bank's registered division against the firm's (same province). A check whose fact is
missing (no model value for the offered IP) is *unknown*, and a product with an unknown check ranks after the
eligible ones and before the ineligible.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final

from ippledge.kernel.errors import IppledgeError
from ippledge.kernel.money import money

MAX_AMOUNT: Final = Decimal("1000000000")  # 10亿元: above any single IP pledge deal (DOMAIN.md §9: ~72% under 10m)
MAX_TERM_MONTHS: Final = 120
SURVEY_COLUMNS: Final = ("uscc", "amount", "term_months", "use", "ip_numbers", "needed_by")


class Use(StrEnum):
    """What the money is for (资金用途)."""

    WORKING_CAPITAL = "working_capital"  # 流动资金
    RESEARCH = "research"  # 研发投入
    EQUIPMENT = "equipment"  # 设备购置
    TECH_TRANSFER = "tech_transfer"  # 技术引进/成果转化
    OTHER = "other"  # 其他


USE_ZH: Final[dict[str, Use]] = {
    "流动资金": Use.WORKING_CAPITAL,
    "研发投入": Use.RESEARCH,
    "设备购置": Use.EQUIPMENT,
    "成果转化": Use.TECH_TRANSFER,
    "其他": Use.OTHER,
}


class Source(StrEnum):
    API = "api"
    SURVEY = "survey"
    EVENT = "event"


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message_zh: str
    message_en: str


def parse_amount(text: str) -> Decimal | Problem:
    try:
        value = money(text.replace(",", "").strip())
    except (InvalidOperation, ValueError, ArithmeticError, TypeError, IppledgeError):
        return Problem("amount", "demand.amount", "金额应为数字（元）", "the amount is a number of yuan")
    if not Decimal(0) < value <= MAX_AMOUNT:
        return Problem("amount", "demand.amount", "金额应大于0且不超过10亿元", "the amount is above 0 and at most 1bn")
    return value


def parse_term(text: str) -> int | Problem:
    t = text.strip()
    if not (t.isascii() and t.isdigit()) or not 1 <= int(t) <= MAX_TERM_MONTHS:
        return Problem("term_months", "demand.term", "期限应为1至120个月", "the term is 1 to 120 months")
    return int(t)


def parse_use(text: str) -> Use | Problem:
    t = text.strip()
    if t in USE_ZH:
        return USE_ZH[t]
    try:
        return Use(t)
    except ValueError:
        allowed = ", ".join(u.value for u in Use)
        return Problem("use", "demand.use", f"资金用途无效（应为{allowed}或中文名）", f"unknown use (one of {allowed})")


def parse_date(text: str) -> dt.date | Problem | None:
    t = text.strip()
    if not t:
        return None
    try:
        return dt.date.fromisoformat(t)
    except ValueError:
        return Problem("needed_by", "demand.date", "用款时间应为YYYY-MM-DD", "needed_by is YYYY-MM-DD")


# -- matching --------------------------------------------------------------------------------------------------


class Check(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class OfferedIp:
    asset_id: int
    subtype: str
    value: Decimal | None  # model P50, yuan; None when the engine has not valued it


@dataclass(frozen=True)
class DemandFacts:
    amount: Decimal
    term_months: int
    region_code: str | None
    ip: Sequence[OfferedIp]


@dataclass(frozen=True)
class Offer:
    bank_id: int
    bank_region: str | None
    product_id: int
    code: str
    name: str
    min_amount: Decimal
    max_amount: Decimal
    max_term_months: int
    ltv_bp: Mapping[str, int]
    ip_required: bool  # for this amount (credit + IP products lend without a pledge up to a threshold)
    rate_cap_bp: int | None  # the price cap on the day, in bp (LPR x multiple or LPR + margin)


@dataclass(frozen=True)
class Explained:
    check: str
    outcome: str
    zh: str
    en: str


@dataclass(frozen=True)
class Match:
    offer: Offer
    outcome: Check
    supported: Decimal | None  # the lending value of the offered IP under the product's LTV caps
    checks: tuple[Explained, ...]
    rank: int = 0


def _ltv(demand: DemandFacts, offer: Offer) -> tuple[Explained, Decimal | None]:
    if not offer.ip_required:
        return Explained("ltv", Check.PASS, "该金额内无需知识产权质押", "no IP pledge needed at this amount"), None
    if not demand.ip:
        return Explained(
            "ltv", Check.FAIL, "该产品需要知识产权质押，需求未提供知识产权", "the product needs pledged IP"
        ), None
    if any(i.value is None for i in demand.ip):
        return Explained(
            "ltv", Check.UNKNOWN, "部分知识产权尚无模型估值", "some offered IP has no model value yet"
        ), None
    supported = sum(
        ((i.value or Decimal(0)) * offer.ltv_bp.get(i.subtype, 0) / 10_000 for i in demand.ip), Decimal(0)
    ).quantize(Decimal("0.01"))
    ok = supported >= demand.amount
    zh = f"质押物可贷价值{supported}元{'≥' if ok else '<'}需求{demand.amount}元"
    en = f"lending value of the IP {supported} {'>=' if ok else '<'} the {demand.amount} asked"
    return Explained("ltv", Check.PASS if ok else Check.FAIL, zh, en), supported


def _region(demand: DemandFacts, offer: Offer) -> Explained:
    if offer.bank_region is None:
        return Explained("region", Check.PASS, "银行未限定服务地区", "the bank serves every region")
    if demand.region_code is None:
        return Explained("region", Check.UNKNOWN, "企业所在地区未登记", "the firm's region is not registered")
    ok = demand.region_code[:2] == offer.bank_region[:2]
    return Explained(
        "region",
        Check.PASS if ok else Check.FAIL,
        f"企业地区{demand.region_code}{'在' if ok else '不在'}银行服务省份{offer.bank_region[:2]}",
        f"the firm's region {demand.region_code} is {'' if ok else 'not '}in the bank's province "
        f"{offer.bank_region[:2]}",
    )


def match_one(demand: DemandFacts, offer: Offer) -> Match:
    checks: list[Explained] = []
    in_range = offer.min_amount <= demand.amount <= offer.max_amount
    checks.append(
        Explained(
            "amount",
            Check.PASS if in_range else Check.FAIL,
            f"需求{demand.amount}元{'在' if in_range else '不在'}产品额度{offer.min_amount}-{offer.max_amount}元内",
            f"{demand.amount} is {'' if in_range else 'not '}within {offer.min_amount}-{offer.max_amount}",
        )
    )
    term_ok = demand.term_months <= offer.max_term_months
    checks.append(
        Explained(
            "term",
            Check.PASS if term_ok else Check.FAIL,
            f"期限{demand.term_months}个月{'≤' if term_ok else '>'}产品最长{offer.max_term_months}个月",
            f"term {demand.term_months} {'<=' if term_ok else '>'} the product's {offer.max_term_months} months",
        )
    )
    ltv, supported = _ltv(demand, offer)
    checks.append(ltv)
    checks.append(_region(demand, offer))
    price = offer.rate_cap_bp
    checks.append(
        Explained(
            "price",
            Check.PASS,
            f"利率上限{price / 100:.2f}%" if price is not None else "利率上限未定",
            f"rate cap {price / 100:.2f}%" if price is not None else "no rate cap",
        )
    )
    outs = [Check(c.outcome) for c in checks]
    outcome = Check.FAIL if Check.FAIL in outs else Check.UNKNOWN if Check.UNKNOWN in outs else Check.PASS
    return Match(offer, outcome, supported, tuple(checks))


_ORDER: Final = {Check.PASS: 0, Check.UNKNOWN: 1, Check.FAIL: 2}


def match(demand: DemandFacts, offers: Iterable[Offer]) -> list[Match]:
    """Every offer judged and ranked: eligible first, then unknown, then ineligible; within each, the lower price
    cap, then the larger lending value, then bank and product id (reproducible)."""
    found = [match_one(demand, o) for o in offers]
    found.sort(
        key=lambda m: (
            _ORDER[m.outcome],
            m.offer.rate_cap_bp if m.offer.rate_cap_bp is not None else 10**9,
            -(m.supported or Decimal(0)),
            m.offer.bank_id,
            m.offer.product_id,
        )
    )
    return [Match(m.offer, m.outcome, m.supported, m.checks, i) for i, m in enumerate(found, start=1)]


# -- the conversion funnel (转化漏斗) ----------------------------------------------------------------------------

STAGES: Final = ("pushed", "contacted", "applied", "approved", "lent")
_REACH: Final = {"pushed": 0, "contacted": 1, "visited": 1, "applied": 2, "approved": 3}


class GroupBy(StrEnum):
    LIST = "list"
    BANK = "bank"
    BRANCH = "branch"
    PERIOD = "period"  # the month pushed, YYYY-MM
    EVENT = "event"  # the event whose follow-up tasks these are (活动); "-" for whitelist pushes


@dataclass(frozen=True)
class FunnelInput:
    whitelist_id: int | None  # None: an event's follow-up task
    bank_id: int
    branch: str | None
    pushed_on: dt.date
    furthest: str  # the furthest feedback step reached
    lent: Decimal | None  # the first loan the bank disbursed to the firm after the push, yuan; None when none
    event_id: int | None = None  # the event the firm attended, for an event's follow-up task


@dataclass
class FunnelRow:
    key: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    lent_amount: Decimal = Decimal("0.00")

    def rates(self) -> dict[str, float | None]:
        """Each stage as a share of the one before (转化率)."""
        out: dict[str, float | None] = {}
        for prev, stage in itertools.pairwise(STAGES):
            base = self.counts[prev]
            out[stage] = round(self.counts[stage] / base, 4) if base else None
        return out


def key_of(row: FunnelInput, by: GroupBy) -> str:
    if by is GroupBy.LIST:
        return str(row.whitelist_id) if row.whitelist_id is not None else "-"
    if by is GroupBy.EVENT:
        return str(row.event_id) if row.event_id is not None else "-"
    if by is GroupBy.BANK:
        return str(row.bank_id)
    if by is GroupBy.BRANCH:
        return f"{row.bank_id}:{row.branch or '-'}"
    return row.pushed_on.strftime("%Y-%m")


def funnel(rows: Iterable[FunnelInput], by: GroupBy) -> list[FunnelRow]:
    """Counts per stage by group: a firm counts at every stage up to the furthest it reached (a skipped step counts:
    a firm that applied was contacted); "lent" when the bank disbursed to it after the push."""
    groups: dict[str, FunnelRow] = {}
    for r in rows:
        g = groups.setdefault(key_of(r, by), FunnelRow(key_of(r, by)))
        reach = _REACH.get(r.furthest, 0)
        if r.lent is not None:
            reach = 4
            g.lent_amount += r.lent
        for i in range(reach + 1):
            g.counts[STAGES[i]] += 1
    return [groups[k] for k in sorted(groups)]


def as_dict(row: FunnelRow) -> dict[str, Any]:
    return {"key": row.key, "counts": row.counts, "rates": row.rates(), "lent_amount": str(row.lent_amount)}
