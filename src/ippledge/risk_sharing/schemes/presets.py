"""Preset schemes (预置方案): one per row of the DOMAIN.md §5 table, as versioned data. Pure.

Every value the table gives is cited in ``sources``; every value it does not give is listed in ``assumptions`` (and
marked "assumption" in a comment here). Effective dates are assumptions unless stated. Replace a preset by loading a
newer version from JSON (:func:`ippledge.risk_sharing.schemes.documents.from_dict`), never by editing history.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.risk_sharing.errors import SCHEME_UNKNOWN
from ippledge.risk_sharing.model import (
    Eligibility,
    Jurisdiction,
    Level,
    LossBasis,
    Party,
    RateCap,
    RateCapKind,
    Scheme,
    Tier,
    Trigger,
    TriggerKind,
)

F, B = Party.FUND, Party.BANK
SRC = "DOMAIN.md §5 risk-sharing table"
M = Decimal(1_000_000)
DATE_ASSUMED = "effective date not in the sources (assumption)"
DPD90 = Trigger(TriggerKind.DAYS_PAST_DUE, 90)  # assumption where the table is silent: the 次级 floor, >90 days
DPD90_ASSUMED = "trigger not in the sources: 90 days past due, the 次级 floor (assumption)"
_2020 = dt.date(2020, 1, 1)


def _tier(max_balance: Decimal | None = None, **shares: int) -> Tier:
    return Tier(max_balance, {Party(k): v for k, v in shares.items()})


def _j(zh: str, en: str, level: Level, area: str) -> Jurisdiction:
    return Jurisdiction(zh, en, level, area)


_PRESETS: tuple[Scheme, ...] = (
    Scheme(
        code="jiangsu-suzhidai",
        version="1",
        effective_from=_2020,
        name_zh="江苏 苏知贷",
        name_en="Jiangsu Su Zhi Dai",
        jurisdiction=_j("江苏省", "Jiangsu", Level.PROVINCE, "320000"),
        tiers=(_tier(10 * M, fund=8000, bank=2000), _tier(30 * M, fund=5000, bank=5000)),
        trigger=DPD90,
        eligibility=Eligibility(
            max_loan=30 * M, max_term_months=36, rate_cap=RateCap(RateCapKind.LPR_PLUS_BP, Decimal(80))
        ),
        loss_basis=LossBasis.PRINCIPAL,
        interest_bearer=B,
        sources=(f"{SRC}: principal 80/20 to 10m, 50/50 10-30m; bank bears interest; loan <= 30m, <= 3y, <= LPR+80bp",),
        assumptions=(DATE_ASSUMED, DPD90_ASSUMED, "a tier applies to the whole loss of a loan (not marginally)"),
    ),
    Scheme(
        code="shanghai",
        version="1",
        effective_from=_2020,
        name_zh="上海 知识产权质押融资风险补偿",
        name_en="Shanghai IP pledge risk compensation",
        jurisdiction=_j("上海市", "Shanghai", Level.PROVINCE, "310000"),
        tiers=(_tier(fund=8000, bank=2000),),  # assumption: the fund's final share equals the 80% advanced
        trigger=Trigger(TriggerKind.MONTHS_AFTER_NPL, 2),
        advance_ratio_bp=8000,
        sources=(
            f"{SRC}: claim 2 months after NPL, before write-off; ~80% of net loss advanced, settled after write-off",
        ),
        assumptions=(DATE_ASSUMED, "shares not in the sources: fund 80% / bank 20% (assumption)"),
    ),
    Scheme(
        code="shenzhen",
        version="1",
        effective_from=_2020,
        name_zh="深圳 知识产权质押融资风险补偿",
        name_en="Shenzhen IP pledge risk compensation",
        jurisdiction=_j("深圳市", "Shenzhen", Level.CITY, "440300"),
        tiers=(_tier(fund=5000, bank=5000),),
        trigger=Trigger(TriggerKind.FIRST_SUBSTANDARD),
        eligibility=Eligibility(
            max_borrower_bank_debt=30 * M,
            ip_types=frozenset({"invention", "utility_model", "design", "mark", "work", "software"}),
        ),
        sources=(
            f"{SRC}: 30% of NPL principal, up to 50% for IP loans; first classified 次级; borrower bank debt <= 30m",
        ),
        assumptions=(DATE_ASSUMED, "IP loans take the 50% upper share (assumption)"),
    ),
    Scheme(
        code="zhongshan",
        version="1",
        effective_from=_2020,
        name_zh="中山 知识产权质押融资风险分担",
        name_en="Zhongshan IP pledge risk sharing",
        jurisdiction=_j("中山市", "Zhongshan", Level.CITY, "442000"),
        tiers=(_tier(fund=5400, bank=2600, insurer=1600, valuer=400),),
        trigger=DPD90,
        sources=(f"{SRC}: fund : bank : insurer : valuer = 54 : 26 : 16 : 4",),
        assumptions=(DATE_ASSUMED, DPD90_ASSUMED),
    ),
    Scheme(
        code="zhuhai",
        version="1",
        effective_from=_2020,
        name_zh="珠海 知识产权质押融资风险补偿",
        name_en="Zhuhai IP pledge risk compensation",
        jurisdiction=_j("珠海市", "Zhuhai", Level.CITY, "440400"),
        tiers=(_tier(fund=4000, bank=6000),),
        trigger=DPD90,
        sources=(f"{SRC}: bank 60% / fund 40%",),
        assumptions=(DATE_ASSUMED, DPD90_ASSUMED),
    ),
    Scheme(
        code="wuhan",
        version="1",
        effective_from=_2020,
        name_zh="武汉 知识产权质押融资风险补偿",
        name_en="Wuhan IP pledge risk compensation",
        jurisdiction=_j("武汉市", "Wuhan", Level.CITY, "420100"),
        tiers=(_tier(fund=5000, bank=5000),),  # assumption: the fund's share is not in the table
        trigger=DPD90,
        eligibility=Eligibility(min_ip_share_bp=5000),
        loss_basis=LossBasis.PRINCIPAL,
        compensate_ip_share_only=True,
        sources=(f"{SRC}: principal only; IP share of collateral >= 50%; compensation on the IP share",),
        assumptions=(DATE_ASSUMED, DPD90_ASSUMED, "fund 50% / bank 50% of the IP share (assumption)"),
    ),
    Scheme(
        code="chongqing",
        version="1",
        effective_from=_2020,
        name_zh="重庆 知识产权质押融资风险补偿",
        name_en="Chongqing IP pledge risk compensation",
        jurisdiction=_j("重庆市", "Chongqing", Level.PROVINCE, "500000"),
        tiers=(_tier(fund=3000, bank=7000),),
        trigger=DPD90,
        loss_basis=LossBasis.PRINCIPAL_AND_INTEREST,  # assumption: "defaulted debt" read as principal + interest
        per_loan_caps={F: Decimal(1_500_000)},
        sources=(f"{SRC}: fund <= 30% of defaulted debt, cap 1.5m CNY per loan",),
        assumptions=(DATE_ASSUMED, DPD90_ASSUMED, "defaulted debt = principal + interest (assumption)"),
    ),
    Scheme(
        code="haikou",
        version="1",
        effective_from=_2020,
        name_zh="海口 知识产权质押融资风险补偿",
        name_en="Haikou IP pledge risk compensation",
        jurisdiction=_j("海口市", "Haikou", Level.CITY, "460100"),
        tiers=(_tier(fund=4000, bank=6000),),  # assumption: shares not in the table
        trigger=DPD90,
        liability_limited_to_fund=True,
        max_leverage=Decimal(10),
        sources=(f"{SRC}: liability limited to the fund balance; fund sized for 10x leverage",),
        assumptions=(DATE_ASSUMED, DPD90_ASSUMED, "fund 40% / bank 60% (assumption)"),
    ),
    Scheme(
        code="beijing-etown",
        version="2020",
        effective_from=_2020,
        name_zh="北京经济技术开发区 知识产权质押融资风险补偿",
        name_en="Beijing E-Town IP pledge risk compensation",
        jurisdiction=_j("北京经济技术开发区", "Beijing E-Town", Level.DISTRICT, "110115"),
        tiers=(_tier(fund=4000, bank=6000),),  # the upper end of the 30-40% range
        trigger=DPD90,
        eligibility=Eligibility(max_loan=30 * M),
        sources=(f"{SRC}: 30-40% of NPL principal before 2025, loan cap 30m",),
        assumptions=(DATE_ASSUMED, DPD90_ASSUMED, "the fund takes the 40% upper end (assumption)"),
    ),
    Scheme(
        code="beijing-etown",
        version="2025",
        effective_from=dt.date(2025, 1, 1),
        name_zh="北京经济技术开发区 知识产权质押融资风险补偿（2025）",
        name_en="Beijing E-Town IP pledge risk compensation (2025)",
        jurisdiction=_j("北京经济技术开发区", "Beijing E-Town", Level.DISTRICT, "110115"),
        tiers=(_tier(fund=5000, bank=5000),),
        trigger=DPD90,
        eligibility=Eligibility(max_loan=30 * M),
        sources=(f"{SRC}: 50% of NPL principal from 2025, loan cap 30m",),
        assumptions=("in force from 1 January 2025 (assumption: the table says 'from 2025')", DPD90_ASSUMED),
    ),
    Scheme(
        code="beijing-haidian-zhirongbao",
        version="1",
        effective_from=_2020,
        name_zh="北京海淀 智融宝（中关村模式）",
        name_en="Beijing Haidian Zhi Rong Bao (Zhongguancun model)",
        jurisdiction=_j("北京市海淀区", "Beijing Haidian", Level.DISTRICT, "110108"),
        # Zhongguancun model: the IP operations institution buys pooled insurance as policyholder and insured, so
        # the pool (co-funded by the district IP office and the institution), the insurer, the institution and the
        # bank share the loss. The split is an assumption; the first claim paid 99.7% of a 1m loan.
        tiers=(_tier(fund=2000, bank=1000, insurer=6000, ip_operator=1000),),
        trigger=DPD90,
        eligibility=Eligibility(
            ip_types=frozenset({"invention", "utility_model", "design", "mark", "work", "software"})
        ),
        liability_limited_to_fund=True,  # pre-funded pool
        sources=(
            f"{SRC}: pre-funded pool co-funded by the district IP office and the IP operations institution; pooled "
            "insurance bought by the institution; first claim 996,632 CNY on a 1m loan against 7 patents; "
            "18.94x pool leverage by 2024; 15-day fast track up to 5m CNY",
        ),
        assumptions=(
            DATE_ASSUMED,
            DPD90_ASSUMED,
            "shares fund 20% / insurer 60% / IP operations institution 10% / bank 10% (assumption)",
        ),
        notes="pool leverage 18.94x (2024) is an outcome, not a limit; fast track (15 days, <= 5m) is an intake rule",
    ),
    Scheme(
        code="beijing-haidian-zhirongbao",
        version="2",
        effective_from=dt.date(2021, 3, 1),
        name_zh="北京海淀 智融宝（中关村模式：职业责任保险）",
        name_en="Beijing Haidian Zhi Rong Bao (Zhongguancun model: professional liability insurance)",
        jurisdiction=_j("北京市海淀区", "Beijing Haidian", Level.DISTRICT, "110108"),
        # The liability chain: the IP operations institution answers to the bank for the whole net loss (its
        # undertaking); its professional liability insurer indemnifies it within the policy's limits and deductible
        # (risk_sharing.liability), never the bank. The pool co-funded by the district IP office and the institution
        # subsidises the premium. Version 1 (surety-style shares paid to the bank) stays readable for its loans.
        tiers=(_tier(ip_operator=10000),),
        trigger=DPD90,
        eligibility=Eligibility(
            ip_types=frozenset({"invention", "utility_model", "design", "mark", "work", "software"})
        ),
        loss_basis=LossBasis.PRINCIPAL_AND_INTEREST,
        sources=(
            f"{SRC}: the institution buys 职业责任保险 as policyholder and insured; the insurer indemnifies the "
            "institution (per-claim and aggregate limits, deductible), not the bank; pool co-funded by the district "
            "IP office and the institution; first claim 996,632 CNY on a 1m loan against 7 patents",
            "article: 运营机构提供知识产权审查、评估、处置等服务，并作为投保人和被保险人向保险公司购买职业责任保险",
        ),
        assumptions=(
            "in force from March 2021, when Zhongguancun set up its cost-sharing and risk compensation mechanism "
            "(article; the day is an assumption)",
            DPD90_ASSUMED,
            "the institution's undertaking is the whole net loss, principal and interest: the first claim paid "
            "996,632 on a 1m loan, read as 990,000 principal outstanding + 6,632 interest (assumption)",
            "the bank bears nothing of a covered loss; the institution bears the deductible and what exceeds the "
            "policy limits (assumption)",
        ),
        notes="policy terms: risk_sharing.liability.presets; pool leverage 18.94x (2024) is an outcome, not a limit",
    ),
)


def presets() -> tuple[Scheme, ...]:
    """Every preset version."""
    return _PRESETS


def preset_codes() -> list[str]:
    return sorted({s.code for s in _PRESETS})


def get_preset(code: str, as_of: dt.date | None = None) -> Scheme:
    """The version of preset ``code`` in force on ``as_of`` (the newest version when ``as_of`` is omitted)."""
    versions = sorted((s for s in _PRESETS if s.code == code), key=lambda s: s.effective_from)
    if as_of is not None:
        versions = [s for s in versions if s.effective_from <= as_of]
    if not versions:
        raise SCHEME_UNKNOWN(code=code, known=preset_codes())
    return versions[-1]
