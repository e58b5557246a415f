"""Pledge pre-check rules, one test per refusal ground, time limits and registration numbers (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from ippledge.kernel.calendar import default_calendar
from ippledge.kernel.errors import ConflictError, ValidationError
from ippledge.pledge.model import (
    Action,
    FilingFacts,
    FilingKind,
    FilingStatus,
    RefusalGround,
    Side,
    check_action,
    decision_due,
    precheck,
    refusal_error,
    registration_number,
    required_sides,
    status_after_confirmation,
    warnings,
)
from ippledge.registry.model import AssetFacts, IpKind, LegalState, Owner, Subtype

AS_OF = dt.date(2024, 9, 30)
PLEDGOR, BANK, CO_OWNER = 10, 20, 30

CLEAN_FILING = FilingFacts(
    pledgor_id=PLEDGOR,
    pledgee_id=BANK,
    debt_type="流动资金贷款",
    debt_amount=Decimal("5000000.00"),
    debt_start=dt.date(2024, 9, 30),
    debt_end=dt.date(2027, 9, 29),
    security_scope="本金及利息",
)
CLEAN_ASSET = AssetFacts(
    id=1,
    kind=IpKind.PATENT,
    subtype=Subtype.INVENTION,
    number="2018101000017",
    title="一种测试装置",
    status=LegalState.IN_FORCE,
    filing_date=dt.date(2018, 3, 1),
    grant_date=dt.date(2020, 6, 1),
    expiry_date=dt.date(2038, 2, 28),
    owners=(Owner(PLEDGOR, 10_000),),
)


def codes(filing: FilingFacts = CLEAN_FILING, asset: AssetFacts = CLEAN_ASSET, **kw: object) -> list[str]:
    in_force = kw.pop("in_force", {})
    return [r.code for r in precheck(filing, [asset], in_force, AS_OF)]  # type: ignore[arg-type]


def only(ground: RefusalGround, filing: FilingFacts = CLEAN_FILING, asset: AssetFacts = CLEAN_ASSET, **kw: object):
    refusals = precheck(filing, [asset], kw.get("in_force", {}), AS_OF)  # type: ignore[arg-type]
    assert [r.ground for r in refusals] == [ground], [r.code for r in refusals]
    r = refusals[0]
    assert r.message_zh and r.message_en
    return r


def test_clean_filing_passes() -> None:
    assert codes() == []


def test_ground_1_not_owner() -> None:
    r = only(RefusalGround.NOT_OWNER, asset=replace(CLEAN_ASSET, owners=(Owner(99, 10_000),)))
    assert r.code == "pledge.not_owner" and "2018101000017" in r.message_zh and "2018101000017" in r.message_en


def test_ground_2_right_terminated_or_invalidated() -> None:
    for state in (LegalState.TERMINATED, LegalState.INVALIDATED, LegalState.EXPIRED, LegalState.ABANDONED):
        assert codes(asset=replace(CLEAN_ASSET, status=state)) == ["pledge.right_not_alive"]


def test_ground_3_not_granted() -> None:
    pending = replace(CLEAN_ASSET, status=LegalState.PENDING, grant_date=None)
    r = only(RefusalGround.NOT_GRANTED, asset=pending)
    assert r.code == "pledge.not_granted"


def test_ground_4_annuity_unpaid_in_grace() -> None:
    r = only(RefusalGround.ANNUITY_UNPAID, asset=replace(CLEAN_ASSET, unpaid_due_dates=(dt.date(2024, 8, 1),)))
    assert r.details["state"] == "in_grace" and "滞纳期" in r.message_zh and "grace" in r.message_en


def test_ground_4_annuity_due_today_is_not_late() -> None:
    assert codes(asset=replace(CLEAN_ASSET, unpaid_due_dates=(AS_OF,))) == []


def test_ground_5_preserved() -> None:
    assert only(RefusalGround.PRESERVED, asset=replace(CLEAN_ASSET, preserved=True)).code == "pledge.preserved"


def test_ground_6_debt_past_expiry() -> None:
    late = replace(CLEAN_FILING, debt_end=dt.date(2038, 3, 1))
    r = only(RefusalGround.DEBT_PAST_EXPIRY, filing=late)
    assert r.details == {"debt_end": "2038-03-01", "expiry_date": "2038-02-28"}


def test_ground_7_contract_incomplete_lists_every_missing_field() -> None:
    bare = FilingFacts(pledgor_id=PLEDGOR, pledgee_id=BANK)
    no_grant = replace(CLEAN_ASSET, grant_date=None, title=" ")
    r = only(RefusalGround.CONTRACT_INCOMPLETE, filing=bare, asset=no_grant)
    assert r.details["missing"] == [
        "debt_type",
        "debt_amount",
        "debt_end",
        "security_scope",
        "ip[2018101000017].title",
        "ip[2018101000017].grant_date",
    ]
    assert "debt_amount" in r.message_en


def test_ground_8_coowner_consent_missing_and_recorded() -> None:
    shared = replace(CLEAN_ASSET, owners=(Owner(PLEDGOR, 5_000), Owner(CO_OWNER, 5_000)))
    r = only(RefusalGround.COOWNER_CONSENT_MISSING, asset=shared)
    assert r.details["missing_party_ids"] == [CO_OWNER]
    assert codes(replace(CLEAN_FILING, consenting_party_ids=frozenset({CO_OWNER})), shared) == []


def test_ground_9_already_pledged() -> None:
    r = only(RefusalGround.ALREADY_PLEDGED, in_force={1: "Y2024980000001"})
    assert "Y2024980000001" in r.message_zh and r.code == "pledge.already_pledged"


def test_ground_10_same_day_dual_needs_confirmation() -> None:
    twin = replace(CLEAN_ASSET, same_day_twin="2018201000012")
    assert only(RefusalGround.SAME_DAY_DUAL, asset=twin).code == "pledge.same_day_dual"
    assert codes(replace(CLEAN_FILING, confirms_same_day_dual=True), twin) == []


def test_ground_11_invalidation_pending_needs_confirmation() -> None:
    pending = replace(CLEAN_ASSET, invalidation_pending=True)
    assert only(RefusalGround.INVALIDATION_PENDING, asset=pending).code == "pledge.invalidation_pending"
    assert codes(replace(CLEAN_FILING, confirms_invalidation_pending=True), pending) == []


def test_ground_12_other_for_a_kind_the_registry_does_not_register() -> None:
    cpcc = replace(CLEAN_FILING, registry_kinds=frozenset({IpKind.COPYRIGHT}))
    r = only(RefusalGround.OTHER, filing=cpcc)
    assert r.code == "pledge.other" and r.details["reason"] == "wrong_registry"


def test_forfeiture_clause_is_a_warning_not_a_refusal() -> None:
    filing = replace(CLEAN_FILING, forfeiture_clause=True)
    assert precheck(filing, [CLEAN_ASSET], {}, AS_OF) == []  # Civil Code art. 428: registrable
    (w,) = warnings(filing)
    assert w.code == "pledge.forfeiture_clause" and "流质" in w.message_zh and "428" in w.message_en
    assert warnings(CLEAN_FILING) == []


def test_all_refusals_are_listed_together() -> None:
    filing = replace(CLEAN_FILING, debt_type=None, forfeiture_clause=True, debt_end=dt.date(2040, 1, 1))
    asset = replace(
        CLEAN_ASSET,
        owners=(Owner(PLEDGOR, 5_000), Owner(CO_OWNER, 5_000)),
        preserved=True,
        invalidation_pending=True,
        same_day_twin="2018201000012",
        unpaid_due_dates=(dt.date(2024, 6, 1),),
    )
    second = replace(
        CLEAN_ASSET, id=2, number="2019101000011", status=LegalState.PENDING, grant_date=None, owners=(Owner(99, 1),)
    )
    refusals = precheck(filing, [asset, second], {1: "Y2024980000001"}, AS_OF)
    assert [(r.code, r.number) for r in refusals if r.ground is RefusalGround.DEBT_PAST_EXPIRY] == [
        ("pledge.debt_past_expiry", "2018101000017"),
        ("pledge.debt_past_expiry", "2019101000011"),
    ]
    assert [r.code for r in refusals if r.ground is not RefusalGround.DEBT_PAST_EXPIRY] == [
        "pledge.not_owner",
        "pledge.not_granted",
        "pledge.annuity_unpaid",
        "pledge.preserved",
        "pledge.contract_incomplete",
        "pledge.coowner_consent_missing",
        "pledge.already_pledged",
        "pledge.same_day_dual",
        "pledge.invalidation_pending",
    ]
    err = refusal_error(refusals)
    assert err.code == "pledge.precheck_failed" and len(err.details["reasons"]) == len(refusals) == 11


def test_one_ground_gives_its_own_code() -> None:
    refusals = precheck(CLEAN_FILING, [CLEAN_ASSET], {1: "Y2024980000001"}, AS_OF)
    assert refusal_error(refusals).code == "pledge.already_pledged"


def test_every_ground_has_a_code_and_both_titles() -> None:
    assert len(RefusalGround) == 17
    for g in RefusalGround:
        assert g.value.startswith("pledge.") and g.title_zh and g.title_en
    assert RefusalGround.ALREADY_PLEDGED.number == 9 and RefusalGround.OTHER.number == 12
    assert RefusalGround.MARK_REVOKED.number == 13 and RefusalGround.SIMILAR_MARKS_APART.number == 17


def test_time_limit_across_national_day() -> None:
    # 2024-10-01..07 are holidays; Saturday 2024-10-12 is a make-up working day.
    assert decision_due(dt.date(2024, 9, 30), 3, default_calendar()) == dt.date(2024, 10, 10)
    assert decision_due(dt.date(2024, 10, 10), 2, default_calendar()) == dt.date(2024, 10, 12)


def test_registration_number_format() -> None:
    assert registration_number(2023, "98", 12345) == "Y2023980012345"
    with pytest.raises(ValidationError):
        registration_number(2023, "9A", 1)


def test_joint_confirmation_and_release_jointly_or_by_either_party_with_proof() -> None:
    both = frozenset({Side.PLEDGOR, Side.PLEDGEE})
    assert status_after_confirmation(FilingKind.REGISTER, frozenset()) is FilingStatus.DRAFT
    assert status_after_confirmation(FilingKind.REGISTER, frozenset({Side.PLEDGEE})) is (
        FilingStatus.AWAITING_CONFIRMATIONS
    )
    assert status_after_confirmation(FilingKind.CHANGE, both) is FilingStatus.CONFIRMED
    assert required_sides(FilingKind.RELEASE) == both
    for one in (Side.PLEDGOR, Side.PLEDGEE):
        alone = frozenset({one})
        # one party alone: only with proof that the debt is extinguished
        assert status_after_confirmation(FilingKind.RELEASE, alone) is FilingStatus.AWAITING_CONFIRMATIONS
        assert status_after_confirmation(FilingKind.RELEASE, alone, proof=True) is FilingStatus.CONFIRMED
    assert status_after_confirmation(FilingKind.RELEASE, both) is FilingStatus.CONFIRMED  # jointly, no proof
    # proof does not make a setting-up filing one-sided
    assert status_after_confirmation(FilingKind.REGISTER, frozenset({Side.PLEDGEE}), proof=True) is (
        FilingStatus.AWAITING_CONFIRMATIONS
    )


def test_out_of_order_actions() -> None:
    with pytest.raises(ConflictError) as e:
        check_action(FilingStatus.AWAITING_CONFIRMATIONS, Action.SUBMIT)
    assert e.value.code == "pledge.not_confirmed"
    with pytest.raises(ConflictError) as e:
        check_action(FilingStatus.REGISTERED, Action.WITHDRAW)
    assert e.value.code == "pledge.bad_status"
    check_action(FilingStatus.SUBMITTED, Action.DECIDE)
