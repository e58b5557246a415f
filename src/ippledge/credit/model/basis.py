"""Lending basis (贷款依据, DOMAIN.md §4 and §6; decision record 0008): what each pledged IP lends against. Pure.

The LTV cap applies to the **appraisal of record** (评估报告: the valid external report, or the bank's internal
valuation where the intake threshold allows one), never to a forced-sale value, since the published caps already price
forced sale. The model valuation is the challenger: an appraisal outside the model's P10-P90 band is a warning (and a
governance flag), a product may cap the lendable value at ``k x P90`` and may lend on the model's P50 where no report
exists; the forced-sale value (P50 x sell-through x (1 - discount)) only feeds loss given default and the coverage
warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from ippledge.credit.model.product import BP, ProductRules
from ippledge.kernel.money import round_fen


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
