"""Credit rules (授信规则): products, LTV caps, price caps, the largest loan the IP supports, every rule check. Pure.

Sources: DOMAIN.md §4 (pledge rates: invention <= 25%, utility model <= 15%, trademark <= 50% at one major bank;
price = 1-year LPR + spread, capped at LPR x 1.4 in Beijing or LPR + 80bp in Jiangsu; penalty +30% to +50%; tenor
<= 3 years typical) and the article's "credit loan + moderate IP enhancement" (信用贷款+知识产权适度增信): the IP pledge
is required only above an amount. ``evaluate`` returns *every* failed rule, never only the first.

Lending basis (贷款依据, DOMAIN.md §4 and §6; decision record 0008): the LTV cap applies to the **appraisal of record**
(评估报告: the valid external report, or the bank's internal valuation where the intake threshold allows one), never
to a forced-sale value, since the published caps already price forced sale. The model valuation is the challenger:
an appraisal outside the model's P10-P90 band is a warning (and a governance flag), a product may cap the lendable
value at ``k x P90`` and may lend on the model's P50 where no report exists; the forced-sale value (P50 x
sell-through x (1 - discount)) only feeds loss given default and the coverage warning. Warnings never block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from ippledge.credit import errors
from ippledge.kernel.money import round_fen

BP = Decimal(10_000)


class ProductKind(StrEnum):
    CREDIT_PLUS_IP = "credit_plus_ip"  # 信用贷款+知识产权适度增信
    PURE_IP_PLEDGE = "pure_ip_pledge"  # 纯知识产权质押贷款


class RepaymentMethod(StrEnum):
    EQUAL_INSTALLMENT = "equal_installment"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    INTEREST_FIRST = "interest_first"  # 先息后本
    BULLET = "bullet"  # 到期一次还本付息
    INTEREST_QUARTERLY = "interest_quarterly"  # 按季结息（3/6/9/12月20日），到期还本


class Underwriting(StrEnum):
    NONE = "none"
    INSURER = "insurer"  # 保险
    GUARANTOR = "guarantor"  # 担保
    ANY = "any"  # either


# Pledge rate caps in basis points by IP subtype. Invention, utility model, trademark: DOMAIN.md §4 (one major bank).
# Design 10% and copyright (work, software) 20% are assumptions: no published default was found.
DEFAULT_LTV_BP: dict[str, int] = {
    "invention": 2500,
    "utility_model": 1500,
    "mark": 5000,
    "design": 1000,
    "work": 2000,
    "software": 2000,
}
MAX_TERM_MONTHS = 120


@dataclass(frozen=True)
class RateCap:
    """A price cap relative to the 1-year LPR: a multiple (1.4 = 140%), a margin in bp, or both (the lower wins)."""

    lpr_multiple: Decimal | None = None
    lpr_plus_bp: int | None = None

    def cap_bp(self, lpr_bp: int) -> int | None:
        """The cap in whole basis points, rounded down so a rate at the cap never exceeds the scheme's rule."""
        caps: list[int] = []
        if self.lpr_multiple is not None:
            caps.append(int((Decimal(lpr_bp) * self.lpr_multiple).to_integral_value(rounding=ROUND_FLOOR)))
        if self.lpr_plus_bp is not None:
            caps.append(lpr_bp + self.lpr_plus_bp)
        return min(caps) if caps else None


