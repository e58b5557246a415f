"""Demand rules without a database: survey field checks, product matching with explanations, the funnel counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.demand import model
from ippledge.demand.model import Check, DemandFacts, FunnelInput, GroupBy, Offer, OfferedIp, Problem


def offer(bank: int, product: int, **kw: object) -> Offer:
    base: dict[str, object] = {
        "bank_id": bank,
        "bank_region": "110000",
        "product_id": product,
        "code": f"P{product}",
        "name": "知识产权质押贷",
        "min_amount": Decimal("100000"),
        "max_amount": Decimal("10000000"),
        "max_term_months": 36,
        "ltv_bp": {"invention": 5000, "utility_model": 3000},
        "ip_required": True,
        "rate_cap_bp": 420,
    }
    base.update(kw)
    return Offer(**base)  # type: ignore[arg-type]


def test_field_checks() -> None:
    assert model.parse_amount("1,000,000") == Decimal("1000000.00")
    assert isinstance(model.parse_amount("0"), Problem) and isinstance(model.parse_amount("abc"), Problem)
    assert model.parse_term("12") == 12 and isinstance(model.parse_term("0"), Problem)
    assert model.parse_use("研发投入") is model.Use.RESEARCH and isinstance(model.parse_use("x"), Problem)
    assert model.parse_date("") is None and isinstance(model.parse_date("2025-13-01"), Problem)


def test_match_ranks_eligible_by_price_and_explains() -> None:
    ip = [OfferedIp(1, "invention", Decimal("3000000")), OfferedIp(2, "utility_model", Decimal("1000000"))]
    demand = DemandFacts(Decimal("1500000"), 24, "110108", ip)  # lending value 1.5m + 0.3m = 1.8m
    found = model.match(
        demand,
        [
            offer(1, 1, rate_cap_bp=450),
            offer(2, 2, rate_cap_bp=380),
            offer(3, 3, max_term_months=12),  # term too long for it
            offer(4, 4, bank_region="440300"),  # another province
            offer(5, 5, ltv_bp={"invention": 2000, "utility_model": 0}),  # 0.6m < 1.5m
        ],
    )
    assert [(m.offer.bank_id, m.outcome) for m in found] == [
        (2, Check.PASS),
        (1, Check.PASS),
        (3, Check.FAIL),
        (4, Check.FAIL),
        (5, Check.FAIL),
    ]
    assert found[0].supported == Decimal("1800000.00")
    checks = {c.check: c for c in found[2].checks}
    assert checks["term"].outcome == "fail" and "36" not in checks["term"].en
    assert {c.check: c.outcome for c in found[3].checks}["region"] == "fail"
    unvalued = DemandFacts(Decimal("1500000"), 24, "110108", [OfferedIp(1, "invention", None)])
    assert model.match(unvalued, [offer(1, 1)])[0].outcome is Check.UNKNOWN
    no_ip = DemandFacts(Decimal("1500000"), 24, "110108", [])
    assert model.match(no_ip, [offer(1, 1), offer(2, 2, ip_required=False)])[0].offer.bank_id == 2


def test_funnel_counts_each_stage_reached() -> None:
    day = dt.date(2025, 6, 3)
    rows = [
        FunnelInput(1, 10, "中关村支行", day, "approved", Decimal("5000000")),
        FunnelInput(1, 10, None, day, "applied", None),  # declined after applying
        FunnelInput(1, 10, None, day, "visited", None),
        FunnelInput(1, 20, None, dt.date(2025, 7, 1), "pushed", None),
    ]
    by_bank = {r.key: r for r in model.funnel(rows, GroupBy.BANK)}
    assert by_bank["10"].counts == {"pushed": 3, "contacted": 3, "applied": 2, "approved": 1, "lent": 1}
    assert by_bank["10"].lent_amount == Decimal("5000000")
    assert by_bank["10"].rates()["applied"] == round(2 / 3, 4)
    assert by_bank["20"].rates()["contacted"] == 0.0
    assert [r.key for r in model.funnel(rows, GroupBy.PERIOD)] == ["2025-06", "2025-07"]
    assert [r.key for r in model.funnel(rows, GroupBy.BRANCH)] == ["10:-", "10:中关村支行", "20:-"]
