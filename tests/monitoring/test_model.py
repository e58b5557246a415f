"""Monitoring rules without a database: annuity stages and surcharges (DOMAIN.md §3), the watch list's moves, and
which legal events open which watch-list rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ippledge.monitoring import model
from ippledge.monitoring.model import Finding, WatchState

DUE = dt.date(2025, 7, 20)


@pytest.mark.parametrize(
    ("on", "stage"),
    [
        (dt.date(2025, 5, 20), None),  # 61 days before
        (dt.date(2025, 5, 21), Finding.ANNUITY_DUE),  # 60 days before
        (DUE, Finding.ANNUITY_DUE),
        (dt.date(2025, 7, 21), Finding.ANNUITY_GRACE),
        (dt.date(2026, 1, 20), Finding.ANNUITY_GRACE),  # the last day of grace
        (dt.date(2026, 1, 21), None),  # lapsed: the register's CF01 says so
    ],
)
def test_annuity_stage(on: dt.date, stage: Finding | None) -> None:
    assert model.annuity_stage(DUE, on) is stage


@pytest.mark.parametrize(
    ("on", "rate"),
    [
        (dt.date(2025, 7, 21), "0"),
        (dt.date(2025, 8, 20), "0"),  # within the first month
        (dt.date(2025, 8, 21), "0.05"),
        (dt.date(2025, 10, 21), "0.15"),
        (dt.date(2026, 1, 20), "0.25"),
    ],
)
def test_surcharge_by_month_of_grace(on: dt.date, rate: str) -> None:
    assert model.surcharge_rate(DUE, on) == Decimal(rate)
    assert model.amount_due(Decimal("2000.00"), DUE, on) == (Decimal("2000.00") * (1 + Decimal(rate))).quantize(
        Decimal("0.01")
    )


def test_watch_moves() -> None:
    assert model.can_move(WatchState.OPEN, WatchState.ACTING)
    assert model.can_move(WatchState.ACTING, WatchState.CURED)
    assert model.can_move(WatchState.CURED, WatchState.CLOSED)
    assert not model.can_move(WatchState.OPEN, WatchState.CLOSED)  # cure or escalate first
    assert not any(model.can_move(WatchState.CLOSED, s) for s in WatchState)


def test_events_open_rules_and_every_finding_is_described() -> None:
    assert model.watch_rule_of(Finding.LEGAL_EVENT, "CF01") == "collateral_lost"
    assert model.watch_rule_of(Finding.LEGAL_EVENT, "PP01") == "preservation"
    assert model.watch_rule_of(Finding.LEGAL_EVENT, "IP01") == "invalidation_request"
    assert model.watch_rule_of(Finding.LEGAL_EVENT, "EE01") is None
    assert model.watch_rule_of(Finding.ANNUITY_DUE) is None
    for finding in Finding:
        rule = model.FINDINGS[finding]
        assert rule.why.zh and rule.why.en and rule.action.zh and rule.action.en and rule.act_within > 0
        assert rule.watch_rule is None or rule.watch_rule in model.WATCH_RULES
    assert model.term_short(dt.date(2026, 1, 1), dt.date(2026, 6, 1))
    assert not model.term_short(None, dt.date(2026, 6, 1))