@dataclass(frozen=True)
class ProductRules:
    """One version of a credit product (产品版本)."""

    kind: ProductKind
    ltv_bp: Mapping[str, int]
    min_amount: Decimal
    max_amount: Decimal
    max_term_months: int
    rate_cap: RateCap
    penalty_uplift_bp: int
    underwriting: Underwriting
    methods: frozenset[RepaymentMethod]
    ip_required_above: Decimal | None = None  # credit_plus_ip only: no pledge needed up to this amount
    # Model as challenger (decision record 0008); all off by default, so a product lends on reports only.
    model_basis_without_report: bool = False  # an IP without a valid report may lend on the model's P50
    model_cap_p90_multiple: Decimal | None = None  # lendable value = min(appraisal, k x model P90)
    min_forced_sale_coverage: Decimal | None = None  # warn when forced-sale value / amount falls below this

    def validate(self) -> ProductRules:
        problems: list[str] = []
        if self.min_amount <= 0 or self.max_amount < self.min_amount:
            problems.append("amount range")
        if not 1 <= self.max_term_months <= MAX_TERM_MONTHS:
            problems.append("max term")
        if not 3000 <= self.penalty_uplift_bp <= 5000:
            problems.append("penalty uplift must be 30%-50%")
        if any(not 0 <= v <= 10_000 for v in self.ltv_bp.values()) or not set(self.ltv_bp) <= set(DEFAULT_LTV_BP):
            problems.append("LTV caps")
        if not self.methods:
            problems.append("repayment methods")
        if self.rate_cap.lpr_multiple is None and self.rate_cap.lpr_plus_bp is None:
            problems.append("rate cap")
        if self.rate_cap.lpr_multiple is not None and not Decimal(1) <= self.rate_cap.lpr_multiple <= Decimal(3):
            problems.append("rate cap multiple")
        if (self.kind is ProductKind.CREDIT_PLUS_IP) != (self.ip_required_above is not None):
            problems.append("ip_required_above is for credit_plus_ip products only, and they need it")
        if self.model_cap_p90_multiple is not None and not Decimal(0) < self.model_cap_p90_multiple <= Decimal(10):
            problems.append("model cap P90 multiple must be above 0 and at most 10")
        if self.min_forced_sale_coverage is not None and not Decimal(0) < self.min_forced_sale_coverage <= Decimal(10):
            problems.append("minimum forced-sale coverage must be above 0 and at most 10")
        if problems:
            raise errors.PRODUCT_INVALID(problems=problems, summary="; ".join(problems))
        return self

    def ip_required(self, amount: Decimal) -> bool:
        return self.ip_required_above is None or amount > self.ip_required_above


class BasisKind(StrEnum):
    """What a loan is sized on (贷款依据)."""

    REPORT = "report"  # 外部评估报告: a valuer's valid report
    INTERNAL = "internal"  # 银行内部评估: the bank's own valuation, where the intake threshold allows one
    MODEL = "model"  # 模型估值: the model's P50, only where the product allows lending without a report
    MIXED = "mixed"  # a decision whose IPs stand on different bases


@dataclass(frozen=True)
class ModelView:
    """The model's valuation of one IP: the P10-P50-P90 range and the forced-sale value (强制变现价值)."""

    p10: Decimal
    p50: Decimal
    p90: Decimal
    forced_sale: Decimal


@dataclass(frozen=True)
class Collateral:
    """One IP offered as collateral: its appraisal of record (``value``, None without a valid report), the report
    behind it and whether the bank made it itself, and the model's view of it (None when the model has not valued
    it)."""

    ip_asset_id: int
    subtype: str
    value: Decimal | None
    report_id: int | None = None
    internal: bool = False
    model: ModelView | None = None


def supported_by(item: Collateral, ltv_bp: Mapping[str, int]) -> Decimal:
    if item.value is None:
        return Decimal("0.00")
    return round_fen(item.value * Decimal(ltv_bp.get(item.subtype, 0)) / BP)


def max_supported(items: Sequence[Collateral], ltv_bp: Mapping[str, int]) -> Decimal:
    """The largest loan the pledged IP supports: sum of value x LTV cap for the IP's subtype (each rounded to fen)."""
    return sum((supported_by(i, ltv_bp) for i in items), Decimal("0.00"))


