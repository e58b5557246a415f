"""Register rules without a database: legal-state transitions, terms, annuity schedule, state and surcharge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ippledge.kernel.errors import ConflictError
from ippledge.registry import model
from ippledge.registry.model import AnnuityState, EventCode, LegalState, RegisterState, Subtype

D = dt.date
TERMINAL = {
    EventCode.CF01: LegalState.TERMINATED,
    EventCode.IW01: LegalState.INVALIDATED,
    EventCode.CX01: LegalState.EXPIRED,
    EventCode.AV01: LegalState.ABANDONED,
}
NEEDS_ALIVE = [
    EventCode.PE01,
    EventCode.PM01,
    EventCode.TR01,
    EventCode.EE01,
    EventCode.EM01,
    EventCode.IP01,
    EventCode.PP01,
]
ANY_STATE = [EventCode.PC01, EventCode.EC01, EventCode.PD01]
NOT_ALIVE = [s for s in LegalState if s is not LegalState.IN_FORCE]


@pytest.mark.parametrize(("code", "after"), TERMINAL.items())
def test_terminal_events_from_in_force(code: EventCode, after: LegalState) -> None:
    assert model.next_state(LegalState.IN_FORCE, code) is after


@pytest.mark.parametrize("state", NOT_ALIVE)
@pytest.mark.parametrize("code", [*TERMINAL, *NEEDS_ALIVE])
def test_events_needing_a_live_right_are_out_of_order_otherwise(state: LegalState, code: EventCode) -> None:
    with pytest.raises(ConflictError) as exc:
        model.next_state(state, code)
    assert exc.value.code == "registry.event_out_of_order"
    assert exc.value.message_zh and exc.value.message_en


@pytest.mark.parametrize("code", NEEDS_ALIVE)
def test_non_terminal_events_keep_the_right_in_force(code: EventCode) -> None:
    assert model.next_state(LegalState.IN_FORCE, code) is LegalState.IN_FORCE


@pytest.mark.parametrize("state", list(LegalState))
@pytest.mark.parametrize("code", ANY_STATE)
def test_cancellations_happen_in_any_state(state: LegalState, code: EventCode) -> None:
    assert model.next_state(state, code) is state


def test_restoration_only_after_termination_for_fees() -> None:
    assert model.next_state(LegalState.TERMINATED, EventCode.RR01) is LegalState.IN_FORCE
    # an application that ended ungranted for a missed time limit is restored too: back to pending (r. 6)
    assert model.next_state(LegalState.NOT_GRANTED, EventCode.RR01) is LegalState.PENDING
    for state in LegalState:
        if state not in (LegalState.TERMINATED, LegalState.NOT_GRANTED):
            with pytest.raises(ConflictError):
                model.next_state(state, EventCode.RR01)


def test_preservation_flags() -> None:
    alive = RegisterState(LegalState.IN_FORCE)
    kept = model.apply_event(alive, EventCode.PP01)
    assert kept.preserved and kept.status is LegalState.IN_FORCE
    with pytest.raises(ConflictError) as twice:
        model.apply_event(kept, EventCode.PP01)
    assert twice.value.code == "registry.event_out_of_order"
    with pytest.raises(ConflictError) as nothing:
        model.apply_event(alive, EventCode.PD01)
    assert nothing.value.code == "registry.event_out_of_order"
    assert model.apply_event(kept, EventCode.PD01) == alive
    for code in (EventCode.TR01, EventCode.AV01):
        with pytest.raises(ConflictError) as blocked:
            model.apply_event(kept, code)
        assert blocked.value.code == "registry.asset_preserved"
    # a preserved patent can still lapse for an unpaid fee
    assert model.apply_event(kept, EventCode.CF01).status is LegalState.TERMINATED


def test_invalidation_decisions_close_the_pending_request() -> None:
    pending = RegisterState(LegalState.IN_FORCE, invalidation_pending=True)
    partial = model.apply_event(pending, EventCode.IP01)
    assert partial == RegisterState(LegalState.IN_FORCE)  # partial invalidation keeps the right in force
    assert model.apply_event(pending, EventCode.IW01) == RegisterState(LegalState.INVALIDATED)
    assert model.apply_event(pending, EventCode.EE01) == pending


def test_legal_expiry_terms() -> None:
    assert model.legal_expiry(Subtype.INVENTION, D(2013, 12, 18), None) == D(2033, 12, 17)
    assert model.legal_expiry(Subtype.UTILITY_MODEL, D(2020, 2, 29), None) == D(2030, 2, 27)
    assert model.legal_expiry(Subtype.MARK, D(2015, 1, 1), D(2016, 3, 7)) == D(2026, 3, 6)
    assert model.legal_expiry(Subtype.MARK, D(2015, 1, 1), None) is None
    assert model.legal_expiry(Subtype.SOFTWARE, D(2015, 1, 1), D(2015, 3, 1)) is None


def test_design_term_switches_from_10_to_15_years_on_1_june_2021() -> None:
    assert model.legal_expiry(Subtype.DESIGN, D(2021, 5, 31), None) == D(2031, 5, 30)
    assert model.legal_expiry(Subtype.DESIGN, D(2021, 6, 1), None) == D(2036, 5, 31)
    assert model.patent_term_years(Subtype.DESIGN, D(2021, 5, 31)) == 10
    assert model.patent_term_years(Subtype.DESIGN, D(2021, 6, 1)) == 15


def test_annuity_state() -> None:
    due = D(2024, 3, 10)
    assert model.annuity_state(due, None, D(2024, 3, 10)) is AnnuityState.NOT_DUE
    assert model.annuity_state(due, None, D(2024, 3, 11)) is AnnuityState.IN_GRACE
    assert model.annuity_state(due, None, D(2024, 9, 10)) is AnnuityState.IN_GRACE
    assert model.annuity_state(due, None, D(2024, 9, 11)) is AnnuityState.LAPSED
    assert model.annuity_state(due, D(2024, 4, 1), D(2024, 9, 11)) is AnnuityState.PAID
    assert model.annuity_state(due, D(2024, 4, 1), D(2024, 3, 31)) is AnnuityState.IN_GRACE  # paid later than as_of


@pytest.mark.parametrize(
    ("paid_on", "rate"),
    [
        (D(2024, 3, 1), "0"),  # early
        (D(2024, 3, 10), "0"),  # on the due date
        (D(2024, 4, 10), "0"),  # month 1 late: no surcharge
        (D(2024, 4, 11), "0.05"),  # month 2
        (D(2024, 5, 10), "0.05"),
        (D(2024, 5, 11), "0.10"),
        (D(2024, 6, 11), "0.15"),
        (D(2024, 7, 11), "0.20"),
        (D(2024, 8, 11), "0.25"),  # month 6
        (D(2024, 9, 10), "0.25"),  # last day of grace
    ],
)
def test_surcharge_by_month_late(paid_on: dt.date, rate: str) -> None:
    assert model.surcharge_rate(D(2024, 3, 10), paid_on) == Decimal(rate)


def test_surcharge_after_grace_is_refused_and_month_ends_clamp() -> None:
    with pytest.raises(ConflictError) as exc:
        model.surcharge_rate(D(2024, 3, 10), D(2024, 9, 11))
    assert exc.value.code == "registry.annuity_lapsed"
    # due 31 Jan: month 1 ends on 29 Feb (leap year)
    assert model.surcharge_rate(D(2024, 1, 31), D(2024, 2, 29)) == 0
    assert model.surcharge_rate(D(2024, 1, 31), D(2024, 3, 1)) == Decimal("0.05")


def test_annuity_years_from_grant_year_to_next() -> None:
    filing = D(2015, 6, 1)
    # granted in year 3 (2017-06-01 .. 2018-05-31); on 2020-07-01 year 6 has started; year 7 is next
    assert model.annuity_years(Subtype.INVENTION, filing, D(2018, 1, 5), D(2020, 7, 1)) == [3, 4, 5, 6, 7]
    assert model.annuity_due(filing, 7) == D(2021, 6, 1)
    # never past the term
    years = model.annuity_years(Subtype.UTILITY_MODEL, D(2015, 6, 1), D(2016, 1, 1), D(2025, 1, 1))
    assert years == list(range(1, 11))


def test_annuity_fees() -> None:
    assert model.annuity_fee(Subtype.INVENTION, 1) == 900
    assert model.annuity_fee(Subtype.INVENTION, 20) == 8_000
    assert model.annuity_fee(Subtype.UTILITY_MODEL, 4) == 900
    with pytest.raises(ValueError):
        model.annuity_fee(Subtype.INVENTION, 21)
    with pytest.raises(ValueError):
        model.annuity_fee(Subtype.MARK, 1)
