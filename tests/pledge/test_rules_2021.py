"""Registration rules of DOMAIN.md §3 beyond the twelve grounds (no database): the co-owners' prior agreement,
copyright's calendar days, the trademark grounds, the duty to pledge similar marks together, trademark renewal and
its grace period, register ageing, and the early pre-check intake and credit run."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.errors import ConflictError
from ippledge.pledge.model import (
    DayBasis,
    RefusalGround,
    asset_precheck,
    blocking,
    decision_due,
    marks_apart,
    precheck,
    similar_marks,
)
from ippledge.registry import model as reg
from ippledge.registry.model import AssetFacts, EventCode, IpKind, LegalState, MarkTerm, Owner, RegisterState, Subtype
from tests.pledge.test_model import AS_OF, CLEAN_ASSET, CLEAN_FILING, CO_OWNER, PLEDGOR

MARK = AssetFacts(
    id=7,
    kind=IpKind.TRADEMARK,
    subtype=Subtype.MARK,
    number="12345678",
    title="华信",
    status=LegalState.IN_FORCE,
    filing_date=dt.date(2015, 1, 5),
    grant_date=dt.date(2016, 3, 7),
    expiry_date=dt.date(2036, 3, 6),
    owners=(Owner(PLEDGOR, 10_000),),
    nice_classes=frozenset({9, 42}),
)


def grounds(asset: AssetFacts, **kw: object) -> list[RefusalGround]:
    """The grounds found, less ground 6, which a mark already past its term also meets (the debt outlives it)."""
    found = precheck(CLEAN_FILING, [asset], {}, AS_OF, **kw)  # type: ignore[arg-type]
    return [r.ground for r in found if r.ground is not RefusalGround.DEBT_PAST_EXPIRY]


# -- co-owners (共有) ------------------------------------------------------------------------------------------------


def test_coowners_prior_agreement_on_file_passes_ground_8() -> None:
    shared = replace(CLEAN_ASSET, owners=(Owner(PLEDGOR, 5_000), Owner(CO_OWNER, 5_000)))
    assert [r.code for r in precheck(CLEAN_FILING, [shared], {}, AS_OF)] == ["pledge.coowner_consent_missing"]
    agreed = replace(CLEAN_FILING, coowner_agreement=True)  # 有特别约定: no consent needed
    assert precheck(agreed, [shared], {}, AS_OF) == []


# -- time limits -----------------------------------------------------------------------------------------------------


def test_copyright_time_limit_counts_calendar_days_across_national_day() -> None:
    cal = default_calendar()
    # 10 calendar days from 2024-09-30 run through the National Day holidays: 2024-10-10, holidays or not
    assert decision_due(dt.date(2024, 9, 30), 10, cal, DayBasis.CALENDAR) == dt.date(2024, 10, 10)
    assert decision_due(dt.date(2024, 9, 30), 10, cal, DayBasis.WORKING) > dt.date(2024, 10, 10)
    assert decision_due(dt.date(2024, 10, 19), 1, cal, DayBasis.CALENDAR) == dt.date(2024, 10, 20)  # a Sunday


# -- trademark grounds (商标专用权质权登记程序) ------------------------------------------------------------------------


def test_live_mark_registers() -> None:
    assert grounds(MARK) == []


@pytest.mark.parametrize(
    ("state", "ground"),
    [(LegalState.REVOKED, RefusalGround.MARK_REVOKED), (LegalState.CANCELLED, RefusalGround.MARK_CANCELLED)],
)
def test_revoked_or_cancelled_mark(state: LegalState, ground: RefusalGround) -> None:
    assert grounds(replace(MARK, status=state)) == [ground]


def test_expired_mark_in_grace_says_until_when_it_can_be_renewed() -> None:
    lapsed_on = replace(MARK, expiry_date=dt.date(2024, 8, 31))  # AS_OF 2024-09-30: inside the 6-month grace
    (r,) = [r for r in precheck(CLEAN_FILING, [lapsed_on], {}, AS_OF) if r.code == "pledge.mark_expired"]
    assert grounds(lapsed_on) == [RefusalGround.MARK_EXPIRED]  # not ground 2: the mark can still come back
    assert r.ground is RefusalGround.MARK_EXPIRED and r.details["renewable_until"] == "2025-02-28"
    assert "宽展期" in r.message_zh


def test_expired_unrenewed_mark_after_grace_and_after_ageing() -> None:
    old = replace(MARK, expiry_date=dt.date(2023, 12, 31))
    assert grounds(old) == [RefusalGround.MARK_EXPIRED]
    assert grounds(replace(old, status=LegalState.EXPIRED)) == [RefusalGround.MARK_EXPIRED]


def test_sealed_or_frozen_mark_has_its_own_ground_a_preserved_patent_keeps_ground_5() -> None:
    assert grounds(replace(MARK, preserved=True)) == [RefusalGround.MARK_SEALED]
    assert grounds(replace(CLEAN_ASSET, preserved=True)) == [RefusalGround.PRESERVED]


def test_similar_marks_on_similar_goods_must_be_pledged_together() -> None:
    same = replace(MARK, id=8, number="12345679")  # same text, same classes
    longer = replace(MARK, id=9, number="22345678", title="华信达", nice_classes=frozenset({42}))
    other_goods = replace(MARK, id=10, number="32345678", nice_classes=frozenset({25}))
    other_text = replace(MARK, id=11, number="42345678", title="远景")
    dead = replace(MARK, id=12, number="52345678", status=LegalState.EXPIRED)
    assert similar_marks(MARK, same) and similar_marks(MARK, longer)
    assert not similar_marks(MARK, other_goods) and not similar_marks(MARK, other_text)
    (r,) = marks_apart([MARK], [MARK, same, longer, other_goods, other_text, dead])
    assert r.ground is RefusalGround.SIMILAR_MARKS_APART and r.details["left_out"] == ["12345679", "22345678"]
    # pledged together: nothing left out
    marks = [MARK, same, longer]
    assert precheck(CLEAN_FILING, marks, {}, AS_OF, pledgor_marks=[*marks, other_goods]) == []
    assert grounds(MARK, pledgor_marks=[MARK, same]) == [RefusalGround.SIMILAR_MARKS_APART]
    # a dead mark is refused for being dead, not also for its live twins
    assert grounds(replace(MARK, status=LegalState.REVOKED), pledgor_marks=[same]) == [RefusalGround.MARK_REVOKED]


# -- trademark renewal (续展) and its grace ---------------------------------------------------------------------------


def test_mark_term_window_and_grace() -> None:
    expiry = dt.date(2026, 3, 6)
    assert reg.mark_term(expiry, dt.date(2025, 3, 6)) is MarkTerm.RUNNING
    assert reg.mark_term(expiry, dt.date(2025, 3, 7)) is MarkTerm.RENEWABLE
    assert reg.mark_term(expiry, expiry) is MarkTerm.RENEWABLE
    assert reg.mark_term(expiry, dt.date(2026, 9, 6)) is MarkTerm.IN_GRACE
    assert reg.mark_term(expiry, dt.date(2026, 9, 7)) is MarkTerm.LAPSED


def test_renewal_adds_ten_years_inside_the_window_or_grace_only() -> None:
    expiry = dt.date(2026, 3, 6)
    assert reg.renewed_expiry(expiry, dt.date(2025, 6, 1)) == dt.date(2036, 3, 6)
    assert reg.renewed_expiry(expiry, dt.date(2026, 8, 1)) == dt.date(2036, 3, 6)  # in the grace period
    with pytest.raises(ConflictError) as early:
        reg.renewed_expiry(expiry, dt.date(2024, 6, 1))
    assert early.value.code == "registry.renewal_too_early"
    with pytest.raises(ConflictError) as late:
        reg.renewed_expiry(expiry, dt.date(2026, 9, 7))
    assert late.value.code == "registry.renewal_too_late"


def test_renewal_revocation_and_cancellation_events() -> None:
    alive = RegisterState(LegalState.IN_FORCE)
    assert reg.apply_event(alive, EventCode.TM01) == alive
    assert reg.apply_event(alive, EventCode.TM02).status is LegalState.REVOKED
    assert reg.apply_event(alive, EventCode.TM03).status is LegalState.CANCELLED
    with pytest.raises(ConflictError):
        reg.apply_event(RegisterState(LegalState.EXPIRED), EventCode.TM01)  # a dead mark cannot be renewed


# -- ageing (登记簿老化) -----------------------------------------------------------------------------------------------


def test_ageing_annuity_lapse_term_expiry_and_unrenewed_mark() -> None:
    on = dt.date(2025, 1, 10)
    lapsed = reg.ageing_event(IpKind.PATENT, dt.date(2038, 1, 1), (dt.date(2024, 7, 1),), on)
    assert lapsed == reg.Ageing(EventCode.CF01, dt.date(2024, 7, 1), "annuity_lapsed")
    assert reg.ageing_event(IpKind.PATENT, dt.date(2038, 1, 1), (dt.date(2024, 8, 1),), on) is None  # in grace
    expired = reg.ageing_event(IpKind.PATENT, dt.date(2024, 12, 31), (), on)
    assert expired == reg.Ageing(EventCode.CX01, dt.date(2025, 1, 1), "term_expired")
    # a mark in its renewal grace is not aged; after it, it expires from the day after its last day
    assert reg.ageing_event(IpKind.TRADEMARK, dt.date(2024, 12, 31), (), on) is None
    unrenewed = reg.ageing_event(IpKind.TRADEMARK, dt.date(2024, 6, 30), (), on)
    assert unrenewed == reg.Ageing(EventCode.CX01, dt.date(2024, 7, 1), "mark_unrenewed")
    assert reg.ageing_event(IpKind.COPYRIGHT, None, (), on) is None


# -- the early pre-check (intake, credit) ------------------------------------------------------------------------------


def test_asset_precheck_reports_per_ip_grounds_and_blocking_leaves_out_what_the_filing_cures() -> None:
    lapsed = replace(CLEAN_ASSET, unpaid_due_dates=(dt.date(2024, 1, 5),))
    shared = replace(CLEAN_ASSET, id=2, number="2019101000011", owners=(Owner(PLEDGOR, 1), Owner(CO_OWNER, 1)))
    found = asset_precheck(PLEDGOR, [lapsed, shared], {1: "Y2024980000001"}, AS_OF, registry_kinds=frozenset())
    codes = sorted({r.code for r in found})
    assert codes == [
        "pledge.already_pledged",
        "pledge.annuity_unpaid",
        "pledge.coowner_consent_missing",
        "pledge.other",  # wrong registry
    ]
    assert sorted({r.code for r in blocking(found)}) == [
        "pledge.already_pledged",
        "pledge.annuity_unpaid",
        "pledge.other",
    ]
    assert asset_precheck(PLEDGOR, [CLEAN_ASSET], {}, AS_OF) == []  # no contract yet: no contract ground