@dataclass(frozen=True)
class Basis:
    """What one IP lends against (单项贷款依据): ``kind`` None when it has none (no report, and no model basis)."""

    ip_asset_id: int
    subtype: str
    kind: BasisKind | None
    appraisal: Decimal | None  # the appraisal of record (the model's P50 on a model basis)
    report_id: int | None
    ltv_bp: int
    model: ModelView | None
    model_cap: Decimal | None  # k x P90 when the product sets k and the model has valued the IP
    supported: Decimal  # min(appraisal, model cap) x LTV cap, to the fen
    outside_band: bool  # the appraisal lies outside the model's band (P10 / (1 + m), P90 x (1 + m))

    @property
    def lendable(self) -> Decimal | None:
        if self.appraisal is None:
            return None
        return self.appraisal if self.model_cap is None else min(self.appraisal, self.model_cap)

    @property
    def forced_sale(self) -> Decimal | None:
        return None if self.model is None else self.model.forced_sale

    def to_dict(self) -> dict[str, Any]:
        m = self.model
        return {
            "ip_asset_id": self.ip_asset_id,
            "subtype": self.subtype,
            "basis": None if self.kind is None else self.kind.value,
            "report_id": self.report_id,
            "value": _s(self.appraisal),
            "ltv_bp": self.ltv_bp,
            "model_p10": None if m is None else str(m.p10),
            "model_p50": None if m is None else str(m.p50),
            "model_p90": None if m is None else str(m.p90),
            "forced_sale": None if m is None else str(m.forced_sale),
            "model_cap": _s(self.model_cap),
            "supported": str(self.supported),
            "outside_model_band": self.outside_band,
        }


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def outside_band(value: Decimal, model: ModelView, margin: Decimal) -> bool:
    """The governance rule (``valuation.governance.model``): below P10 / (1 + m) or above P90 x (1 + m)."""
    if model.p50 <= 0:
        return False  # nothing to compare with
    return value * (1 + margin) < model.p10 or value > model.p90 * (1 + margin)


def basis_of(item: Collateral, rules: ProductRules, band_margin: Decimal = Decimal(0)) -> Basis:
    """The appraisal of record is the basis; the model stands in only where there is none and the product allows."""
    ltv = rules.ltv_bp.get(item.subtype, 0)
    model = item.model
    kind: BasisKind | None
    if item.value is not None:
        kind, appraisal = (BasisKind.INTERNAL if item.internal else BasisKind.REPORT), item.value
    elif model is not None and rules.model_basis_without_report:
        kind, appraisal = BasisKind.MODEL, model.p50
    else:
        kind, appraisal = None, None
    k = rules.model_cap_p90_multiple
    model_cap = None if k is None or model is None else round_fen(model.p90 * k)
    lendable = None if appraisal is None else (appraisal if model_cap is None else min(appraisal, model_cap))
    supported = Decimal("0.00") if lendable is None else round_fen(lendable * Decimal(ltv) / BP)
    outside = (
        kind in (BasisKind.REPORT, BasisKind.INTERNAL)
        and appraisal is not None
        and model is not None
        and outside_band(appraisal, model, band_margin)
    )
    return Basis(
        item.ip_asset_id, item.subtype, kind, appraisal, item.report_id, ltv, model, model_cap, supported, outside
    )


def _total(values: Sequence[Decimal | None]) -> Decimal | None:
    """The sum, or None when any part is unknown (a partial total would read as the whole)."""
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal("0.00"))


@dataclass(frozen=True)
class LendingBasis:
    """The decision's lending basis (贷款依据) over all its IPs: the numbers recorded with it."""

    items: tuple[Basis, ...]

    @property
    def kind(self) -> BasisKind | None:
        kinds = {b.kind for b in self.items}
        if not kinds or None in kinds:
            return None
        return kinds.pop() if len(kinds) == 1 else BasisKind.MIXED

    @property
    def appraisal(self) -> Decimal | None:
        return _total([b.appraisal for b in self.items])

    def model_total(self, quantile: str) -> Decimal | None:
        """The sum of the IPs' model ``p10`` / ``p50`` / ``p90`` (a sum of quantiles, not the portfolio's quantile)."""
        return _total([None if b.model is None else getattr(b.model, quantile) for b in self.items])

    @property
    def forced_sale(self) -> Decimal | None:
        return _total([b.forced_sale for b in self.items])

    @property
    def supported(self) -> Decimal:
        return sum((b.supported for b in self.items), Decimal("0.00"))

    @property
    def ltv_bp(self) -> int | None:
        """The LTV cap applied: one figure when every IP has the same, else the appraisal-weighted mean (floored)."""
        caps = {b.ltv_bp for b in self.items}
        if len(caps) == 1:
            return caps.pop()
        total = self.appraisal
        if not total:
            return None
        weighted = sum((b.appraisal * b.ltv_bp for b in self.items if b.appraisal is not None), Decimal(0))
        return int((weighted / total).to_integral_value(rounding=ROUND_FLOOR))

    def coverage(self, amount: Decimal) -> Decimal | None:
        return coverage_ratio(self.forced_sale, amount)


