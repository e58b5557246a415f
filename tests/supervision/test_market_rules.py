"""The anonymised market's pure rules: quartiles by interpolation, places with ties, and the minimum cell size."""

from __future__ import annotations

from decimal import Decimal as D

from ippledge.supervision import market


def test_quantiles_interpolate_between_order_statistics() -> None:
    xs = [D(1), D(2), D(3), D(4)]
    assert market.quantile(xs, D("0.5")) == D("2.5")
    assert market.quantile(xs, D("0.25")) == D("1.75")
    assert market.quantile([D(7)], D("0.75")) == D(7)


def test_suppressed_under_three_other_banks_and_own_figure_still_shown() -> None:
    values = {1: D("5"), 2: D("1"), 3: D("2")}
    s = market.spread("disbursed", values, 1, additive=True)
    assert s.suppressed and s.total is None and s.median is None and s.own_place is None and s.own == D("5")
    # other banks without the figure do not count towards the minimum
    s = market.spread("growth_rate", {**values, 4: None, 5: None}, 1, additive=False)
    assert s.suppressed and s.banks == 3
    s = market.spread("growth_rate", {**values, 4: D("5")}, 1, additive=False)
    assert not s.suppressed and s.total is None and s.own_place == 1  # tied first with bank 4
    s = market.spread("disbursed", {**values, 4: D("9")}, 1, additive=True, places=D("0.01"))
    assert s.total == D("17.00") and s.own_place == 2 and s.median == D("3.50")
    assert market.enough_others([1, 2, 3, 4], 1) and not market.enough_others([1, 2, 3, 3], 1)
