"""Provisioning rules without a database: the 98号 rates and their ±20% band, thresholds, rounding, ratios by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from ippledge.kernel.errors import ValidationError
from ippledge.lending.model.classification import Grade
from ippledge.lending.provisioning import model as pm

G = Grade


def test_default_policy_follows_the_2002_guideline_and_the_general_rate() -> None:
    p = pm.validate(pm.DEFAULT_POLICY)
    assert {g: p.specific(g) for g in Grade} == {G.NORMAL: 0, G.SPECIAL_MENTION: 200, G.SUBSTANDARD: 2500,
                                                G.DOUBTFUL: 5000, G.LOSS: 10_000}  # fmt: skip
    # the allowance is the specific rate only: the general 1.5% is a reserve in equity (财金〔2012〕20号)
    assert p.rates() == {G.NORMAL: 0, G.SPECIAL_MENTION: 200, G.SUBSTANDARD: 2500, G.DOUBTFUL: 5000, G.LOSS: 10_000}
    assert p.general_bp == 150
    assert (p.coverage_min_bp, p.loan_ratio_min_bp) == (15_000, 250)
    assert pm.band(G.SUBSTANDARD) == (2000, 3000) and pm.band(G.DOUBTFUL) == (4000, 6000)
    assert pm.band(G.SPECIAL_MENTION) == (200, 200)
    assert pm.from_dict(pm.to_dict(p)) == p


def _with(**changes: object) -> pm.ProvisionPolicy:
    return dataclasses.replace(pm.DEFAULT_POLICY, version="bank-1", effective_from=dt.date(2025, 1, 1), **changes)  # type: ignore[arg-type]


def test_a_bank_may_float_substandard_and_doubtful_within_twenty_percent() -> None:
    ok = _with(specific_bp={**pm.STANDARD_SPECIFIC_BP, G.SUBSTANDARD: 3000, G.DOUBTFUL: 4000})
    assert pm.validate(ok).rate_bp(G.SUBSTANDARD) == 3000
    with pytest.raises(ValidationError) as err:
        pm.validate(_with(specific_bp={**pm.STANDARD_SPECIFIC_BP, G.SUBSTANDARD: 3100, G.DOUBTFUL: 3900}))
    e = err.value
    assert e.code == "lending.provision_policy_invalid"
    assert [(p["code"], p["path"]) for p in e.details["problems"]] == [
        ("lending.provision.rate_out_of_band", "specific_bp.substandard"),
        ("lending.provision.rate_out_of_band", "specific_bp.doubtful"),
    ]
    assert "次级类计提比例31%超出25%上下浮动20%的范围（20%–30%）" in e.message_zh
    assert "the substandard rate 31% is outside 25% ± 20% (20%–30%)" in e.message_en


def test_fixed_rates_general_rate_and_thresholds_are_checked() -> None:
    bad = _with(
        specific_bp={**pm.STANDARD_SPECIFIC_BP, G.LOSS: 9000},
        general_bp=-1,
        coverage_min_bp=11_000,
        loan_ratio_min_bp=300,
    )
    codes = [(p.code, p.path) for p in pm.problems(bad)]
    assert codes == [
        ("lending.provision.rate_fixed", "specific_bp.loss"),
        ("lending.provision.general_rate", "general_bp"),
        ("lending.provision.threshold_range", "coverage_min_bp"),
        ("lending.provision.threshold_range", "loan_ratio_min_bp"),
    ]
    # the 2018 adjustment: a regulator may lower the floors to 120% and 1.5%
    assert pm.problems(_with(coverage_min_bp=12_000, loan_ratio_min_bp=150)) == []
    with pytest.raises(ValidationError) as err:
        pm.from_dict({"version": "x", "effective_from": "2025-13-01", "specific_bp": {"grey": 1, "loss": "100%"}})
    paths = [p["path"] for p in err.value.details["problems"]]
    assert paths == ["specific_bp.grey", "specific_bp.loss", "effective_from", "specific_bp.loss"]


def test_required_allowance_rounds_half_up_to_the_fen() -> None:
    assert pm.required_allowance(Decimal("1000000.00"), 2500) == Decimal("250000.00")  # 25%
    assert pm.required_allowance(Decimal("333.00"), 150) == Decimal("5.00")  # 499.5 fen -> 500 (half up)
    assert pm.required_allowance(Decimal("332.96"), 150) == Decimal("4.99")  # 499.44 fen -> 499
    assert pm.required_allowance(Decimal("0.00"), 10_000) == 0 and pm.required_allowance(Decimal("-0.05"), 150) == 0


def test_ratios_on_a_small_book_by_hand() -> None:
    y = Decimal(1)  # yuan
    book = [
        pm.Holding(G.NORMAL, 6_000_000 * y, 0 * y),  # none: the general reserve is equity
        pm.Holding(G.SPECIAL_MENTION, 2_000_000 * y, 40_000 * y),  # 2%
        pm.Holding(G.SUBSTANDARD, 1_000_000 * y, 250_000 * y),  # 25%
        pm.Holding(G.DOUBTFUL, 600_000 * y, 300_000 * y),  # 50%
        pm.Holding(G.LOSS, 400_000 * y, 400_000 * y),  # 100%
    ]
    s = pm.summarise(book, pm.DEFAULT_POLICY)
    assert s.loans == 5 and s.outstanding == 10_000_000 * y and s.npl == 2_000_000 * y
    assert s.required == s.held == 990_000 * y
    # NPL 2m / 10m = 20%; coverage 0.99m / 2m = 49.5% < 150%; provision ratio 0.99m / 10m = 9.9% >= 2.5%
    assert s.npl_ratio == Decimal("0.2000")
    assert s.coverage_ratio == Decimal("0.4950") and s.coverage_breach
    assert s.loan_provision_ratio == Decimal("0.0990") and not s.loan_ratio_breach
    line = {x.grade: x for x in s.lines}[G.SUBSTANDARD]
    assert (line.loans, line.rate_bp, line.required) == (1, 2500, 250_000 * y)

    healthy = pm.summarise([pm.Holding(G.NORMAL, 1_000_000 * y, 15_000 * y)], pm.DEFAULT_POLICY)
    assert healthy.coverage_ratio is None and not healthy.coverage_breach  # no NPL: nothing to cover
    assert healthy.loan_provision_ratio == Decimal("0.0150") and healthy.loan_ratio_breach  # 1.5% < 2.5%
    empty = pm.summarise([], pm.DEFAULT_POLICY)
    assert empty.npl_ratio is None and not empty.coverage_breach and not empty.loan_ratio_breach
    both = pm.combine([s, healthy], pm.DEFAULT_POLICY)
    assert both.outstanding == 11_000_000 * y and both.held == 1_005_000 * y


def test_general_reserve_is_topped_up_at_year_end_and_never_released() -> None:
    y = Decimal(1)
    assert pm.is_year_end(dt.date(2025, 12, 31)) and not pm.is_year_end(dt.date(2025, 12, 30))
    assert pm.general_reserve_needed(10_000_000 * y, 150, 0 * y) == 150_000 * y
    assert pm.general_reserve_needed(10_000_000 * y, 150, 100_000 * y) == 50_000 * y
    assert pm.general_reserve_needed(1_000_000 * y, 150, 100_000 * y) == 0  # the book shrank: kept, not released


def test_loss_given_default_at_forced_sale_value_beside_the_grade_rates() -> None:
    """Decision record 0008: the forced-sale value feeds LGD; the regulatory allowance stays the grade rate."""
    y = Decimal(1)
    book = [
        pm.Holding(G.NORMAL, 1_000_000 * y, 15_000 * y, Decimal("1176000")),  # fully covered: nothing unsecured
        pm.Holding(G.SUBSTANDARD, 800_000 * y, 200_000 * y, Decimal("200000")),  # 600,000 unsecured
        pm.Holding(G.LOSS, 100_000 * y, 100_000 * y),  # no forced-sale value recorded: counts whole
    ]
    s = pm.summarise(book, pm.DEFAULT_POLICY)
    assert (s.recoverable, s.unsecured) == (Decimal("1200000"), Decimal("700000"))
    assert s.npl_unsecured == Decimal("700000") and s.npl_lgd == Decimal("0.7778")  # 700,000 / 900,000
    # unchanged by collateral: the grade rates (正常 0% since the general reserve sits in equity)
    assert s.required == Decimal("0.00") + Decimal("200000.00") + Decimal("100000.00")
    both = pm.combine([s, s], pm.DEFAULT_POLICY)
    assert (both.unsecured, both.npl_lgd) == (Decimal("1400000"), Decimal("0.7778"))