def loss_given_default(exposure: Decimal, forced_sale: Decimal | None) -> Decimal | None:
    """LGD (违约损失率) at forced-sale value: the share of ``exposure`` a forced sale of the pledged IP would not
    recover, in [0, 1] to 4 places; None when the forced-sale value is unknown or nothing is exposed."""
    if forced_sale is None or exposure <= 0:
        return None
    return (max(Decimal(0), exposure - forced_sale) / exposure).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def coverage_ratio(forced_sale: Decimal | None, amount: Decimal) -> Decimal | None:
    """Forced-sale value / loan amount (押品强制变现覆盖率), to 4 places; None when it is not known."""
    if forced_sale is None or amount <= 0:
        return None
    return (forced_sale / amount).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class RuleCheck:
    code: str
    ok: bool
    message_zh: str
    message_en: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "ok": self.ok,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class CreditWarning:
    """A finding the approver should see that does not block the decision (提示, not a rule failure)."""

    code: str
    message_zh: str
    message_en: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            **{"details": dict(self.details)},
        }


@dataclass(frozen=True)
class Proposal:
    """What the credit officer proposes, with the facts found for it."""

    amount: Decimal
    term_months: int
    method: RepaymentMethod
    spread_bp: int
    lpr_bp: int
    collateral: Sequence[Collateral]
    underwriting_done: bool
    product_in_effect: bool
    requested_amount: Decimal
    band_margin: Decimal = Decimal(0)  # the governance thresholds' range margin (valuation.governance.model)


@dataclass(frozen=True)
class Outcome:
    checks: list[RuleCheck]
    max_supported: Decimal
    rate_bp: int
    cap_bp: int | None
    ip_required: bool
    basis: LendingBasis = field(default_factory=lambda: LendingBasis(()))
    warnings: list[CreditWarning] = field(default_factory=list)

    @property
    def failures(self) -> list[RuleCheck]:
        return [c for c in self.checks if not c.ok]


