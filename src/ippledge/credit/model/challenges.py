"""The model's challenges to a lending basis (模型复核提示): appraisal outside the band, the model cap applied, a model
basis, no model valuation, low forced-sale coverage. Warnings never block the decision. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from ippledge.credit.model.basis import BasisKind, LendingBasis
from ippledge.credit.model.product import ProductRules


@dataclass(frozen=True)
class CreditWarning:
    """A finding the approver should see that does not block the decision (提示, not a rule failure)."""

    code: str
    message_zh: str
    message_en: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return finding_dict(self)


def finding_dict(finding: Any) -> dict[str, Any]:
    """A rule check or a warning as the decision records it: its fields in order, the details a plain dict."""
    return {f.name: getattr(finding, f.name) for f in fields(finding)} | {"details": dict(finding.details)}


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
