"""Floating-rate loans repriced from the LPR (浮动利率重定价) by the daily close, on both backends: the repricing
dates fall every 3 months from disbursement, each takes the LPR fixing in force that day plus the loan's spread, and
the periods starting then are re-amortised; the schedule matches one computed by hand here. ``ledger check``
passes (the close accrues each period on its repriced interest)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.lending.model.repricing import next_repricing, rate_of
from tests.ledger.factories import assert_ledger_ok
from tests.lending.factories import LoanDesk


def test_rule() -> None:
    assert rate_of(300, 50) == Decimal("0.035000") and rate_of(280, -20) == Decimal("0.026000")
    assert next_repricing(dt.date(2025, 1, 31), 3, dt.date(2025, 1, 31)) == (1, dt.date(2025, 4, 30))
    assert next_repricing(dt.date(2025, 1, 31), 3, dt.date(2025, 4, 30)) == (2, dt.date(2025, 7, 31))


def _close(d: LoanDesk, day: dt.date) -> None:
    d.clock.today = day
    d.post(d.operator, "/close", {"date": str(day)}, 200)


def test_lpr_changes_reprice_the_schedule_as_computed_by_hand(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    start = d.clock.today
    assert start == dt.date(2025, 6, 3)  # the 1-year LPR in force: 3.00% since 2025-05-20 (credit.lpr seed)
    lid = d.active_loan(amount="120000", months=12, method="equal_principal")
    loan = d.get(d.bank.officer, f"/loans/{lid}").json()
    assert loan["annual_rate"] == "0.035000"  # LPR 3.00% + the decision's 50 bp

    url = f"/loans/{lid}/floating-rate"
    d.post(d.bank2.officer, url, {"every_months": 3}, 404)
    d.post(d.firm, url, {"every_months": 3}, 403)
    assert d.post(d.bank.officer, url, {"every_months": 5}, 422).json()["code"] == "lending.floating_period"
    clause = d.post(d.bank.officer, url, {"every_months": 3}, 201).json()
    assert clause["spread_bp"] == 50 and clause["next_on"] == "2025-09-03"
    assert d.post(d.bank.officer, url, {"every_months": 3}, 409).json()["code"] == "lending.floating_exists"

    # the LPR moves: 2.90% from 2025-08-20, 2.80% from 2025-11-20 (fixings entered by the operator)
    for day, bp in (("2025-08-20", 290), ("2025-11-20", 280)):
        d.post(d.operator, "/lpr", {"effective_date": day, "tenor": "1y", "rate_bp": bp, "source": "test"}, 201)
    _close(d, start)
    _close(d, dt.date(2025, 12, 4))

    # By hand: 120,000 in 12 equal principal parts of 10,000; interest = balance at the period's start x rate / 12.
    # Periods 1-3 at 3.50% (LPR 3.00% + 0.50%), 4-6 at 3.40% (repriced 2025-09-03 on LPR 2.90%),
    # 7-12 at 3.30% (repriced 2025-12-03 on LPR 2.80%).
    def interest(balance: int, rate: str) -> Decimal:
        return (Decimal(balance) * Decimal(rate) / 12).quantize(Decimal("0.01"))

    by_hand = [interest(120_000 - 10_000 * k, "0.035") for k in range(0, 3)]
    by_hand += [interest(120_000 - 10_000 * k, "0.034") for k in range(3, 6)]
    by_hand += [interest(120_000 - 10_000 * k, "0.033") for k in range(6, 12)]
    assert by_hand[:4] == [Decimal("350.00"), Decimal("320.83"), Decimal("291.67"), Decimal("255.00")]
    assert by_hand[6:] == [Decimal(x) for x in ("165.00", "137.50", "110.00", "82.50", "55.00", "27.50")]
    after = d.get(d.bank.officer, f"/loans/{lid}").json()
    schedule = after["schedule"]
    assert [Decimal(i["interest"]) for i in schedule] == by_hand
    assert all(Decimal(i["principal"]) == Decimal("10000.00") for i in schedule)
    assert after["annual_rate"] == "0.033000"
    # the close accrued each finished period on its repriced interest
    assert [Decimal(i["interest_accrued"]) for i in schedule[:6]] == by_hand[:6]
    changes = d.get(d.bank.officer, f"/loans/{lid}/rate-changes").json()
    assert [(c["on"], c["lpr_bp"], c["to_rate"], c["from_period"]) for c in changes] == [
        ("2025-09-03", 290, "0.034000", 4),
        ("2025-12-03", 280, "0.033000", 7),
    ]
    d.get(d.bank2.officer, f"/loans/{lid}/rate-changes", expect=404)
    assert_ledger_ok(session_factory)
