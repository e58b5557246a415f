"""The close's per-loan plan, without a database: accrual, days past due, penalty, grade."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.lending.close.model import CurrentPeriod, LoanState, Overdue, days_to_close, plan_day
from ippledge.lending.model.classification import Grade

D = dt.date


def _loan(**kw: object) -> LoanState:
    base: dict[str, object] = {
        "loan_id": 1,
        "bank_id": 2,
        "annual_rate": Decimal("0.036"),
        "penalty_uplift": Decimal("0.5"),
        "dpd": 0,
        "grade": "normal",
        "penalty_exact": Decimal(0),
        "penalty_posted": Decimal(0),
    }
    base.update(kw)
    return LoanState(**base)  # type: ignore[arg-type]


def test_scheduled_accrual_reaches_the_period_total_on_its_last_day() -> None:
    interest = Decimal("2916.67")
    period = CurrentPeriod(3, D(2025, 1, 15), D(2025, 2, 15), interest, Decimal(0))
    accrued, loan = Decimal("0.00"), _loan()
    day = period.start_date
    while day < period.due_date:
        plan = plan_day(day, loan, CurrentPeriod(3, period.start_date, period.due_date, interest, accrued), None)
        assert plan.period == 3 and plan.interest >= 0 and plan.penalty == 0 and plan.dpd == 0
        accrued = plan.interest_accrued
        day += dt.timedelta(days=1)
    assert accrued == interest


def test_no_current_period_accrues_nothing() -> None:
    plan = plan_day(D(2026, 1, 20), _loan(), None, None)
    assert (plan.interest, plan.period, plan.penalty, plan.dpd, plan.grade) == (0, None, 0, 0, Grade.NORMAL)


def test_penalty_on_overdue_principal_at_uplifted_daily_rate() -> None:
    # 10,000.00 overdue at 3.6% x 1.5 / 360 = 1.50 a day
    plan = plan_day(D(2025, 3, 1), _loan(), None, Overdue(D(2025, 3, 1), Decimal("10000.00")))
    assert plan.dpd == 0 and plan.penalty == Decimal("1.50") and plan.penalty_exact == Decimal("1.5")
    loan = _loan(penalty_exact=plan.penalty_exact, penalty_posted=Decimal("1.50"))
    plan2 = plan_day(D(2025, 3, 2), loan, None, plan_ov())
    assert plan2.dpd == 1 and plan2.penalty_posted == Decimal("3.00") and plan2.grade is Grade.SPECIAL_MENTION


def plan_ov() -> Overdue:
    return Overdue(D(2025, 3, 1), Decimal("10000.00"))


def test_sub_fen_penalty_is_carried_not_lost() -> None:
    # 1.00 overdue at 3.6% x 1.5 / 360 = 0.00015 a day: nothing posted for 33 days, then the first fen.
    loan, posted = _loan(), Decimal("0.00")
    for i in range(40):
        plan = plan_day(D(2025, 3, 1) + dt.timedelta(days=i), loan, None, Overdue(D(2025, 3, 1), Decimal("1.00")))
        posted += plan.penalty
        loan = _loan(penalty_exact=plan.penalty_exact, penalty_posted=plan.penalty_posted)
    assert loan.penalty_exact == Decimal("0.006") and posted == Decimal("0.01")  # round(0.006) = 0.01


def test_interest_only_arrears_age_without_penalty() -> None:
    plan = plan_day(D(2025, 4, 1), _loan(), None, Overdue(D(2025, 3, 1), Decimal("0.00")))
    assert plan.dpd == 31 and plan.penalty == 0 and plan.grade is Grade.SPECIAL_MENTION


def test_grade_floor_never_upgrades_a_bank_downgrade() -> None:
    plan = plan_day(D(2025, 3, 2), _loan(grade="doubtful"), None, Overdue(D(2025, 3, 1), Decimal("1.00")))
    assert plan.grade is Grade.DOUBTFUL and not plan.reclassified
    cured = plan_day(D(2025, 3, 2), _loan(grade="substandard", dpd=120), None, None)
    assert cured.dpd == 0 and cured.grade is Grade.SUBSTANDARD


def test_days_to_close() -> None:
    assert days_to_close(None, D(2025, 1, 5)) == [D(2025, 1, 5)]
    assert days_to_close(D(2025, 1, 5), D(2025, 1, 5)) == []
    assert days_to_close(D(2025, 1, 5), D(2025, 1, 4)) == []
    assert days_to_close(D(2025, 1, 30), D(2025, 2, 2)) == [D(2025, 1, 31), D(2025, 2, 1), D(2025, 2, 2)]
