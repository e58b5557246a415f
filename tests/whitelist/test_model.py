"""Whitelist rules without a database: criteria parsing, three-valued verdicts (unknown when a fact is absent),
ranking, feedback moves and working-day time limits."""

from __future__ import annotations

import datetime as dt

import pytest

from ippledge.kernel.calendar import default_calendar
from ippledge.whitelist import model
from ippledge.whitelist.model import Fact, FeedbackState, Outcome

DOC = {
    "require": [
        {"fact": "ip_score", "op": ">=", "value": 60},
        {"fact": "abnormal_applications", "op": "<=", "value": 0},
    ],
    "any_of": [
        {"fact": "ip_demonstration", "op": "is", "value": True},
        {"fact": "specialised", "op": "is", "value": True},
        {"fact": "park", "op": "in", "value": ["中关村软件园"]},
    ],
    "weights": {"ip_score": 1, "ip_demonstration": 20, "valid_inventions": 2},
}


def facts(**kw: object) -> dict[Fact, object]:
    base: dict[Fact, object] = {f: False for f in model.BOOLEAN_FACTS}
    base.update({Fact.PARK: frozenset(), Fact.IP_SCORE: 70.0, Fact.VALID_INVENTIONS: 3, Fact.VALID_PATENTS: 5})
    base.update({Fact.ABNORMAL_APPLICATIONS: 0, Fact.TAX_GRADE: None})
    base.update({Fact(k): v for k, v in kw.items()})
    return base


def test_parse_reports_every_problem() -> None:
    with pytest.raises(model.RuleError) as e:
        model.parse_criteria(
            {
                "require": [{"fact": "nope", "op": ">=", "value": 1}, {"fact": "ip_score", "op": ">=", "value": 130}],
                "any_of": [{"fact": "tax_grade", "op": "in", "value": ["A", "Z"]}],
                "weights": {"park": 1},
            }
        )
    assert len(e.value.problems) == 4
    with pytest.raises(model.RuleError):
        model.parse_criteria({})
    crit = model.parse_criteria(DOC)
    assert model.parse_criteria(crit.to_dict()) == crit  # round trip, as stored


def test_three_valued_verdicts_and_reasons() -> None:
    crit = model.parse_criteria(DOC)
    v = model.evaluate(crit, facts(ip_demonstration=True))
    assert v.outcome is Outcome.PASS
    assert v.score == 70 + 20 + 6
    assert [(r.fact, r.outcome) for r in v.reasons][:2] == [("ip_score", "pass"), ("abnormal_applications", "pass")]
    assert model.evaluate(crit, facts()).outcome is Outcome.FAIL  # no alternative holds
    assert model.evaluate(crit, facts(park=frozenset({"中关村软件园"}))).outcome is Outcome.PASS
    # no score known: unknown, not a failure and not a pass
    unknown = model.evaluate(crit, facts(ip_demonstration=True, ip_score=None))
    assert unknown.outcome is Outcome.UNKNOWN
    assert [r.found for r in unknown.reasons if r.fact == "ip_score"] == [None]
    # a known failure beats an unknown
    assert model.evaluate(crit, facts(ip_score=None, abnormal_applications=2)).outcome is Outcome.FAIL
    tax = model.parse_criteria({"require": [{"fact": "tax_grade", "op": "in", "value": ["A", "B"]}]})
    assert model.evaluate(tax, facts()).outcome is Outcome.UNKNOWN  # the gateway has given no grade
    assert model.evaluate(tax, facts(tax_grade="B")).outcome is Outcome.PASS
    assert model.evaluate(tax, facts(tax_grade="C")).outcome is Outcome.FAIL


def test_rank_by_score_then_id() -> None:
    crit = model.parse_criteria(DOC)
    cands = [
        model.Candidate(7, model.evaluate(crit, facts(ip_demonstration=True, ip_score=65.0))),
        model.Candidate(3, model.evaluate(crit, facts(ip_demonstration=True, ip_score=65.0))),
        model.Candidate(5, model.evaluate(crit, facts(specialised=True, ip_score=90.0))),
        model.Candidate(9, model.evaluate(crit, facts())),
    ]
    assert [(r, c.enterprise_id) for r, c in model.rank(cands)] == [(1, 5), (2, 3), (3, 7)]


def test_feedback_moves_forward_only_and_declines_end_it() -> None:
    assert model.can_move(FeedbackState.PUSHED, FeedbackState.CONTACTED)
    assert model.can_move(FeedbackState.PUSHED, FeedbackState.APPLIED)  # a step may be skipped
    assert not model.can_move(FeedbackState.APPLIED, FeedbackState.CONTACTED)
    assert model.can_move(FeedbackState.VISITED, FeedbackState.DECLINED)
    assert not model.can_move(FeedbackState.APPROVED, FeedbackState.DECLINED)
    assert not model.can_move(FeedbackState.DECLINED, FeedbackState.APPLIED)


def test_time_limits_in_working_days_over_a_holiday() -> None:
    cal = default_calendar()
    limits = model.TimeLimits(first_contact_days=3, next_step_days=5)
    # pushed on Monday 2025-09-29: 1-8 October is the National Day holiday, Saturday 11 October a make-up day
    due = limits.due(cal, FeedbackState.PUSHED, dt.date(2025, 9, 29))
    assert due == dt.date(2025, 10, 10)  # 30 Sep, 9 Oct, 10 Oct
    assert limits.due(cal, FeedbackState.APPROVED, dt.date(2025, 9, 29)) is None
    assert model.overdue(due, FeedbackState.CONTACTED, dt.date(2025, 10, 11))
    assert not model.overdue(due, FeedbackState.DECLINED, dt.date(2025, 12, 1))


def test_annuity_risk() -> None:
    assert model.annuity_risk(1, 1, 3) is model.AnnuityRisk.PAST_GRACE
    assert model.annuity_risk(0, 1, 3) is model.AnnuityRisk.IN_GRACE
    assert model.annuity_risk(0, 0, 1) is model.AnnuityRisk.DUE_SOON
    assert model.annuity_risk(0, 0, 0) is model.AnnuityRisk.NONE


def test_minimum_tax_grade() -> None:
    """``tax_grade >= B`` passes A and B, fails M, C and D, and is unknown without a grade (record 0032)."""
    crit = model.parse_criteria({"require": [{"fact": "tax_grade", "op": ">=", "value": "B"}]})
    assert [model.evaluate(crit, facts(tax_grade=g)).outcome for g in ("A", "B", "M", "C", "D")] == [
        Outcome.PASS,
        Outcome.PASS,
        Outcome.FAIL,
        Outcome.FAIL,
        Outcome.FAIL,
    ]
    assert model.evaluate(crit, facts()).outcome is Outcome.UNKNOWN
    assert model.parse_criteria(crit.to_dict()) == crit
    with pytest.raises(model.RuleError):
        model.parse_criteria({"require": [{"fact": "tax_grade", "op": ">=", "value": "Z"}]})
    with pytest.raises(model.RuleError):
        model.parse_criteria({"require": [{"fact": "tax_grade", "op": "<=", "value": "B"}]})
