"""Repayment schedules against published Chinese examples, and their invariants (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.errors import ValidationError
from ippledge.lending.model.schedule import RepaymentMethod, build_schedule, equal_installment_payment

M = RepaymentMethod
START = dt.date(2025, 1, 31)
MILLION = Decimal("1000000.00")
RATE = Decimal("0.049")


def test_published_equal_installment_example() -> None:
    # 100万元、20年、年利率4.90%、等额本息：月供6544.44元，首月利息4083.33元、本金2461.11元
    assert equal_installment_payment(MILLION, RATE, 240) == Decimal("6544.44")
    plan = build_schedule(MILLION, RATE, 240, START, M.EQUAL_INSTALLMENT)
    first = plan.instalments[0]
    assert (first.payment, first.interest, first.principal) == (
        Decimal("6544.44"),
        Decimal("4083.33"),
        Decimal("2461.11"),
    )
    assert first.remaining == Decimal("997538.89")
    assert {i.payment for i in plan.instalments[:-1]} == {Decimal("6544.44")}
    assert plan.instalments[-1].payment == Decimal("6544.51")  # the last instalment absorbs the rounding
    assert plan.total_principal == MILLION and plan.instalments[-1].remaining == 0
    assert plan.total_interest == Decimal("570665.67")


def test_equal_principal_example() -> None:
    # 等额本金：每月本金 1,000,000/240 = 4,166.67；首月利息 1,000,000 x 0.049/12 = 4,083.33；首月还款 8,250.00
    plan = build_schedule(MILLION, RATE, 240, START, M.EQUAL_PRINCIPAL)
    one, two = plan.instalments[:2]
    assert (one.principal, one.interest, one.payment) == (Decimal("4166.67"), Decimal("4083.33"), Decimal("8250.00"))
    # month 2: 995,833.33 x 0.049 / 12 = 4,066.319... -> 4,066.32
    assert (two.principal, two.interest, two.payment) == (Decimal("4166.67"), Decimal("4066.32"), Decimal("8232.99"))
    last = plan.instalments[-1]
    assert last.principal == MILLION - 239 * Decimal("4166.67") == Decimal("4165.87")
    assert last.interest == Decimal("17.01")  # 4,165.87 x 0.049 / 12 = 17.0106...
    assert plan.total_principal == MILLION


def test_interest_first_and_bullet() -> None:
    plan = build_schedule(MILLION, RATE, 12, START, M.INTEREST_FIRST)
    assert [i.principal for i in plan.instalments[:-1]] == [Decimal("0.00")] * 11
    assert {i.interest for i in plan.instalments} == {Decimal("4083.33")}
    assert plan.instalments[-1].payment == Decimal("1004083.33")
    assert plan.total_interest == Decimal("48999.96")
    bullet = build_schedule(MILLION, RATE, 12, START, M.BULLET)
    [only] = bullet.instalments
    assert (only.period, only.due_date, only.principal, only.interest) == (
        12,
        dt.date(2026, 1, 31),
        MILLION,
        Decimal("49000.00"),
    )


def test_due_dates_clamp_to_month_end_and_may_shift() -> None:
    plan = build_schedule(Decimal("12000.00"), RATE, 4, START, M.EQUAL_PRINCIPAL)
    assert [i.due_date for i in plan.instalments] == [
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 31),
        dt.date(2025, 4, 30),
        dt.date(2025, 5, 31),
    ]
    # 2025-05-31 is a Saturday, the first day of the Dragon Boat holiday (to 2 June): shifted to Tuesday 3 June
    shifted = build_schedule(Decimal("12000.00"), RATE, 4, START, M.EQUAL_PRINCIPAL, shift_to_working_day=True)
    assert shifted.instalments[-1].due_date == dt.date(2025, 6, 3)
    assert all(default_calendar().is_working_day(i.due_date) for i in shifted.instalments)
    assert [i.payment for i in shifted.instalments] == [i.payment for i in plan.instalments]


def test_zero_rate() -> None:
    plan = build_schedule(Decimal("100.00"), Decimal("0"), 3, START, M.EQUAL_INSTALLMENT)
    assert [i.principal for i in plan.instalments] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert plan.total_interest == 0


@pytest.mark.parametrize(
    ("principal", "rate", "months", "code"),
    [
        (Decimal("-1.00"), RATE, 12, "lending.principal"),
        (Decimal("0"), RATE, 12, "lending.principal"),
        (Decimal("10.001"), RATE, 12, "lending.principal"),
        (MILLION, Decimal("4.9"), 12, "lending.rate"),
        (MILLION, Decimal("-0.01"), 12, "lending.rate"),
        (MILLION, RATE, 0, "lending.months"),
        (MILLION, RATE, 601, "lending.months"),
    ],
)
def test_bad_input(principal: Decimal, rate: Decimal, months: int, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        build_schedule(principal, rate, months, START, M.EQUAL_INSTALLMENT)
    assert exc.value.code == code and exc.value.message_zh and exc.value.message_en


amounts = st.integers(min_value=1_000_00, max_value=50_000_000_00).map(lambda f: Decimal(f) / 100)
rates = st.integers(min_value=0, max_value=2400).map(lambda bp: Decimal(bp) / 10000)


@settings(max_examples=60, deadline=None)
@given(principal=amounts, rate=rates, months=st.integers(1, 360), method=st.sampled_from(list(M)))
def test_schedule_invariants(principal: Decimal, rate: Decimal, months: int, method: RepaymentMethod) -> None:
    plan = build_schedule(principal, rate, months, START, method)
    assert plan.total_principal == principal  # principal parts sum exactly to the loan
    assert all(i.remaining >= 0 and i.principal >= 0 and i.interest >= 0 for i in plan.instalments)
    assert all(i.payment == i.principal + i.interest for i in plan.instalments)
    assert plan.instalments[-1].remaining == 0
    assert all(i.principal == i.principal.quantize(Decimal("0.01")) for i in plan.instalments)
    dates = [i.due_date for i in plan.instalments]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    if method is M.EQUAL_INSTALLMENT:
        level = plan.instalments[0].payment
        # Before the last, every instalment pays the level payment, except when the fen rounding of the level
        # payment (compounded over a long, dear term on a tiny loan) pays the loan off early: then the instalment
        # that clears the balance is cut to it and the rest are zero. Balances never go negative either way.
        cut = [i for i in plan.instalments[:-1] if i.payment != level]
        assert all(i.remaining == 0 for i in cut)
        if not cut:
            # rounding only: half a fen on the level payment and half a fen on each period's interest, carried
            # forward at the loan's rate (0.07 in the published 20-year example)
            growth = (1 + rate / 12) ** months
            assert abs(plan.instalments[-1].payment - level) <= Decimal("0.01") * months * growth


@settings(max_examples=60, deadline=None)
@given(
    principal=st.integers(10_000_00, 50_000_000_00).map(lambda f: Decimal(f) / 100),
    rate=st.integers(0, 1200).map(lambda bp: Decimal(bp) / 10000),
    months=st.integers(1, 60),
)
def test_equal_installment_payments_are_level_for_ip_loan_terms(principal: Decimal, rate: Decimal, months: int) -> None:
    plan = build_schedule(principal, rate, months, START, M.EQUAL_INSTALLMENT)
    assert {i.payment for i in plan.instalments[:-1]} <= {plan.payment}
    assert abs(plan.instalments[-1].payment - plan.instalments[0].payment) <= Decimal("0.60")


@settings(max_examples=40, deadline=None)
@given(
    principal=st.integers(100_000_00, 50_000_000_00).map(lambda f: Decimal(f) / 100),
    rate=st.integers(100, 2400).map(lambda bp: Decimal(bp) / 10000),
    months=st.integers(12, 360),
)
def test_equal_principal_costs_less_interest(principal: Decimal, rate: Decimal, months: int) -> None:
    ei = build_schedule(principal, rate, months, START, M.EQUAL_INSTALLMENT)
    ep = build_schedule(principal, rate, months, START, M.EQUAL_PRINCIPAL)
    assert ep.total_interest < ei.total_interest
