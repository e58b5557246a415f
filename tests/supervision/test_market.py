"""A bank sees itself and the anonymised market (同业匿名对标), through the API on both backends: its own line named,
the market only as totals, quartiles and its place, every aggregate suppressed under three other banks, and never
another bank's name or id anywhere in the answer -- also when it asks for another bank by id."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ippledge.access.model import PartyKind, Role
from ippledge.supervision import market
from tests.supervision.book import write_loan

Q = "start=2024-01-01&end=2024-12-31"


def _walk(doc: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every (key path, scalar) pair of a JSON document."""
    if isinstance(doc, dict):
        return [pair for k, v in doc.items() for pair in _walk(v, f"{path}.{k}")]
    if isinstance(doc, list):
        return [pair for v in doc for pair in _walk(v, f"{path}[]")]
    return [(path, doc)]


def _assert_no_other_bank(doc: dict[str, Any], own_id: int, others: dict[int, str]) -> None:
    text = str(doc)
    for name in others.values():
        assert name not in text, name
    for path, value in _walk(doc):
        leaf = path.rsplit(".", 1)[-1]
        if leaf in ("bank_id", "id", "bank") or leaf.endswith("_id"):
            assert value in (own_id, str(own_id), None), (path, value)


def test_bank_sees_itself_and_the_market_only_in_aggregate(world, session_factory) -> None:
    firm = world.party(PartyKind.ENTERPRISE, name="对标测试企业")
    banks = [world.party(PartyKind.BANK, name=f"对标银行{c}") for c in "ABCDE"]
    own, *others = banks
    names = {b.id: b.name for b in others}
    viewer = world.user(own, Role.CREDIT_OFFICER)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)

    def get(who: Any, url: str, expect: int = 200) -> Any:
        r = world.client.get(url, headers=who.headers)
        assert r.status_code == expect, r.text
        return r.json()

    # the viewer and two other banks lend: too few others, every aggregate suppressed
    for b, amount in zip(banks[:3], ("3000000", "1000000", "2000000"), strict=True):
        write_loan(session_factory, b.id, firm.id, amount, dt.date(2024, 3, 1))
        write_loan(session_factory, b.id, firm.id, amount, dt.date(2023, 3, 1))  # last year's base
    doc = get(viewer, f"/supervision/market?{Q}")
    assert doc["bank"]["bank_id"] == own.id and doc["bank"]["name"] == own.name
    assert doc["bank"]["loans"]["disbursed"] == "3000000.00"
    assert doc["suppressed"] is True and doc["market_total"] is None and doc["rank"] is None
    assert doc["market_banks"] == 3 and doc["min_other_banks"] == market.MIN_OTHER_BANKS == 3
    assert all(m["suppressed"] and m["median"] is None and m["total"] is None for m in doc["metrics"])
    assert next(m for m in doc["metrics"] if m["metric"] == "disbursed")["own"] == "3000000.00"
    _assert_no_other_bank(doc, own.id, names)

    # a third other bank: the market is shown in aggregate, still nameless
    write_loan(session_factory, banks[3].id, firm.id, "4000000", dt.date(2024, 5, 1))
    write_loan(session_factory, banks[3].id, firm.id, "1000000", dt.date(2023, 5, 1))
    doc = get(viewer, f"/supervision/market?{Q}")
    assert doc["suppressed"] is False and doc["market_banks"] == 4
    assert doc["market_total"]["disbursed"] == "10000000.00" and doc["market_total"]["key"] == {}
    disbursed = {m["metric"]: m for m in doc["metrics"]}["disbursed"]
    assert disbursed["total"] == "10000000.00" and disbursed["banks"] == 4
    assert Decimal(disbursed["median"]) == Decimal("2500000.00")  # of 1m, 2m, 3m, 4m
    assert Decimal(disbursed["p25"]) == Decimal("1750000.00") and Decimal(disbursed["p75"]) == Decimal("3250000.00")
    assert disbursed["own_place"] == 2
    growth = {m["metric"]: m for m in doc["metrics"]}["growth_rate"]
    assert growth["total"] is None and growth["own"] == "0.0000" and growth["own_place"] == 2  # 4 banks; D grew 300%
    assert doc["rank"]["rule"] == "growth_within_tolerance" and doc["rank"]["rank"] is None
    assert doc["rank"]["reasons"] == ["overall_npl_missing"] and doc["rank"]["out_of"] == 0
    _assert_no_other_bank(doc, own.id, names)

    # the regulator records overall ratios: the viewer learns its rank out of N, and no one else's
    for b in banks[:4]:
        body = {"bank_id": b.id, "period_end": "2024-12-31", "ratio": "0.01"}
        assert world.client.post("/supervision/overall-npl", json=body, headers=regulator.headers).status_code == 201
    doc = get(viewer, f"/supervision/market?{Q}")
    assert doc["rank"]["out_of"] == 4 and doc["rank"]["rank"] == 2  # D first (300%), A, B, C tied at 0%
    _assert_no_other_bank(doc, own.id, names)

    # asking for another bank's named figures gets the anonymised market instead
    asked = get(viewer, f"/supervision/market?{Q}&bank_id={banks[1].id}")
    assert asked["substituted"] is True and asked["bank"]["bank_id"] == own.id
    _assert_no_other_bank(asked, own.id, names)
    same = {k: v for k, v in doc.items() if k != "substituted"}
    assert {k: v for k, v in asked.items() if k != "substituted"} == same
    # the named statistics and rankings stay closed to banks
    assert get(viewer, f"/supervision/statistics?{Q}", 403)["code"] == "supervision.regulator_only"
    assert get(viewer, f"/supervision/rankings?{Q}", 403)["code"] == "supervision.regulator_only"

    # a bank that lent nothing sees its zero line and the market (four others)
    idle = world.user(banks[4], Role.APPROVER)
    quiet = get(idle, f"/supervision/market?{Q}")
    assert quiet["bank"]["loans"]["disbursed"] == "0.00" and quiet["suppressed"] is False
    assert quiet["rank"]["reasons"] == ["no_activity"]
    _assert_no_other_bank(quiet, banks[4].id, {b.id: b.name for b in banks[:4]})

    # the regulator sees a named bank's view; it must say which; others may not look at all
    seen = get(regulator, f"/supervision/market?{Q}&bank_id={banks[1].id}")
    assert seen["bank"]["bank_id"] == banks[1].id and seen["substituted"] is False
    assert get(regulator, f"/supervision/market?{Q}", 422)["code"] == "supervision.bank_required"
    assert get(regulator, f"/supervision/market?{Q}&bank_id={firm.id}", 422)["code"] == "supervision.not_a_bank"
    outsider = world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER)
    assert get(outsider, f"/supervision/market?{Q}", 403)["code"] == "supervision.market_readers"
    assert get(viewer, "/supervision/market?start=2024-02-01&end=2024-01-01", 422)["code"] == (
        "supervision.period_reversed"
    )
