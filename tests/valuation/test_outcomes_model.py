"""Liquidity calibration from realised disposals (pure): the prior until enough observations, credibility-weighted
shrinkage toward the parent level (kind, then the prior), the engine's per-cell recovery, and realised / appraised in
the valuer league table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from ippledge.analytics.engine import kind_of
from ippledge.analytics.liquidity import LiquidityModel
from ippledge.valuation.governance.model import ReportObs, Thresholds, league_table
from ippledge.valuation.outcomes.model import Outcome, Params, calibrate, realised_ratio

V = Decimal("1000000")


def sold(price: str, kind: str = "patent", field: str = "H04") -> Outcome:
    return Outcome(kind, field, V, True, Decimal(price))


def unsold(kind: str = "patent", field: str = "H04") -> Outcome:
    return Outcome(kind, field, V, False, None)


def test_an_empty_history_is_exactly_the_prior() -> None:
    cal = calibrate([])
    cell = cal.cell("patent", "H04")
    assert (cell.sell_through, cell.discount) == (0.40, 0.30)
    assert cell.sell_through_from == cell.discount_from == "prior" and cal.factors() == {}
    assert cell.recovery == pytest.approx(0.28)


def test_below_the_minimum_the_figures_stay_at_the_prior() -> None:
    cal = calibrate([sold("500000"), sold("500000"), unsold()])  # 3 lots (< 5), 2 sold (< 3)
    for cell in (cal.cell("patent"), cal.cell("patent", "H04")):
        assert (cell.sell_through, cell.discount) == (0.40, 0.30)
        assert (cell.lots, cell.sold) == (3, 2)
    assert cal.factors() == {}


def test_credibility_weight_shrinks_the_observed_mean_toward_the_prior() -> None:
    obs = [sold("500000"), sold("600000"), sold("800000"), unsold(), unsold(), unsold()]
    cal = calibrate(obs)
    kind = cal.cell("patent")
    # discount: (20 x 0.30 + 0.5 + 0.4 + 0.2) / (20 + 3); sell-through: (20 x 0.40 + 3) / (20 + 6)
    assert kind.discount == pytest.approx((6.0 + 1.1) / 23)
    assert kind.sell_through == pytest.approx(11.0 / 26)
    assert kind.sell_through_from == kind.discount_from == "observed"
    n, w = 3, 20.0  # the same as Z x mean + (1 - Z) x prior with Z = n / (n + w)
    z = n / (n + w)
    assert kind.discount == pytest.approx(z * (1.1 / 3) + (1 - z) * 0.30)


def test_a_field_shrinks_toward_its_kind_and_falls_back_to_it_when_thin() -> None:
    h04 = [sold("400000", field="H04")] * 3
    a61 = [sold("900000", field="A61")] * 3 + [unsold(field="A61")] * 2
    cal = calibrate(h04 + a61)
    kind = cal.cell("patent")
    assert kind.discount == pytest.approx((6.0 + 3 * 0.6 + 3 * 0.1) / 26)
    field = cal.cell("patent", "H04")
    assert field.discount == pytest.approx((20 * kind.discount + 3 * 0.6) / 23)
    assert field.discount_from == "observed" and field.sell_through_from == "kind"  # 3 lots < 5: the kind's
    assert field.sell_through == kind.sell_through
    assert cal.cell("patent", "G06") == kind  # no lots in the field: the kind's figures
    assert cal.cell("trademark").sell_through_from == "prior"


def test_taken_in_satisfaction_counts_as_unsold_and_shortfalls_are_clipped() -> None:
    assert Outcome("patent", "", V, False, Decimal("700000")).shortfall is None  # 以物抵债 is not a market price
    assert sold("1200000").shortfall == 0.0 and sold("0").shortfall == 1.0
    assert Outcome("patent", "", Decimal(0), True, Decimal(1)).shortfall is None
    p = Params(min_lots=1, min_sold=1, weight=0.0)
    assert calibrate([unsold()], p).cell("patent").sell_through == 0.0


def test_the_engine_prices_forced_sale_per_cell() -> None:
    kinds = kind_of(np.array([1, 2, 4, 5, 0]))
    assert list(kinds) == ["patent", "patent", "trademark", "copyright", ""]
    fields = np.array(["H04", "A61", "", "", ""])
    m = LiquidityModel(cells={("patent", ""): (0.5, 0.2), ("patent", "H04"): (0.25, 0.5)})
    assert list(m.factors(kinds, fields)) == pytest.approx([0.125, 0.4, 0.28, 0.28, 0.28])
    value = np.full(5, 100.0)
    assert list(m.collateral(value, np.array([True, True, True, False, True]), kinds, fields)) == pytest.approx(
        [12.5, 40.0, 28.0, 0.0, 28.0]
    )
    assert LiquidityModel().factors(kinds, fields) == pytest.approx(0.28)  # no cells: the one prior figure
    assert m.assumptions()["calibrated_cells"]["patent/H04"] == {"sell_through": 0.25, "forced_sale_discount": 0.5}


def test_the_league_table_shows_realised_over_appraised() -> None:
    day = dt.date(2025, 1, 1)
    reports = [ReportObs(1, 10, 7, None, day, 100_00), ReportObs(2, 11, 7, None, day, 100_00)]
    reports += [ReportObs(3, 12, 8, None, day, 100_00)]
    rows = league_table(reports, {}, Thresholds(), realised_ratio={1: 0.5, 2: 0.7})
    by = {r.valuer_id: r for r in rows}
    assert by[7].realised_over_appraised == pytest.approx(0.6) and by[7].realised_reports == 2
    assert by[8].realised_over_appraised is None and by[8].realised_reports == 0
    assert realised_ratio(Decimal("560"), Decimal("800")) == pytest.approx(0.7)
    assert realised_ratio(Decimal("1"), Decimal("0")) is None
