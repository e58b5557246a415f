"""The lending basis (贷款依据) through the API, on both backends: the appraisal of record is the basis, the model its
challenger; every decision records its basis and the numbers used (decision record 0008)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ippledge.credit import queries
from ippledge.kernel.money import to_fen
from ippledge.valuation.engine.tables import ModelValuation
from ippledge.valuation.governance import queries as governance
from ippledge.valuation.governance.model import FlagKind
from tests.intake.factories import TODAY, Desk
from tests.registry.factories import Asset

SEVEN = ["570000"] * 6 + ["580000"]  # seven invention patents appraised at 4,000,000 CNY in total


def _model(d: Desk, assets: list[Asset], p10: str, p50: str, p90: str) -> None:
    """A model valuation of each IP a month back: the stated range, forced sale = 0.28 x P50 (0.40 x 0.70)."""
    with d.world.factory.begin() as s:
        for a in assets:
            s.add(
                ModelValuation(
                    ip_asset_id=a.id,
                    as_of=TODAY - dt.timedelta(days=30),
                    model_version="test",
                    seed=1,
                    score=0.5,
                    value_p10_fen=to_fen(Decimal(p10)),
                    value_p50_fen=to_fen(Decimal(p50)),
                    value_p90_fen=to_fen(Decimal(p90)),
                    collateral_value_fen=to_fen(Decimal(p50) * Decimal("0.28")),
                    market_value_fen=None,
                    cost_value_fen=0,
                    currency="CNY",
                    assumptions="{}",
                    explanation="{}",
                )
            )


def _seven(d: Desk) -> list[Asset]:
    return [d.patent() for _ in range(7)]


def test_one_million_on_seven_inventions_appraised_at_four_million(world, app) -> None:  # type: ignore[no-untyped-def]
    d = Desk(world, app)
    assets = _seven(d)
    _model(d, assets, "300000", "600000", "1200000")
    version = d.product(min_forced_sale_coverage="0.5")
    a = d.apply(assets, consents=[d.bank.id, d.valuer.party.id])
    report = d.valuation(a["id"], assets, SEVEN, valuer=d.valuer)
    r = d.propose(a["id"], version, amount="1000000")
    assert r.status_code == 201, r.text
    dec = r.json()
    assert dec["failures"] == [] and dec["status"] == "pending" and dec["warnings"] == []
    assert dec["max_supported"] == "1000000.00" and dec["basis_kind"] == "report" and dec["ltv_cap_bp"] == 2500
    assert (dec["appraisal"], dec["model_p10"], dec["model_p50"], dec["model_p90"], dec["forced_sale"]) == (
        "4000000.00",
        "2100000.00",
        "4200000.00",
        "8400000.00",
        "1176000.00",
    )
    assert dec["forced_sale_coverage"] == "1.1760"
    assert {v["report_id"] for v in dec["valuations"]} == {report}
    assert all(v["basis"] == "report" and v["forced_sale"] == "168000.00" for v in dec["valuations"])
    # the query face returns the same record; GET returns it too
    assert d.get(d.bank.officer, f"/credit-decisions/{dec['id']}").json()["appraisal"] == "4000000.00"
    with world.factory() as s:
        facts = queries.decision_facts(s, dec["id"])
    assert facts is not None and (facts.basis_kind, facts.appraisal, facts.forced_sale) == (
        "report",
        Decimal("4000000"),
        Decimal("1176000"),
    )
    assert (facts.model_p50, facts.ltv_cap_bp, facts.max_supported, facts.warnings) == (
        Decimal("4200000"),
        2500,
        Decimal("1000000"),
        (),
    )
    assert {v.basis for v in facts.valuations} == {"report"} and facts.valuations[0].forced_sale == Decimal("168000")
    d.post(d.bank.approver, f"/credit-decisions/{dec['id']}/approve", {}, 200)


def test_report_outside_the_model_band_is_the_basis_and_only_flagged(world, app) -> None:  # type: ignore[no-untyped-def]
    """Replaces the rule that let the model's collateral value replace a valid report."""
    d = Desk(world, app)
    assets = _seven(d)
    _model(d, assets, "100000", "200000", "300000")  # 570,000 > 300,000 x 1.25: every report is outside the band
    version = d.product(min_forced_sale_coverage="0.5")
    a = d.apply(assets, consents=[d.bank.id, d.valuer.party.id])
    report = d.valuation(a["id"], assets, SEVEN, valuer=d.valuer)
    dec = d.propose(a["id"], version, amount="1000000").json()
    assert dec["failures"] == [] and dec["max_supported"] == "1000000.00" and dec["appraisal"] == "4000000.00"
    codes = [w["code"] for w in dec["warnings"]]
    assert codes.count("credit.appraisal_outside_model_band") == 7
    # forced sale 7 x 56,000 = 392,000: 39.2% of the loan, below the product's 50%
    assert "credit.forced_sale_coverage_low" in codes and dec["forced_sale"] == "392000.00"
    assert "credit.forced_sale_coverage_low" not in {c["code"] for c in dec["checks"]}  # a warning, not a check
    with world.factory() as s:
        flags = governance.all_flags(s, TODAY)
    outside = {f.ip_asset_id for f in flags if f.kind is FlagKind.OUTSIDE_RANGE and f.report_id == report}
    assert outside == {a.id for a in assets}  # the valuer governance sees the same challenge
    d.post(d.bank.approver, f"/credit-decisions/{dec['id']}/approve", {}, 200)  # warnings never block


