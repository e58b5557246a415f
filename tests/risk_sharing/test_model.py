"""Risk-sharing schemes: the split to the fen, caps, clawback, eligibility, presets and their JSON form."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ippledge.kernel.errors import NotFoundError, ValidationError
from ippledge.risk_sharing.claims.model import CapsState, advance_amount, largest_remainder, share_recovery, split_loss
from ippledge.risk_sharing.model import PARTIES, Party, Scheme, Tier, Trigger, TriggerKind, problems
from ippledge.risk_sharing.schemes.documents import from_dict, to_dict
from ippledge.risk_sharing.schemes.eligibility import LoanFacts, eligibility
from ippledge.risk_sharing.schemes.presets import get_preset, presets
from tests.risk_sharing.factories import JURISDICTION

D = Decimal


def test_zhongshan_million_splits_54_26_16_4() -> None:
    a = split_loss(get_preset("zhongshan"), "1000000", "1000000")
    assert a.shares == {
        Party.FUND: D("540000.00"),
        Party.BANK: D("260000.00"),
        Party.INSURER: D("160000.00"),
        Party.VALUER: D("40000.00"),
    }
    assert a.compensation == D("740000.00") and not a.capped_by


def test_largest_remainder_gives_leftover_fen_to_largest_remainders() -> None:
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]  # tie: party order
    assert largest_remainder(1, [5400, 2600, 1600, 400]) == [1, 0, 0, 0]
    assert sum(largest_remainder(999_999, [3333, 3333, 3334])) == 999_999


@st.composite
def schemes_and_state(draw: st.DrawFn) -> tuple[Scheme, CapsState, int, int, int | None]:
    parties = draw(st.lists(st.sampled_from(PARTIES), min_size=1, max_size=6, unique=True))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=len(parties) - 1, max_size=len(parties) - 1)))
    bps = [b - a for a, b in zip([0, *cuts], [*cuts, 10_000], strict=True)]
    shares = dict(zip(parties, bps, strict=True))
    shares[Party.BANK] = shares.get(Party.BANK, 0)
    cap = st.none() | st.integers(0, 10**9).map(lambda f: D(f) / 100)
    caps = {p: c for p in parties if p is not Party.BANK and (c := draw(cap)) is not None}
    ip_only = draw(st.booleans())
    scheme = Scheme(
        code="prop",
        version="1",
        effective_from=dt.date(2020, 1, 1),
        name_zh="性质",
        name_en="property",
        jurisdiction=JURISDICTION,
        tiers=(Tier(None, shares),),
        trigger=Trigger(TriggerKind.WRITE_OFF),
        annual_budget_cap=draw(cap),
        per_institution_cap=draw(cap),
        per_loan_caps=caps,
        liability_limited_to_fund=draw(st.booleans()),
        compensate_ip_share_only=ip_only,
    )
    state = CapsState(
        fund_balance=draw(st.none() | st.integers(-(10**8), 10**9).map(lambda f: D(f) / 100)),
        fund_paid_this_year=D(draw(st.integers(0, 10**9))) / 100,
        institution_paid_this_year=D(draw(st.integers(0, 10**9))) / 100,
    )
    ip_share = draw(st.integers(0, 10_000)) if ip_only else None
    return scheme, state, draw(st.integers(0, 10**11)), draw(st.integers(0, 10**9)), ip_share


@settings(max_examples=300, deadline=None)
@given(schemes_and_state())
def test_split_sums_to_the_fen_and_never_exceeds_a_cap(case: tuple[Scheme, CapsState, int, int, int | None]) -> None:
    scheme, state, loss_fen, interest_fen, ip_share = case
    assert not problems(scheme)
    loss, interest = D(loss_fen) / 100, D(interest_fen) / 100
    a = split_loss(scheme, loss, loss, state, interest=interest, ip_share_bp=ip_share)
    assert sum(a.shares.values()) == loss + interest
    assert all(v >= 0 for v in a.shares.values())
    for party, cap in scheme.per_loan_caps.items():
        assert a.shares.get(party, D(0)) <= cap
    fund = a.shares.get(Party.FUND, D(0))
    if scheme.annual_budget_cap is not None:
        assert state.fund_paid_this_year + fund <= max(scheme.annual_budget_cap, state.fund_paid_this_year)
    if scheme.per_institution_cap is not None:
        assert fund <= max(scheme.per_institution_cap - state.institution_paid_this_year, D(0))
    if scheme.liability_limited_to_fund and state.fund_balance is not None:
        assert fund <= max(state.fund_balance, D(0))
    recovered = share_recovery(a, (loss + interest) / 3)
    assert sum(recovered.shares.values()) == (((loss + interest) / 3) * 100).quantize(D(1)) / 100


def test_uncapped_share_is_within_a_fen_of_exact() -> None:
    a = split_loss(get_preset("zhongshan"), "0.07", "0.07")
    assert sum(a.shares.values()) == D("0.07")
    for party, v in a.shares.items():
        exact = D("0.07") * get_preset("zhongshan").tiers[0].share(party) / 10_000
        assert abs(v - exact) < D("0.01")


def test_jiangsu_tier_by_balance_and_interest_to_bank() -> None:
    s = get_preset("jiangsu-suzhidai")
    low = split_loss(s, "1000000", "10000000", interest="12345.67")
    assert low.tier_index == 0 and low.shares[Party.FUND] == D("800000.00")
    assert low.shares[Party.BANK] == D("200000.00") + D("12345.67")
    high = split_loss(s, "1000000", "10000000.01")
    assert high.tier_index == 1 and high.shares[Party.FUND] == D("500000.00")


def test_caps_fall_back_to_the_bank() -> None:
    cq = split_loss(get_preset("chongqing"), "8000000", "9000000", interest="50000")
    assert cq.shares[Party.FUND] == D("1500000.00") and cq.capped_by[Party.FUND] == ("per_loan",)
    assert cq.uncapped[Party.FUND] == D("2415000.00") and cq.shares[Party.BANK] == D("6550000.00")
    hk = get_preset("haikou")
    state = CapsState(fund_balance=D("100000"))
    a = split_loss(hk, "1000000", "1000000", state)
    assert a.shares == {Party.FUND: D("100000.00"), Party.BANK: D("900000.00")}
    assert a.capped_by[Party.FUND] == ("fund_balance",) and state.after(a).fund_balance == 0
    assert split_loss(hk, "1000", "1000", state.after(a)).shares[Party.FUND] == 0


def test_wuhan_compensates_the_ip_share_only() -> None:
    a = split_loss(get_preset("wuhan"), "1000000", "1000000", ip_share_bp=6000)
    assert a.shares == {Party.FUND: D("300000.00"), Party.BANK: D("700000.00")}
    with pytest.raises(ValidationError) as err:
        split_loss(get_preset("wuhan"), "1000000", "1000000")
    assert err.value.code == "risk.ip_share"


def test_clawback_in_the_proportions_actually_borne() -> None:
    zs = split_loss(get_preset("zhongshan"), "1000000", "1000000")
    back = share_recovery(zs, "100000")
    assert back.shares == {
        Party.FUND: D("54000.00"),
        Party.BANK: D("26000.00"),
        Party.INSURER: D("16000.00"),
        Party.VALUER: D("4000.00"),
    }
    cq = split_loss(get_preset("chongqing"), "8000000", "9000000")
    back = share_recovery(cq, "800000")
    assert back.shares[Party.FUND] == D("150000.00")  # 1.5m of 8m borne, not the uncapped 30%
    with pytest.raises(ValidationError) as err:
        share_recovery(zs, "1000000.01")
    assert err.value.code == "risk.recovery.exceeds_loss"
    with pytest.raises(ValidationError):
        split_loss(get_preset("zhongshan"), "-1", "1")


def test_shanghai_advances_80_percent() -> None:
    s = get_preset("shanghai")
    assert advance_amount(s, split_loss(s, "1000000", "1000000")) == D("800000.00")
    assert advance_amount(get_preset("zhuhai"), split_loss(get_preset("zhuhai"), "10", "10")) == 0


@pytest.mark.parametrize("scheme", presets(), ids=lambda s: f"{s.code}@{s.version}")
def test_every_preset_validates_and_round_trips_through_json(scheme: Scheme) -> None:
    assert problems(scheme) == []
    assert scheme.sources and scheme.assumptions  # every preset says where its numbers come from
    assert from_dict(json.loads(json.dumps(to_dict(scheme), ensure_ascii=False))) == scheme


def test_from_dict_lists_every_problem() -> None:
    doc = to_dict(get_preset("zhongshan"))
    doc["tiers"][0]["shares"]["fund"] = 5000  # sum 9600
    doc["trigger"]["kind"] = "whenever"
    doc["per_loan_caps"] = {"bank": "1.5"}  # the overflow party capped
    doc["annual_budget_cap"] = 1.5  # a float
    del doc["code"]
    with pytest.raises(ValidationError) as err:
        from_dict(doc)
    assert err.value.code == "risk.scheme.invalid"
    codes = {(p["code"], p["path"]) for p in err.value.details["problems"]}
    assert codes >= {
        ("risk.scheme.shares_sum", "tiers[0]"),
        ("risk.scheme.field", "trigger.kind"),
        ("risk.scheme.overflow_capped", "overflow_party"),
        ("risk.scheme.field", "annual_budget_cap"),
        ("risk.scheme.missing", "code"),
    }
    assert all(p["message_zh"] and p["message_en"] for p in err.value.details["problems"])


def test_preset_versions_by_date() -> None:
    assert get_preset("beijing-etown", dt.date(2024, 12, 31)).version == "2020"
    assert get_preset("beijing-etown").tiers[0].share(Party.FUND) == 5000
    with pytest.raises(NotFoundError):
        get_preset("atlantis")


def _facts(**kw: object) -> LoanFacts:
    base: dict[str, object] = {
        "as_of": dt.date(2025, 3, 1),
        "loan_amount": D("5000000"),
        "term_months": 24,
        "annual_rate": D("0.036"),
        "lpr_1y": D("0.031"),
        "ip_types": frozenset({"invention"}),
    }
    return LoanFacts(**{**base, **kw})  # type: ignore[arg-type]


def test_eligibility_lists_every_failure() -> None:
    js = get_preset("jiangsu-suzhidai")
    assert eligibility(js, _facts()) == []
    reasons = eligibility(js, _facts(loan_amount=D("40000000"), term_months=48, annual_rate=D("0.0395")))
    assert [r.code for r in reasons] == [
        "risk.eligibility.loan_cap",
        "risk.eligibility.term_cap",
        "risk.eligibility.rate_cap",
    ]
    assert eligibility(js, _facts(annual_rate=D("0.039"))) == []  # LPR + 80bp exactly
    assert [r.path for r in eligibility(js, _facts(lpr_1y=None))] == ["lpr_1y"]
    wuhan = [r.code for r in eligibility(get_preset("wuhan"), _facts(ip_share_bp=4999))]
    assert wuhan == ["risk.eligibility.ip_share"]
    assert [r.code for r in eligibility(get_preset("wuhan"), _facts())] == ["risk.eligibility.missing"]
    sz = eligibility(get_preset("shenzhen"), _facts(borrower_bank_debt=D("30000001"), ip_types=frozenset({"x"})))
    assert {r.code for r in sz} == {"risk.eligibility.bank_debt", "risk.eligibility.ip_type"}
    early = eligibility(get_preset("beijing-etown"), _facts(as_of=dt.date(2024, 6, 1)))
    assert [r.code for r in early] == ["risk.eligibility.not_in_force"]
