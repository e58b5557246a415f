"""The disposal rules as data, rule by rule (DOMAIN.md §7), and the English auction's bid rules; no database."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from ippledge.cli import app
from ippledge.disposal import model
from ippledge.kernel.errors import IppledgeError

RULES = model.load_rules()
T = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def test_default_rule_set_is_the_2016_online_provisions_and_versioned() -> None:
    assert RULES.name == "spc-online-2016" and RULES.version == "1"
    assert "spc-offline-2004" in model.rule_set_names()
    with pytest.raises(IppledgeError) as e:
        model.load_rules("nope")
    assert e.value.code == "disposal.rules_unknown" and "spc-online-2016" in e.value.details["known"]


def test_start_price_at_least_70_percent_of_the_appraisal() -> None:
    p = model.plan(RULES, "1000000")
    assert p.rounds[0].start_price == Decimal("700000.00")
    odd = model.plan(RULES, "333333.33")  # rounded up, so the share holds exactly
    assert odd.rounds[0].start_price == Decimal("233333.34") >= Decimal("333333.33") * Decimal("0.7")


def test_reauction_steps_down_at_most_20_percent_of_the_previous_start() -> None:
    p = model.plan(RULES, "1000000")
    assert p.rounds[1].start_price == Decimal("560000.00") == p.rounds[0].start_price * Decimal("0.8")
    assert model.min_start_price(RULES, Decimal("1000000"), Decimal("700000.00")) == Decimal("560000.00")


def test_notice_periods_for_other_property_rights_and_the_reauction_window() -> None:
    first, second = model.plan(RULES, "1000000").rounds
    assert (first.notice_days, second.notice_days) == (30, 15)
    assert first.within_days_of_failure is None and second.within_days_of_failure == 30
    assert first.bidding_hours == 24


def test_deposit_between_5_and_20_percent_of_the_start_price() -> None:
    r = model.plan(RULES, "1000000").rounds[0]
    assert (r.deposit_min, r.deposit_max) == (Decimal("35000.00"), Decimal("140000.00"))


def test_increment_is_a_share_of_the_start_price_with_a_floor() -> None:
    assert model.increment(RULES, Decimal("700000.00")) == Decimal("7000.00")
    assert model.increment(RULES, Decimal("3000.00")) == Decimal("100.00")


def test_sale_stage_at_the_last_start_price_and_satisfaction_at_the_reserve() -> None:
    p = model.plan(RULES, "1000000")
    assert p.sale_price == p.rounds[-1].start_price == Decimal("560000.00") and p.sale_days == 60
    assert p.satisfaction_price == Decimal("560000.00")


def test_offline_rules_differ_as_data() -> None:
    p = model.plan(model.load_rules("spc-offline-2004"), "1000000")
    assert [r.start_price for r in p.rounds] == [Decimal("800000.00"), Decimal("640000.00"), Decimal("512000.00")]


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "1.001", "NaN", "1e20"])
def test_bad_appraisal_refused(bad: str) -> None:
    with pytest.raises(IppledgeError) as e:
        model.plan(RULES, bad)
    assert e.value.code == "disposal.appraisal"


def test_a_bad_rule_document_names_its_fault() -> None:
    doc = json.loads(json.dumps(model.plan_dict(model.plan(RULES, "1"))))  # not a rule document at all
    with pytest.raises(IppledgeError) as e:
        model.parse_rules(doc)
    assert e.value.code == "disposal.rules_invalid"
    good = {**_doc(), "deposit_share_min": "0.30"}
    with pytest.raises(IppledgeError, match="deposit_share_min"):
        model.parse_rules(good)


def _doc() -> dict[str, object]:
    from importlib import resources

    text = (resources.files("ippledge.disposal") / "rules" / "spc-online-2016.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def _state(price: str | None = None, preemptive_leader: bool = False) -> model.AuctionState:
    return model.AuctionState(
        opens_at=T,
        ends_at=T + dt.timedelta(hours=24),
        start_price=Decimal("700000.00"),
        increment=Decimal("7000.00"),
        price=None if price is None else Decimal(price),
        leader_preemptive=preemptive_leader,
    )


OK = model.BidderStanding(registered=True, barred=False, preemptive=False)


def _code(state: model.AuctionState, who: model.BidderStanding, amount: str, at: dt.datetime) -> str:
    with pytest.raises(IppledgeError) as e:
        model.judge_bid(RULES, state, who, Decimal(amount), at)
    assert e.value.status == 409
    return e.value.code


def test_bids_must_open_at_the_start_price_then_rise_by_the_increment() -> None:
    at = T + dt.timedelta(hours=1)
    assert model.judge_bid(RULES, _state(), OK, Decimal("700000.00"), at).amount == Decimal("700000.00")
    assert _code(_state(), OK, "699999.99", at) == "disposal.bid_low"
    assert _code(_state("700000"), OK, "706999.99", at) == "disposal.bid_low"
    assert not model.judge_bid(RULES, _state("700000"), OK, Decimal("707000"), at).extended


def test_unregistered_barred_in_notice_and_closed_bids_refused() -> None:
    at = T + dt.timedelta(hours=1)
    assert _code(_state(), model.BidderStanding(False, False, False), "700000", at) == "disposal.bid_unregistered"
    assert _code(_state(), model.BidderStanding(True, True, False), "700000", at) == "disposal.bidder_barred"
    assert _code(_state(), OK, "700000", T - dt.timedelta(seconds=1)) == "disposal.bid_in_notice"
    assert _code(_state(), OK, "700000", T + dt.timedelta(hours=24)) == "disposal.bid_closed"


def test_a_bid_in_the_last_five_minutes_extends_bidding_five_minutes_from_it() -> None:
    end = T + dt.timedelta(hours=24)
    early = model.judge_bid(RULES, _state(), OK, Decimal("700000"), end - dt.timedelta(minutes=5, seconds=1))
    assert early.ends_at == end and not early.extended
    late = model.judge_bid(RULES, _state(), OK, Decimal("700000"), end - dt.timedelta(minutes=2))
    assert late.ends_at == end + dt.timedelta(minutes=3) and late.extended


def test_a_preemption_holder_wins_at_an_equal_price() -> None:
    at = T + dt.timedelta(hours=1)
    co_owner = model.BidderStanding(registered=True, barred=False, preemptive=True)
    assert model.judge_bid(RULES, _state("707000"), co_owner, Decimal("707000"), at).amount == Decimal("707000")
    # against another pre-emption holder (or for anyone else) the increment applies
    assert _code(_state("707000", preemptive_leader=True), co_owner, "707000", at) == "disposal.bid_low"
    assert _code(_state("707000"), OK, "707000", at) == "disposal.bid_low"


def test_waterfall_costs_then_debt_then_surplus() -> None:
    w = model.waterfall(Decimal("600000"), Decimal("20000"), Decimal("500000"))
    assert (w.costs, w.debt, w.surplus) == (Decimal("20000"), Decimal("500000"), Decimal("80000"))
    short = model.waterfall(Decimal("300000"), Decimal("20000"), Decimal("500000"))
    assert (short.debt, short.surplus) == (Decimal("280000"), Decimal("0"))
    with pytest.raises(IppledgeError) as e:
        model.waterfall(Decimal("100"), Decimal("101"), Decimal("0"))
    assert e.value.code == "disposal.costs"


def test_plan_command_prints_rounds_and_json() -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["disposal", "plan", "--appraisal", "1000000", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [r["start_price"] for r in data["rounds"]] == ["700000.00", "560000.00"]
    assert data["rounds"][0]["deposit"] == ["35000.00", "140000.00"] and data["sale"] == {
        "price": "560000.00",
        "days": 60,
    }
    text = runner.invoke(app, ["disposal", "plan", "--appraisal", "1000000", "--rules", "spc-offline-2004"])
    assert text.exit_code == 0 and "800000.00" in text.output
    bad = runner.invoke(app, ["disposal", "plan", "--appraisal", "-1"])
    assert bad.exit_code == 2