def _no_report(d: Desk, **product: Any) -> dict[str, Any]:
    assets = _seven(d)
    _model(d, assets, "300000", "600000", "1200000")
    version = d.product(**product)
    a = d.apply(assets)
    return dict(d.propose(a["id"], version, amount="1000000").json())


def test_without_a_report_the_model_basis_only_where_the_product_allows(world, app) -> None:  # type: ignore[no-untyped-def]
    d = Desk(world, app)
    refused = _no_report(d)
    assert refused["status"] == "failed" and "credit.valuation_missing" in refused["failures"]
    check = next(c for c in refused["checks"] if c["code"] == "credit.valuation_missing")
    assert check["details"]["model_basis_without_report"] is False and len(check["details"]["model_valued"]) == 7
    assert refused["basis_kind"] is None and refused["appraisal"] is None and refused["max_supported"] == "0.00"
    assert refused["forced_sale"] == "1176000.00"  # the model's numbers are recorded all the same
    d2 = Desk(world, app)
    allowed = _no_report(d2, model_basis_without_report=True, model_cap_p90_multiple="1.5")
    assert allowed["failures"] == [] and allowed["basis_kind"] == "model"
    assert allowed["appraisal"] == "4200000.00" and allowed["max_supported"] == "1050000.00"  # P50 x 25%
    assert {w["code"] for w in allowed["warnings"]} == {"credit.model_basis"}
    versions = d2.get(d2.bank.approver, "/credit-products").json()
    pid = versions[-1]["id"]
    v = d2.get(d2.bank.approver, f"/credit-products/{pid}/versions").json()[-1]
    assert (v["model_basis_without_report"], v["model_cap_p90_multiple"], v["min_forced_sale_coverage"]) == (
        True,
        "1.5",
        None,
    )


def test_internal_valuation_basis_and_bad_model_parameters(world, app) -> None:  # type: ignore[no-untyped-def]
    d = Desk(world, app)
    assets = _seven(d)
    version = d.product()
    a = d.apply(assets)
    d.valuation(a["id"], assets, SEVEN)  # the bank values internally (amount under the threshold)
    dec = d.propose(a["id"], version, amount="1000000").json()
    assert dec["failures"] == [] and dec["basis_kind"] == "internal" and dec["appraisal"] == "4000000.00"
    # no model valuation: the appraisal is unchallenged and the forced sale unknown; said, not blocked
    assert [w["code"] for w in dec["warnings"]] == ["credit.no_model_valuation"] and dec["forced_sale"] is None
    pid = d.get(d.bank.approver, "/credit-products").json()[0]["id"]
    base = {"effective_from": "2025-08-01", "min_amount": "100000", "max_amount": "5000000", "rate_cap_lpr_plus_bp": 80}
    for bad, code in (
        ({"model_cap_p90_multiple": "0"}, "credit.product_invalid"),
        ({"min_forced_sale_coverage": "abc"}, "rate.format"),  # refused by the request schema, the field named
        ({"model_cap_p90_multiple": "NaN"}, "rate.format"),
        ({"rate_cap_lpr_multiple": "1e30"}, "rate.format"),
        ({"rate_cap_lpr_multiple": "5"}, "rate.limit"),  # above 4 x LPR
        ({"min_amount": "0.005"}, "money.precision"),
        ({"max_amount": "99999999999"}, "money.limit"),
        ({"model_cap_p90_multiple": "1.23456"}, "credit.product_invalid"),
    ):
        r = d.post(d.bank.approver, f"/credit-products/{pid}/versions", {**base, **bad})
        assert (r.status_code, r.json()["code"]) == (422, code), r.text
    assert len(d.get(d.bank.approver, f"/credit-products/{pid}/versions").json()) == 1  # nothing written
