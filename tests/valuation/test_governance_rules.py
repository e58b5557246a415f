"""Governance rules without a database: each flag, the league table, and the simulated valuers over several seeds."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ippledge.analytics.single import value_batch
from ippledge.simulation import truth, valuers
from ippledge.simulation.generate import generate
from ippledge.simulation.spec import SMALL
from ippledge.valuation.governance.model import FlagKind, ModelRange, ReportObs, Thresholds, league_table, report_flags

D = dt.date(2024, 1, 1)
T = Thresholds()


def obs(rid: int, ip: int, valuer: int, client: int, days: int, fen: int) -> ReportObs:
    return ReportObs(rid, ip, valuer, client, D + dt.timedelta(days=days), fen)


def test_outside_range_uses_the_widened_band() -> None:
    models = {1: ModelRange(100, 200, 400)}
    inside = [obs(1, 1, 9, 7, 0, 80), obs(2, 1, 9, 7, 0, 500)]  # 100/1.25 = 80 and 400x1.25 = 500: on the edge
    outside = [obs(3, 1, 9, 7, 0, 79), obs(4, 1, 9, 7, 0, 501)]
    kinds = [f.report_id for f in report_flags(inside + outside, models, T) if f.kind is FlagKind.OUTSIDE_RANGE]
    assert kinds == [3, 4]


def test_far_from_peers() -> None:
    flags = report_flags([obs(1, 1, 1, 7, 0, 100), obs(2, 1, 2, 8, 0, 110), obs(3, 1, 3, 9, 0, 300)], {}, T)
    assert [f.report_id for f in flags if f.kind is FlagKind.FAR_FROM_PEERS] == [3]


def test_opinion_shopping_flags_the_later_higher_report_of_a_new_valuer() -> None:
    reports = [
        obs(1, 1, 1, 7, 0, 100),
        obs(2, 1, 2, 7, 30, 119),  # new valuer but within the margin: no flag
        obs(3, 1, 3, 7, 60, 200),  # new valuer, well above the best earlier value: flagged
        obs(4, 1, 1, 7, 90, 300),  # the first valuer again: not a new valuer
        obs(5, 1, 4, 8, 90, 400),  # another client's first report: nothing to compare with
        obs(6, 1, 5, 7, 900, 900),  # outside the window
    ]
    shop = [f for f in report_flags(reports, {}, T) if f.kind is FlagKind.OPINION_SHOPPING]
    assert [(f.report_id, f.client_id) for f in shop] == [(3, 7)]
    assert shop[0].details["earlier_best_fen"] == 119


def test_concentration_needs_share_and_count() -> None:
    reports = [obs(i, i, 1, 7 if i < 7 else 100 + i, 0, 100) for i in range(10)]
    conc = [f for f in report_flags(reports, {}, T) if f.kind is FlagKind.CONCENTRATION]
    assert [(f.valuer_id, f.client_id, f.details["share"]) for f in conc] == [(1, 7, 0.7)]
    assert not [f for f in report_flags(reports[:9], {}, T) if f.kind is FlagKind.CONCENTRATION]


def test_league_bias_is_relative_to_the_median_valuer_and_realised_prices_are_kept() -> None:
    rng = np.random.default_rng(1)
    models = {ip: ModelRange(50, 100, 200) for ip in range(40)}
    reports: list[ReportObs] = []
    for v, shift in ((1, 0.5), (2, 0.55), (3, 0.45), (4, 1.4)):  # the model is 50% low for everyone
        reports += [
            obs(v * 100 + ip, ip, v, ip, 0, int(100 * np.exp(shift + 0.1 * rng.standard_normal()))) for ip in range(40)
        ]
    rows = league_table(reports, models, T, realised_fen={0: 165, 1: 160})
    assert [r.valuer_id for r in rows if r.flagged] == [4]
    assert rows[0].realised == 2 and rows[0].realised_median_abs_log_dev is not None
    few = league_table(reports[:10] + reports[-10:], models, T)
    assert not any(r.flagged for r in few)  # too few reports to judge


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8])
def test_simulated_pliant_valuer_is_the_only_one_flagged(seed: int) -> None:
    spec = SMALL.scaled(0.1)
    market = generate(spec, seed)
    true_value, _ = truth.true_values(market, seed)
    hist = valuers.history(market, true_value, seed, valuers.ValuerBehaviour(engagements=500))
    _, res = value_batch(truth.valuation_columns(market), seed=1, as_of=spec.as_of)
    models = {i: ModelRange(int(res.p10_fen[i]), int(res.p50_fen[i]), int(res.p90_fen[i])) for i in range(len(res))}
    reports = [
        ReportObs(
            k,
            int(hist.asset[k]),
            int(hist.valuer[k]),
            int(hist.client[k]),
            hist.day[k].astype(dt.date),
            round(hist.value[k] * 100),
        )
        for k in range(len(hist))
    ]
    rows = league_table(reports, models, T)
    assert [r.valuer_id for r in rows if r.flagged] == [hist.pliant]
    # the model and the truth share a scale: honest valuers mostly land inside the model's widened band
    for r in rows:
        assert r.outside_share is not None and r.raw_bias is not None
        if r.valuer_id != hist.pliant:
            assert r.outside_share < 0.35 and abs(r.raw_bias) < 0.5
        else:
            assert r.outside_share > 0.4
    assert len(hist) == len(valuers.history(market, true_value, seed, valuers.ValuerBehaviour(engagements=500)))
