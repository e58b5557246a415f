"""Pure rules of intake, valuation reports and credit decisions (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ippledge.credit import errors as credit_errors
from ippledge.credit.model import (
    DEFAULT_LTV_BP,
    Collateral,
    ProductKind,
    ProductRules,
    Proposal,
    RateCap,
    RepaymentMethod,
    Underwriting,
    evaluate,
    max_supported,
    penalty_rate,
)
from ippledge.intake import errors as intake_errors
from ippledge.intake.model import (
    DEFAULT_LIMITS,
    ApplicationStatus,
    Channel,
    TaskKind,
    TaskStatus,
    application_status,
    due_on,
    elapsed_working_days,
    is_overdue,
    next_status,
)
from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.errors import ConflictError, ValidationError, catalogue
from ippledge.valuation import errors as valuation_errors
from ippledge.valuation.model import ReportDraft, check_report, is_valid_on, validate_assumptions

CAL = default_calendar()


def test_time_limit_skips_national_day_and_counts_the_make_up_saturday() -> None:
    # 2025: 1-8 Oct holiday, Sat 11 Oct a make-up working day.
    opened = dt.date(2025, 9, 30)
    assert due_on(opened, 5, CAL) == dt.date(2025, 10, 14)
    assert due_on(opened, 3, CAL) == dt.date(2025, 10, 11)
    assert elapsed_working_days(opened, dt.date(2025, 10, 8), CAL) == 0
    assert elapsed_working_days(opened, dt.date(2025, 10, 13), CAL) == 4


def test_green_channel_limits_are_shorter_for_every_task_kind() -> None:
    for kind in TaskKind:
        assert 1 <= DEFAULT_LIMITS[Channel.GREEN][kind] < DEFAULT_LIMITS[Channel.STANDARD][kind]


def test_overdue_and_late() -> None:
    due = dt.date(2025, 6, 10)
    assert not is_overdue(TaskStatus.OPEN, due, due)
    assert is_overdue(TaskStatus.ACCEPTED, due, due + dt.timedelta(days=1))
    assert is_overdue(TaskStatus.DONE, due, dt.date(2025, 7, 1), closed_on=dt.date(2025, 6, 11))
    assert not is_overdue(TaskStatus.CANCELLED, due, dt.date(2025, 7, 1), closed_on=dt.date(2025, 6, 11))


def test_application_status_derived_from_reviews() -> None:
    assert application_status(False, [TaskStatus.OPEN], False) is ApplicationStatus.SUBMITTED
    assert application_status(False, [TaskStatus.OPEN, TaskStatus.ACCEPTED], True) is ApplicationStatus.IN_REVIEW
    assert application_status(False, [TaskStatus.DECLINED, TaskStatus.DONE], True) is ApplicationStatus.APPROVED
    assert application_status(False, [TaskStatus.DECLINED, TaskStatus.CANCELLED], True) is ApplicationStatus.DECLINED
    assert application_status(True, [TaskStatus.DONE], True) is ApplicationStatus.WITHDRAWN


def test_closed_task_refuses_further_actions() -> None:
    assert next_status(TaskStatus.OPEN, "accept") is TaskStatus.ACCEPTED
    with pytest.raises(ConflictError) as e:
        next_status(TaskStatus.DONE, "decline")
    assert e.value.code == "intake.task_state"


# --- valuation reports ------------------------------------------------------------------------------------------


def test_assumptions_must_be_an_object_with_known_keys_in_range() -> None:
    ok = validate_assumptions({"royalty_rate": 0.05, "discount_rate": "0.12", "note": "free key kept"})
    assert ok["note"] == "free key kept"
    for bad, code in [
        ([1, 2], "valuation.assumptions_object"),
        ({"royalty_rate": 1.5}, "valuation.assumption_range"),
        ({"discount_rate": "abc"}, "valuation.assumption_type"),
        ({"remaining_life_years": True}, "valuation.assumption_type"),
    ]:
        with pytest.raises(ValidationError) as e:
            validate_assumptions(bad)
        assert e.value.code == code


def test_report_validity_and_totals() -> None:
    day = dt.date(2025, 6, 3)
    r = check_report(ReportDraft([(1, "600000"), (2, "400000")], "market", {}, day), day, frozenset({1, 2}))
    assert r.total == Decimal("1000000.00") and r.valid_until == dt.date(2026, 6, 3)
    assert is_valid_on(r.valuation_date, r.valid_until, dt.date(2026, 6, 3))
    assert not is_valid_on(r.valuation_date, r.valid_until, dt.date(2026, 6, 4))
    cases = [
        (ReportDraft([(1, "1")], "guess", {}, day), "valuation.method"),
        (ReportDraft([(1, "1")], "cost", {}, day, valid_until=day), "valuation.validity"),
        (ReportDraft([(1, "1"), (2, "2")], "cost", {}, day, total="4"), "valuation.total_mismatch"),
        (ReportDraft([(3, "1")], "cost", {}, day), "valuation.ip_not_in_application"),
        (ReportDraft([(1, "-1")], "cost", {}, day), "money.not_positive"),
        (ReportDraft([(1, "1")], "cost", {}, day + dt.timedelta(days=1)), "valuation.date_future"),
    ]
    for draft, code in cases:
        with pytest.raises(ValidationError) as e:
            check_report(draft, day, frozenset({1, 2}))
        assert e.value.code == code


# --- credit ----------------------------------------------------------------------------------------------------


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
        "methods": frozenset({RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.INTEREST_FIRST}),
    }
    base.update(kw)
    return ProductRules(**base).validate()  # type: ignore[arg-type]


def test_max_loan_with_mixed_ip_kinds() -> None:
    items = [
        Collateral(1, "invention", Decimal("4000000")),  # 25% -> 1,000,000
        Collateral(2, "utility_model", Decimal("1000000")),  # 15% -> 150,000
        Collateral(3, "mark", Decimal("333333.33")),  # 50% -> 166,666.665 -> 166,666.67
        Collateral(4, "invention", None),  # no valid report: contributes nothing
    ]
    assert max_supported(items, DEFAULT_LTV_BP) == Decimal("1316666.67")


def test_rate_cap_multiple_margin_and_the_lower_of_both() -> None:
    assert RateCap(lpr_multiple=Decimal("1.4")).cap_bp(300) == 420
    assert RateCap(lpr_multiple=Decimal("1.4")).cap_bp(345) == 483
    assert RateCap(lpr_multiple=Decimal("1.4")).cap_bp(301) == 421  # 421.4 rounded down
    assert RateCap(lpr_plus_bp=80).cap_bp(310) == 390
    assert RateCap(Decimal("1.4"), 80).cap_bp(300) == 380
    assert penalty_rate(350, 5000) == Decimal("0.052500")


def _proposal(**kw: object) -> Proposal:
    base: dict[str, object] = {
        "amount": Decimal("1000000"),
        "term_months": 12,
        "method": RepaymentMethod.EQUAL_INSTALLMENT,
        "spread_bp": 50,
        "lpr_bp": 300,
        "collateral": [Collateral(1, "invention", Decimal("8000000"), 7)],
        "underwriting_done": True,
        "product_in_effect": True,
        "requested_amount": Decimal("2000000"),
    }
    base.update(kw)
    return Proposal(**base)  # type: ignore[arg-type]


def test_a_sound_proposal_passes_every_check() -> None:
    out = evaluate(_rules(), _proposal())
    assert (
        out.failures == [] and out.rate_bp == 350 and out.cap_bp == 420 and out.max_supported == Decimal("2000000.00")
    )


@pytest.mark.parametrize(
    ("rules", "proposal", "code"),
    [
        ({}, {"amount": Decimal("50000")}, "credit.amount_below_min"),
        ({"max_amount": Decimal("1500000")}, {"amount": Decimal("1600000")}, "credit.amount_above_max"),
        ({}, {"amount": Decimal("2500000"), "requested_amount": Decimal("2000000")}, "credit.amount_above_requested"),
        ({}, {"term_months": 48}, "credit.term_too_long"),
        ({}, {"spread_bp": 200}, "credit.rate_above_cap"),
        ({}, {"spread_bp": -400}, "credit.rate_not_positive"),
        ({}, {"method": RepaymentMethod.BULLET}, "credit.method_not_allowed"),
        ({"underwriting": Underwriting.INSURER}, {"underwriting_done": False}, "credit.underwriting_missing"),
        ({}, {"collateral": [Collateral(1, "invention", None)]}, "credit.valuation_missing"),
        ({}, {"collateral": []}, "credit.no_collateral"),
        (
            {"ltv_bp": {"invention": 2500}},
            {"collateral": [Collateral(1, "mark", Decimal("9000000"))]},
            "credit.ip_kind_not_accepted",
        ),
        ({}, {"collateral": [Collateral(1, "invention", Decimal("3000000"))]}, "credit.amount_above_collateral"),
        ({}, {"product_in_effect": False}, "credit.product_not_in_effect"),
    ],
)
def test_each_product_rule_has_its_own_code(rules: dict[str, object], proposal: dict[str, object], code: str) -> None:
    out = evaluate(_rules(**rules), _proposal(**proposal))
    assert code in {f.code for f in out.failures}


def test_all_failures_are_reported_together() -> None:
    out = evaluate(_rules(), _proposal(term_months=48, spread_bp=500, method=RepaymentMethod.BULLET))
    assert {f.code for f in out.failures} == {
        "credit.term_too_long",
        "credit.rate_above_cap",
        "credit.method_not_allowed",
    }


def test_credit_plus_ip_needs_no_pledge_up_to_its_threshold() -> None:
    rules = _rules(kind=ProductKind.CREDIT_PLUS_IP, ip_required_above=Decimal("3000000"))
    small = evaluate(rules, _proposal(amount=Decimal("2000000"), collateral=[]))
    assert small.failures == [] and not small.ip_required
    big = evaluate(rules, _proposal(amount=Decimal("3500000"), requested_amount=Decimal("4000000"), collateral=[]))
    assert big.ip_required and "credit.no_collateral" in {f.code for f in big.failures}


def test_invalid_product_terms_are_refused() -> None:
    with pytest.raises(ValidationError) as e:
        _rules(penalty_uplift_bp=2000, rate_cap=RateCap())
    assert e.value.code == "credit.product_invalid" and len(e.value.details["problems"]) == 2


def test_error_catalogues_name_their_capability_and_fill_their_messages() -> None:
    for module, prefix in ((intake_errors, "intake."), (valuation_errors, "valuation."), (credit_errors, "credit.")):
        codes = catalogue([module])
        assert codes and all(c.code.startswith(prefix) for c in codes)
    err = intake_errors.TASK_STATE(status="done", action="accept")
    assert (err.status, err.code, err.details) == (409, "intake.task_state", {"status": "done", "action": "accept"})
    assert err.message_zh == "任务当前状态为「done」，不能执行「accept」"
    assert err.message_en == "a task that is done cannot be accepted"
    bad = valuation_errors.ASSUMPTION_TYPE(key="royalty_rate")
    assert bad.status == 422 and bad.message_en == "assumption 'royalty_rate' must be a finite number"
