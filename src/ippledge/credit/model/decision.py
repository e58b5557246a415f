"""The credit decision's checks (授信审查): ``evaluate`` checks every product rule against a proposal and returns
*every* failed rule, never only the first, with the lending basis and the model's warnings; the terms an approved
decision grants. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ippledge.credit.model.basis import Collateral, LendingBasis, basis_of
from ippledge.credit.model.challenges import CreditWarning, basis_warnings, finding_dict
from ippledge.credit.model.product import ProductRules, RepaymentMethod, Underwriting


@dataclass(frozen=True)
class RuleCheck:
    code: str
    ok: bool
    message_zh: str
    message_en: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return finding_dict(self)


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