def evaluate(rules: ProductRules, p: Proposal) -> Outcome:
    """Check every product rule against the proposal; the outcome lists all checks, passed and failed."""
    ip_required = rules.ip_required(p.amount)
    basis = LendingBasis(tuple(basis_of(c, rules, p.band_margin) for c in p.collateral))
    supported = basis.supported
    rate_bp = p.lpr_bp + p.spread_bp
    cap = rules.rate_cap.cap_bp(p.lpr_bp)
    missing = [b.ip_asset_id for b in basis.items if b.kind is None]
    unaccepted = [c.ip_asset_id for c in p.collateral if rules.ltv_bp.get(c.subtype, 0) <= 0]

    def check(code: str, ok: bool, zh: str, en: str, **details: Any) -> RuleCheck:
        return RuleCheck(code, ok, zh, en, details)

    a = str(p.amount)
    checks = [
        check(
            "credit.product_not_in_effect",
            p.product_in_effect,
            "产品版本在该日不适用",
            "the product version is not in effect on this date",
        ),
        check(
            "credit.amount_below_min",
            p.amount >= rules.min_amount,
            f"金额低于产品下限 {rules.min_amount}",
            f"amount below the product minimum {rules.min_amount}",
            amount=a,
            min=str(rules.min_amount),
        ),
        check(
            "credit.amount_above_max",
            p.amount <= rules.max_amount,
            f"金额高于产品上限 {rules.max_amount}",
            f"amount above the product maximum {rules.max_amount}",
            amount=a,
            max=str(rules.max_amount),
        ),
        check(
            "credit.amount_above_requested",
            p.amount <= p.requested_amount,
            "金额高于企业申请金额",
            "amount above what the firm applied for",
            amount=a,
            requested=str(p.requested_amount),
        ),
        check(
            "credit.term_too_long",
            p.term_months <= rules.max_term_months,
            f"期限超过 {rules.max_term_months} 个月",
            f"term above {rules.max_term_months} months",
            term_months=p.term_months,
        ),
        check("credit.rate_not_positive", rate_bp > 0, "利率必须为正", "the rate must be positive", rate_bp=rate_bp),
        check(
            "credit.rate_above_cap",
            cap is None or rate_bp <= cap,
            "利率超过产品上限",
            "the rate is above the product's cap",
            rate_bp=rate_bp,
            cap_bp=cap,
        ),
        check(
            "credit.method_not_allowed",
            p.method in rules.methods,
            "产品不允许该还款方式",
            "the product does not allow this repayment method",
            method=p.method.value,
        ),
        check(
            "credit.underwriting_missing",
            rules.underwriting is Underwriting.NONE or p.underwriting_done,
            "产品要求的保险或担保审核未完成",
            "the insurer or guarantor underwriting the product requires is not done",
            required=rules.underwriting.value,
        ),
    ]
    if ip_required:
        checks += [
            check(
                "credit.no_collateral",
                bool(p.collateral),
                "需要知识产权质押但没有质押物",
                "an IP pledge is required but no IP is offered",
            ),
            check(
                "credit.valuation_missing",
                not missing,
                "质押物缺少有效的评估报告（外部或内部评估）"
                + ("" if rules.model_basis_without_report else "，且产品不允许以模型估值为贷款依据"),
                "a pledged IP has no valid valuation report (external or internal) on this date"
                + ("" if rules.model_basis_without_report else ", and the product does not lend on the model"),
                ip_asset_ids=missing,
                model_basis_without_report=rules.model_basis_without_report,
                model_valued=[c.ip_asset_id for c in p.collateral if c.ip_asset_id in missing and c.model is not None],
            ),
            check(
                "credit.ip_kind_not_accepted",
                not unaccepted,
                "产品不接受该类知识产权质押",
                "the product accepts no pledge of this kind of IP",
                ip_asset_ids=unaccepted,
            ),
            check(
                "credit.amount_above_collateral",
                p.amount <= supported,
                f"金额超过质押物可支持的最高额 {supported}",
                f"amount above the {supported} the pledged IP supports",
                amount=a,
                max_supported=str(supported),
            ),
        ]
    warnings = basis_warnings(basis, rules, p.amount, p.band_margin) if ip_required else []
    return Outcome(checks, supported, rate_bp, cap, ip_required, basis, warnings)


def basis_warnings(basis: LendingBasis, rules: ProductRules, amount: Decimal, margin: Decimal) -> list[CreditWarning]:
    """The model's challenges and the coverage warning (non-blocking; the approver sees them with the decision)."""
    out: list[CreditWarning] = []
    for b in basis.items:
        m = b.model
        if b.outside_band and m is not None and b.appraisal is not None:
            out.append(
                CreditWarning(
                    "credit.appraisal_outside_model_band",
                    f"评估值 {b.appraisal} 超出模型区间 {m.p10}–{m.p90}（容差 {margin}），已提交评估机构监督",
                    f"the appraisal {b.appraisal} lies outside the model's {m.p10}-{m.p90} band (margin {margin}); "
                    "flagged for valuer governance",
                    {
                        "ip_asset_id": b.ip_asset_id,
                        "report_id": b.report_id,
                        "appraisal": str(b.appraisal),
                        "p10": str(m.p10),
                        "p50": str(m.p50),
                        "p90": str(m.p90),
                        "margin": str(margin),
                    },
                )
            )
        if b.model_cap is not None and b.appraisal is not None and b.model_cap < b.appraisal:
            out.append(
                CreditWarning(
                    "credit.model_cap_applied",
                    f"可贷价值按模型上限 {b.model_cap}（P90 × {rules.model_cap_p90_multiple}）计，"
                    f"低于评估值 {b.appraisal}",
                    f"lendable value capped at the model's {b.model_cap} (P90 x {rules.model_cap_p90_multiple}), "
                    f"below the appraisal {b.appraisal}",
                    {"ip_asset_id": b.ip_asset_id, "appraisal": str(b.appraisal), "model_cap": str(b.model_cap)},
                )
            )
        if b.kind is BasisKind.MODEL:
            out.append(
                CreditWarning(
                    "credit.model_basis",
                    "无有效评估报告，按产品规则以模型估值 P50 为贷款依据",
                    "no valid report: the product lends on the model's P50 for this IP",
                    {"ip_asset_id": b.ip_asset_id, "p50": str(b.appraisal)},
                )
            )
    unvalued = [b.ip_asset_id for b in basis.items if b.model is None]
    if unvalued:
        out.append(
            CreditWarning(
                "credit.no_model_valuation",
                "质押物没有近期模型估值：评估值无从复核，强制变现价值未知",
                "no recent model valuation: the appraisal is unchallenged and the forced-sale value unknown",
                {"ip_asset_ids": unvalued},
            )
        )
    need = rules.min_forced_sale_coverage
    coverage = basis.coverage(amount)
    if need is not None and coverage is not None and coverage < need:
        out.append(
            CreditWarning(
                "credit.forced_sale_coverage_low",
                f"强制变现价值 {basis.forced_sale} 仅覆盖贷款的 {coverage}，低于产品要求 {need}",
                f"the forced-sale value {basis.forced_sale} covers {coverage} of the loan, below the product's {need}",
                {
                    "forced_sale": str(basis.forced_sale),
                    "amount": str(amount),
                    "coverage": str(coverage),
                    "min_coverage": str(need),
                },
            )
        )
    return out


