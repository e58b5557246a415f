"""Lending basis rules (贷款依据), pure: the cap is the appraisal of record x the LTV cap; the model challenges it.

DOMAIN.md §4 and §6, decision record 0008: the published pledge rates (invention <= 25%) are ratios of loan to the
*appraised* value and already price forced sale; the forced-sale value feeds LGD and a coverage warning, never the cap.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ippledge.credit.model import (
    DEFAULT_LTV_BP,
    BasisKind,
    Collateral,
    ModelView,
    ProductKind,
    ProductRules,
    Proposal,
    RateCap,
    RepaymentMethod,
    Underwriting,
    basis_of,
    coverage_ratio,
    evaluate,
    outside_band,
)
from ippledge.kernel.errors import ValidationError

MARGIN = Decimal("0.25")  # the governance thresholds' range margin
# the model's view of one invention patent: forced sale = P50 x 0.40 x 0.70 = 0.28 x P50
MODEL = ModelView(p10=Decimal("300000"), p50=Decimal("600000"), p90=Decimal("1200000"), forced_sale=Decimal("168000"))
# seven invention patents appraised at 4,000,000 CNY in total (the first 智融宝 loan: 1m on 7 patents at 25%)
SEVEN = [Decimal("570000")] * 6 + [Decimal("580000")]


def _rules(**kw: object) -> ProductRules:
    base: dict[str, object] = {
        "kind": ProductKind.PURE_IP_PLEDGE,
        "ltv_bp": dict(DEFAULT_LTV_BP),
        "min_amount": Decimal("100000"),
        "max_amount": Decimal("30000000"),
        "max_term_months": 36,
        "rate_cap": RateCap(lpr_multiple=Decimal("1.4")),
        "penalty_uplift_bp": 5000,
        "underwriting": Underwriting.NONE,
        "methods": frozenset({RepaymentMethod.EQUAL_INSTALLMENT}),
    }
    base.update(kw)
    return ProductRules(**base).validate()  # type: ignore[arg-type]


def _proposal(collateral: list[Collateral], amount: str = "1000000") -> Proposal:
    return Proposal(
        amount=Decimal(amount),
        term_months=12,
        method=RepaymentMethod.EQUAL_INSTALLMENT,
        spread_bp=50,
        lpr_bp=300,
        collateral=collateral,
        underwriting_done=True,
        product_in_effect=True,
        requested_amount=Decimal("2000000"),
        band_margin=MARGIN,
    )


def _seven(values: list[Decimal | None], model: ModelView | None = MODEL, internal: bool = False) -> list[Collateral]:
    return [
        Collateral(i + 1, "invention", v, None if v is None else 100 + i, internal, model) for i, v in enumerate(values)
    ]


def test_one_million_on_seven_inventions_appraised_at_four_million_is_within_the_cap() -> None:
    out = evaluate(_rules(), _proposal(_seven(list(SEVEN))))
    assert out.failures == [] and out.max_supported == Decimal("1000000.00")
    b = out.basis
    assert (b.kind, b.appraisal, b.ltv_bp) == (BasisKind.REPORT, Decimal("4000000"), 2500)
    # the model sits beside the report: its P50 and forced-sale value are recorded, the forced sale is not the cap
    assert (b.model_total("p50"), b.forced_sale) == (Decimal("4200000.00"), Decimal("1176000.00"))
    assert b.coverage(Decimal("1000000")) == Decimal("1.1760")
    # the double haircut the old rule took: 0.28 x P50 x 25% would have allowed only 294,000
    assert out.max_supported > b.forced_sale * Decimal("0.25")
    assert [w.code for w in out.warnings] == []


def test_one_fen_above_the_cap_fails_with_its_code() -> None:
    out = evaluate(_rules(), _proposal(_seven(list(SEVEN)), amount="1000000.01"))
    assert [f.code for f in out.failures] == ["credit.amount_above_collateral"]


def test_internal_valuation_is_a_basis_of_its_own_kind() -> None:
    out = evaluate(_rules(), _proposal(_seven(list(SEVEN), internal=True)))
    assert out.failures == [] and out.basis.kind is BasisKind.INTERNAL


def test_without_a_report_the_model_is_a_basis_only_where_the_product_allows() -> None:
    none: list[Decimal | None] = [None] * 7
    refused = evaluate(_rules(), _proposal(_seven(none)))
    failure = next(f for f in refused.failures if f.code == "credit.valuation_missing")
    assert failure.details["model_basis_without_report"] is False and failure.details["model_valued"] == list(
        range(1, 8)
    )
    assert "模型估值" in failure.message_zh and refused.basis.kind is None and refused.max_supported == 0
    allowed = evaluate(_rules(model_basis_without_report=True), _proposal(_seven(none)))
    # P50 600,000 x 7 x 25% = 1,050,000: the model basis sizes the loan like an appraisal would
    assert allowed.failures == [] and allowed.max_supported == Decimal("1050000.00")
    assert allowed.basis.kind is BasisKind.MODEL and allowed.basis.appraisal == Decimal("4200000")
    assert {w.code for w in allowed.warnings} == {"credit.model_basis"}
    # no report and no model valuation: nothing to lend on even where the product allows the model
    bare = evaluate(_rules(model_basis_without_report=True), _proposal(_seven(none, model=None)))
    assert "credit.valuation_missing" in {f.code for f in bare.failures}


def test_a_report_always_wins_over_the_model() -> None:
    rules = _rules(model_basis_without_report=True)
    b = basis_of(Collateral(1, "invention", Decimal("900000"), 5, False, MODEL), rules, MARGIN)
    assert (b.kind, b.appraisal, b.report_id, b.supported) == (
        BasisKind.REPORT,
        Decimal("900000"),
        5,
        Decimal("225000.00"),
    )
    mixed = evaluate(rules, _proposal([*_seven([Decimal("570000")] * 6 + [None])]))
    assert mixed.basis.kind is BasisKind.MIXED


def test_report_outside_the_model_band_is_a_warning_not_a_failure() -> None:
    high = [Decimal("2000000")] + [Decimal("333333.33")] * 6  # 2m > P90 1.2m x 1.25 = 1.5m
    out = evaluate(_rules(), _proposal(_seven(high), amount="990000"))
    assert out.failures == [] and out.max_supported == Decimal("999999.98")  # 500,000 + 6 x 83,333.33
    warned = [w for w in out.warnings if w.code == "credit.appraisal_outside_model_band"]
    assert [w.details["ip_asset_id"] for w in warned] == [1] and warned[0].details["report_id"] == 100
    assert out.basis.items[0].outside_band and out.basis.items[0].supported == Decimal("500000.00")  # still the basis
    # the band is the governance rule's: P10 / (1 + m) .. P90 x (1 + m)
    assert not outside_band(Decimal("1500000"), MODEL, MARGIN) and outside_band(Decimal("1500000.01"), MODEL, MARGIN)
    assert not outside_band(Decimal("240000"), MODEL, MARGIN) and outside_band(Decimal("239999.99"), MODEL, MARGIN)


def test_optional_model_cap_is_the_lower_of_appraisal_and_k_times_p90() -> None:
    rules = _rules(model_cap_p90_multiple=Decimal("0.45"))  # 0.45 x 1.2m = 540,000 < each 570,000 appraisal
    out = evaluate(rules, _proposal(_seven(list(SEVEN))))
    # 7 x 540,000 x 25% = 945,000 < 1,000,000
    assert out.max_supported == Decimal("945000.00") and [f.code for f in out.failures] == [
        "credit.amount_above_collateral"
    ]
    assert {w.code for w in out.warnings} == {"credit.model_cap_applied"} and len(out.warnings) == 7
    assert out.basis.appraisal == Decimal("4000000")  # the appraisal of record is still what is recorded
    loose = evaluate(_rules(model_cap_p90_multiple=Decimal("1.5")), _proposal(_seven(list(SEVEN))))
    assert loose.failures == [] and loose.max_supported == Decimal("1000000.00") and loose.warnings == []
    # without a model valuation the cap cannot apply: the appraisal stands, the missing challenger is a warning
    bare = evaluate(rules, _proposal(_seven(list(SEVEN), model=None)))
    assert bare.max_supported == Decimal("1000000.00") and [w.code for w in bare.warnings] == [
        "credit.no_model_valuation"
    ]
    assert bare.basis.forced_sale is None and bare.basis.coverage(Decimal("1000000")) is None


def test_forced_sale_coverage_below_the_product_minimum_is_a_warning() -> None:
    rules = _rules(min_forced_sale_coverage=Decimal("1.2"))
    out = evaluate(rules, _proposal(_seven(list(SEVEN))))  # 1,176,000 / 1,000,000 = 1.176 < 1.2
    assert out.failures == []
    (w,) = out.warnings
    assert w.code == "credit.forced_sale_coverage_low" and w.details["coverage"] == "1.1760"
    assert evaluate(rules, _proposal(_seven(list(SEVEN)), amount="980000")).warnings == []  # 1.2 exactly
    assert coverage_ratio(Decimal("1176000"), Decimal("980000")) == Decimal("1.2000")


def test_mixed_ltv_caps_record_the_weighted_cap() -> None:
    items = [
        Collateral(1, "invention", Decimal("3000000"), 1, False, MODEL),
        Collateral(2, "utility_model", Decimal("1000000"), 1, False, MODEL),
    ]
    out = evaluate(_rules(), _proposal(items, amount="900000"))
    # 3m x 25% + 1m x 15% = 900,000; weighted cap (7.5m + 1.5m) / 4m = 22.5%
    assert out.failures == [] and out.max_supported == Decimal("900000.00") and out.basis.ltv_bp == 2250


@pytest.mark.parametrize(
    "change", [{"model_cap_p90_multiple": Decimal(0)}, {"min_forced_sale_coverage": Decimal("-0.1")}]
)
def test_model_parameters_are_validated(change: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as e:
        _rules(**change)
    assert e.value.code == "credit.product_invalid"
