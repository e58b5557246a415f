"""Interest accrual, allocation, prepayment, days past due, penalty interest and the five tiers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.errors import ValidationError
from ippledge.lending.model import interest
from ippledge.lending.model.classification import (
    Claim,
    Grade,
    UpgradeFacts,
    classify,
    contagion,
    floor_for,
    loan_floor,
    reclassify,
    restructure_floor,
    upgrade_blockers,
)
from ippledge.lending.model.delinquency import days_past_due, penalty_between, penalty_for_day, penalty_rate
from ippledge.lending.model.prepayment import PrepaymentMode, partial_prepayment, payoff_quote
from ippledge.lending.model.repayment_order import Bucket, Due, Sequence, allocate
from ippledge.lending.model.schedule import RepaymentMethod, build_schedule

D = Decimal
START = dt.date(2025, 1, 15)


# --- rates and accrual -------------------------------------------------------------------------------------------


def test_parse_rate() -> None:
    assert interest.parse_rate("4.9%") == D("0.049")
    assert interest.parse_rate("0.049") == D("0.049")
    assert interest.parse_rate(" 3.45 % ") == D("0.0345")
    assert interest.parse_rate("0") == 0
    for bad in ["4.9", "abc", "-1%", "", "37%"]:
        with pytest.raises(ValidationError) as exc:
            interest.parse_rate(bad)
        assert exc.value.code == "lending.rate"


def test_daily_rate_is_annual_over_360() -> None:
    assert interest.interest_for_days(D("1000000"), D("0.036"), 1) == D("100")
    assert interest.daily_rate(D("0.036")) == D("0.0001")


def test_scheduled_accrual_matches_period_interest_in_a_31_day_month() -> None:
    start, end = dt.date(2025, 1, 15), dt.date(2025, 2, 15)  # 31 days
    steps = interest.daily_accruals(D("4083.33"), start, end)
    assert len(steps) == 31 and steps[0][0] == start and steps[-1][0] == dt.date(2025, 2, 14)
    assert sum(a for _, a in steps) == D("4083.33")
    assert all(a == a.quantize(D("0.01")) and a >= 0 for _, a in steps)
    assert {a for _, a in steps} <= {D("131.72"), D("131.73")}
    with pytest.raises(ValidationError):
        interest.scheduled_accrual(D("1"), start, end, end, D("0"))  # 算头不算尾: the due date is the next period


@settings(max_examples=50, deadline=None)
@given(
    principal=st.integers(1, 10**10).map(lambda f: D(f) / 100),
    rate=st.integers(1, 3600).map(lambda bp: D(bp) / 10000),
    days=st.integers(1, 400),
)
def test_actual_day_accrual_sums_exactly(principal: Decimal, rate: Decimal, days: int) -> None:
    posted = D("0.00")
    for elapsed in range(1, days + 1):
        step = interest.actual_day_accrual(principal, rate, elapsed, posted)
        assert step >= 0 and step == step.quantize(D("0.01"))
        posted += step
    assert posted == interest.round_fen(interest.interest_for_days(principal, rate, days))


# --- allocation ----------------------------------------------------------------------------------------------------


DUES = [
    Due(2, dt.date(2025, 3, 15), principal=D("900.00"), interest=D("100.00"), penalty=D("3.00")),
    Due(1, dt.date(2025, 2, 15), principal=D("890.00"), interest=D("110.00"), penalty=D("8.00"), compound=D("0.50")),
]


def test_allocation_penalty_then_interest_then_principal_oldest_first() -> None:
    a = allocate(D("230.00"), DUES)
    assert [(ln.period, ln.bucket, ln.amount) for ln in a.lines] == [
        (1, Bucket.PENALTY, D("8.00")),
        (2, Bucket.PENALTY, D("3.00")),
        (1, Bucket.COMPOUND, D("0.50")),
        (1, Bucket.INTEREST, D("110.00")),
        (2, Bucket.INTEREST, D("100.00")),
        (1, Bucket.PRINCIPAL, D("8.50")),
    ]
    assert a.leftover == 0 and a.total() == D("230.00") and a.total(Bucket.INTEREST) == D("210.00")


def test_allocation_by_instalment_and_leftover() -> None:
    a = allocate(D("2100.00"), DUES, sequence=Sequence.BY_INSTALMENT)
    assert a.for_period(1) == {
        Bucket.PENALTY: D("8.00"),
        Bucket.COMPOUND: D("0.50"),
        Bucket.INTEREST: D("110.00"),
        Bucket.PRINCIPAL: D("890.00"),
    }
    assert a.leftover == D("2100.00") - D("2011.50")
    partial = allocate(D("1010.00"), DUES, sequence=Sequence.BY_INSTALMENT)
    assert partial.for_period(2) == {Bucket.PENALTY: D("1.50")}
    custom = allocate(D("5.00"), DUES, order=(Bucket.PRINCIPAL, Bucket.INTEREST, Bucket.PENALTY, Bucket.COMPOUND))
    assert custom.lines[0].bucket is Bucket.PRINCIPAL and custom.lines[0].period == 1


def test_allocation_refuses_bad_input() -> None:
    for amount in (D("-1"), D("1.001")):
        with pytest.raises(ValidationError):
            allocate(amount, DUES)
    with pytest.raises(ValidationError) as exc:
        allocate(D("1"), DUES, order=(Bucket.INTEREST, Bucket.PRINCIPAL))
    assert exc.value.code == "lending.allocation_order"


# --- prepayment ----------------------------------------------------------------------------------------------------


def test_payoff_quote_accrues_at_annual_over_360() -> None:
    q = payoff_quote(D("360000.00"), D("0.05"), dt.date(2025, 3, 15), dt.date(2025, 3, 25), fee_rate=D("0.01"))
    assert (q.days, q.interest, q.fee, q.total) == (10, D("500.00"), D("3600.00"), D("364100.00"))
    with pytest.raises(ValidationError):
        payoff_quote(D("1.00"), D("0.05"), dt.date(2025, 3, 15), dt.date(2025, 3, 14))


def test_partial_prepayment_reduce_payment_and_reduce_term() -> None:
    plan = build_schedule(D("1000000.00"), D("0.049"), 240, START, RepaymentMethod.EQUAL_INSTALLMENT)
    after12 = plan.instalments[11]
    day = dt.date(2026, 1, 25)  # 10 days after instalment 12 fell due
    lower = partial_prepayment(plan, 12, D("200000.00"), day, PrepaymentMode.REDUCE_PAYMENT)
    assert lower.interest == D("272.22")  # 200,000 x 0.049 / 360 x 10 = 272.222...
    assert lower.schedule.instalments[0].period == 13 and len(lower.schedule.instalments) == 228
    assert lower.schedule.instalments[0].due_date == plan.instalments[12].due_date
    assert lower.schedule.total_principal == after12.remaining - D("200000.00")
    assert lower.schedule.instalments[0].payment < D("6544.44")
    shorter = partial_prepayment(plan, 12, D("200000.00"), day, PrepaymentMode.REDUCE_TERM, fee_rate=D("0.01"))
    assert shorter.fee == D("2000.00")
    assert len(shorter.schedule.instalments) < 228
    assert shorter.schedule.instalments[0].payment <= D("6544.44")
    assert shorter.schedule.total_principal == after12.remaining - D("200000.00")
    assert shorter.schedule.total_interest < lower.schedule.total_interest


def test_partial_prepayment_equal_principal_reduce_term_keeps_share() -> None:
    plan = build_schedule(D("120000.00"), D("0.04"), 12, START, RepaymentMethod.EQUAL_PRINCIPAL)
    res = partial_prepayment(plan, 2, D("30000.00"), dt.date(2025, 3, 20), PrepaymentMode.REDUCE_TERM)
    assert [i.principal for i in res.schedule.instalments] == [D("10000.00")] * 7
    assert res.schedule.instalments[-1].period == 9


def test_partial_prepayment_refusals() -> None:
    plan = build_schedule(D("120000.00"), D("0.04"), 12, START, RepaymentMethod.INTEREST_FIRST)
    cases = [
        (2, D("120000.00"), dt.date(2025, 3, 20), PrepaymentMode.REDUCE_PAYMENT, "lending.prepayment_amount"),
        (2, D("1000.00"), dt.date(2025, 4, 15), PrepaymentMode.REDUCE_PAYMENT, "lending.prepayment_date"),
        (2, D("1000.00"), dt.date(2025, 3, 20), PrepaymentMode.REDUCE_TERM, "lending.prepayment_mode"),
    ]
    for paid, amount, day, mode, code in cases:
        with pytest.raises(ValidationError) as exc:
            partial_prepayment(plan, paid, amount, day, mode)
        assert exc.value.code == code
    ok = partial_prepayment(plan, 2, D("20000.00"), dt.date(2025, 3, 20), PrepaymentMode.REDUCE_PAYMENT)
    assert ok.schedule.instalments[0].interest == D("333.33")  # 100,000 x 0.04 / 12


# --- days past due, penalty, classification --------------------------------------------------------------------------


def test_days_past_due_and_grace() -> None:
    due = dt.date(2025, 5, 31)  # a Saturday in the Dragon Boat holiday; next working day 3 June
    assert days_past_due(None, dt.date(2025, 7, 1)) == 0
    assert days_past_due(due, due) == 0
    assert days_past_due(due, dt.date(2025, 6, 1)) == 1
    cal = default_calendar()
    assert days_past_due(due, dt.date(2025, 6, 3), grace_calendar=cal) == 0
    assert days_past_due(due, dt.date(2025, 6, 4), grace_calendar=cal) == 4


def test_penalty_interest() -> None:
    assert penalty_rate(D("0.04"), D("0.5")) == D("0.060")
    assert penalty_for_day(D("36000"), D("0.04"), D("0.5")) == D("6")
    assert penalty_between(D("36000.00"), D("0.04"), dt.date(2025, 3, 1), dt.date(2025, 3, 11)) == D("60.00")
    with_compound = penalty_between(
        D("36000.00"), D("0.04"), dt.date(2025, 3, 1), dt.date(2025, 3, 11), overdue_interest=D("600"), compound=True
    )
    assert with_compound == D("61.00")
    with pytest.raises(ValidationError):
        penalty_rate(D("0.04"), D("1.5"))


@pytest.mark.parametrize(
    ("dpd", "grade"),
    [
        (0, Grade.NORMAL),
        (1, Grade.SPECIAL_MENTION),
        (90, Grade.SPECIAL_MENTION),
        (91, Grade.SUBSTANDARD),
        (270, Grade.SUBSTANDARD),
        (271, Grade.DOUBTFUL),
        (360, Grade.DOUBTFUL),
        (361, Grade.LOSS),
    ],
)
def test_floors(dpd: int, grade: Grade) -> None:
    assert floor_for(dpd) is grade and classify(dpd) is grade


def test_bank_view_never_better_than_floor() -> None:
    with pytest.raises(ValidationError) as exc:
        classify(100, Grade.SPECIAL_MENTION)
    assert exc.value.code == "lending.classification_below_floor"
    with pytest.raises(ValidationError) as exc:
        classify(0, Grade.SUBSTANDARD)
    assert exc.value.code == "lending.downgrade_reason_required"
    assert classify(0, Grade.SUBSTANDARD, reason="经营恶化 business collapsed") is Grade.SUBSTANDARD
    assert classify(100, Grade.SUBSTANDARD) is Grade.SUBSTANDARD
    assert reclassify(0, Grade.SUBSTANDARD) is Grade.SUBSTANDARD  # no automatic upgrade
    assert reclassify(300, Grade.SUBSTANDARD) is Grade.DOUBTFUL
    assert [g.is_npl for g in Grade] == [False, False, True, True, True]
    assert Grade.DOUBTFUL.zh == "可疑"


# ---- 2023 classification rules (pure) ----------------------------------------------------------------------------


def test_contagion_is_more_than_ten_percent_per_debtor_and_bank() -> None:
    def claims(npl: str, rest: str, retail: bool = False) -> list[Claim]:
        return [
            Claim(1, 7, 9, Decimal(npl), Grade.SUBSTANDARD, retail),
            Claim(2, 7, 9, Decimal(rest), Grade.NORMAL, retail),
            Claim(3, 8, 9, Decimal(rest), Grade.NORMAL, retail),  # the same debtor at another bank
        ]

    assert contagion(claims("100", "900")) == set()  # exactly 10% is not more than 10%
    assert contagion(claims("100.01", "900")) == {2}
    assert contagion(claims("500", "500", retail=True)) == set()  # retail debtors are judged claim by claim


def test_upgrade_blockers_name_each_missing_condition() -> None:
    cured = dt.date(2025, 1, 10)
    assert [en for _, en in upgrade_blockers(UpgradeFacts(cured, True, cured, 0, other_npl=True))] == [
        "the arrears are not fully repaid",
        "the debtor has another non-performing claim at the bank",
    ]
    assert upgrade_blockers(UpgradeFacts(dt.date(2025, 3, 10), False, cured, 1))  # one period, two months
    assert upgrade_blockers(UpgradeFacts(dt.date(2025, 3, 10), False, cured, 2)) == []  # two periods on time
    assert upgrade_blockers(UpgradeFacts(dt.date(2025, 7, 10), False, cured, 0)) == []  # or six months


def test_restructure_floor_and_observation_period() -> None:
    assert restructure_floor(Grade.NORMAL, debtor_in_difficulty=True) == Grade.SPECIAL_MENTION
    assert restructure_floor(Grade.SUBSTANDARD, debtor_in_difficulty=False) == Grade.SPECIAL_MENTION
    assert restructure_floor(Grade.DOUBTFUL, debtor_in_difficulty=True) == Grade.SUBSTANDARD
    on = dt.date(2025, 3, 31)
    assert loan_floor(0, dt.date(2026, 3, 30), on, Grade.SUBSTANDARD) == Grade.SUBSTANDARD
    assert loan_floor(0, dt.date(2026, 3, 31), on, Grade.SUBSTANDARD) == Grade.NORMAL  # observation over
    assert loan_floor(100, dt.date(2026, 4, 1), on, Grade.SPECIAL_MENTION) == Grade.SUBSTANDARD