def annual_rate(rate_bp: int) -> Decimal:
    """``350`` bp -> ``Decimal('0.0350')``."""
    return (Decimal(rate_bp) / BP).quantize(Decimal("0.0001"))


def penalty_rate(rate_bp: int, uplift_bp: int) -> Decimal:
    """Penalty interest (罚息) rate: the contract rate raised by the uplift (e.g. +50%), to 6 decimal places."""
    return (Decimal(rate_bp) / BP * (1 + Decimal(uplift_bp) / BP)).quantize(Decimal("0.000001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class ApprovedTerms:
    """What an approved credit decision grants; the lending service builds the contract from it."""

    decision_id: int
    application_id: int
    bank_id: int
    borrower_id: int
    amount: Decimal
    currency: str
    term_months: int
    annual_rate: Decimal  # fraction, 0.0350 = 3.50%
    rate_bp: int
    penalty_uplift: Decimal  # fraction, 0.50 = +50%
    penalty_annual_rate: Decimal
    repayment_method: RepaymentMethod
    pledged_asset_ids: tuple[int, ...]
    product_version_id: int
    lpr_date: dt.date
    lpr_bp: int
    approved_on: dt.date


# -- other security of a combination loan (组合担保) and the IP-pledged share ---------------------------------------


class SecurityKind(StrEnum):
    """Security of a loan other than the pledged IP; ``credit`` is the unsecured part (信用部分)."""

    PROPERTY = "property"  # 不动产抵押
    EQUIPMENT = "equipment"  # 动产抵押
    RECEIVABLES = "receivables"  # 应收账款质押
    DEPOSIT = "deposit"  # 保证金、存单质押
    GUARANTEE = "guarantee"  # 保证（担保公司、股东、关联方）
    CREDIT = "credit"  # 信用部分


@dataclass(frozen=True)
class OtherSecurity:
    """One other security and the part of the loan it covers (担保金额; for ``credit`` the unsecured amount)."""

    kind: SecurityKind
    amount: Decimal
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "amount": str(self.amount), "note": self.note}


def ip_share_bp(loan_amount: Decimal, other: Sequence[OtherSecurity], ip_pledged: bool) -> int:
    """The IP-pledged share of a loan (知识产权质押部分占比), basis points: the part the other security does not cover.

    Rounded down, so a share just below a scheme's minimum is never rounded up to it. No IP pledged: 0."""
    if not ip_pledged or loan_amount <= 0:
        return 0
    covered = sum((s.amount for s in other), Decimal(0))
    rest = max(loan_amount - covered, Decimal(0))
    return int((rest * BP / loan_amount).to_integral_value(rounding=ROUND_FLOOR))
